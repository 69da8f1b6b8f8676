package dev.keel.cli;

/** A failure the CLI explains itself: one sentence for the user and the exit code that goes with it. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException userError(String message) {
        return new CliException(ExitCodes.USER_ERROR, message);
    }

    static CliException dataInvalid(String message) {
        return new CliException(ExitCodes.DATA_INVALID, message);
    }

    int exitCode() {
        return exitCode;
    }
}
