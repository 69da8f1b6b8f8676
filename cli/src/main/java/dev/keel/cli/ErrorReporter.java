package dev.keel.cli;

import dev.keel.KeelException;
import dev.keel.embedded.EmbeddedPostgresException;
import picocli.CommandLine;

/** One clear sentence per failure, the stack trace only with {@code --verbose}, and the right exit code. */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        String message = ex.getMessage() == null || ex.getMessage().isBlank()
                ? ex.getClass().getSimpleName() + " (run with --verbose for details)" : ex.getMessage().strip();
        cmd.getErr().println("keel: " + message);
        if (cmd.getParseResult().hasMatchedOption("--verbose")) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return exitCode(ex);
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof CliException c) {
            return c.exitCode();
        }
        if (ex instanceof EmbeddedPostgresException) {
            return ExitCodes.DATABASE_UNAVAILABLE;
        }
        if (ex instanceof KeelException k) {
            return switch (k.category()) {
                case CONNECTION_LOST, POOL_EXHAUSTED, QUERY_TIMEOUT, COMMIT_OUTCOME_UNKNOWN -> ExitCodes.DATABASE_UNAVAILABLE;
                case CONSTRAINT_VIOLATION -> ExitCodes.DATA_INVALID;
                // a snapshot id that names nothing is the caller's mistake, like a missing file
                case NOT_FOUND -> ExitCodes.USER_ERROR;
                case INVALID_INPUT -> k.getMessage().startsWith("Invalid Keel configuration")
                        ? ExitCodes.USER_ERROR : ExitCodes.DATA_INVALID;
                default -> ExitCodes.DATABASE_UNAVAILABLE;
            };
        }
        return ExitCodes.USER_ERROR;
    }
}
