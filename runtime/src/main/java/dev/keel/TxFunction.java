package dev.keel;

/** Work done inside a transaction that returns a result. Any throwable rolls the transaction back. */
@FunctionalInterface
public interface TxFunction<T> {
    T apply(Tx tx) throws Exception;
}
