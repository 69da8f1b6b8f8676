package dev.keel.cli;

import dev.keel.KeelException;
import dev.keel.embedded.EmbeddedPostgresException;
import picocli.CommandLine;

/** One clear sentence per failure, the stack trace only with {@code --verbose}, and the right exit code. */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("keel: " + ex.getMessage());
        if (cmd.getParseResult().hasMatchedOption("--verbose")) {
            ex.printStackTrace(cmd.getErr());
        }
        return exitCode(ex);
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof EmbeddedPostgresException) {
            return ExitCodes.DATABASE_UNAVAILABLE;
        }
        if (ex instanceof KeelException k) {
            return switch (k.category()) {
                case CONNECTION_LOST, POOL_EXHAUSTED, QUERY_TIMEOUT, COMMIT_OUTCOME_UNKNOWN -> ExitCodes.DATABASE_UNAVAILABLE;
                case CONSTRAINT_VIOLATION, NOT_FOUND -> ExitCodes.DATA_INVALID;
                case INVALID_INPUT -> k.getMessage().startsWith("Invalid Keel configuration")
                        ? ExitCodes.USER_ERROR : ExitCodes.DATA_INVALID;
                default -> ExitCodes.DATABASE_UNAVAILABLE;
            };
        }
        return ExitCodes.USER_ERROR;
    }
}
