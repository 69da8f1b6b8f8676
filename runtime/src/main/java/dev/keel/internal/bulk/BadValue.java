package dev.keel.internal.bulk;

/** A value a codec refused; the engine adds the row and column and reports an InvalidInputException. */
public final class BadValue extends Exception {
    private static final long serialVersionUID = 1L;

    public BadValue(String reason) {
        super(reason, null, false, false);
    }
}
