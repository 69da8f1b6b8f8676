package dev.keel;

/** Work done inside a transaction, returning nothing. May throw; any throwable rolls the transaction back. */
@FunctionalInterface
public interface TxCallback {
    void run(Tx tx) throws Exception;
}
