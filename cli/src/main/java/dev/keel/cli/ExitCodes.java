package dev.keel.cli;

/** What {@code keel} returns to the shell. */
final class ExitCodes {
    static final int OK = 0;
    static final int USER_ERROR = 1;
    static final int DATABASE_UNAVAILABLE = 2;
    static final int DATA_INVALID = 3;

    private ExitCodes() {
    }
}
