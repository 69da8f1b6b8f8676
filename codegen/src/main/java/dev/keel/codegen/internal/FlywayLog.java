package dev.keel.codegen.internal;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.flywaydb.core.api.logging.LogFactory;

/**
 * Flyway's messages through the build's log: its per-migration chatter at debug (the plugin prints one summary
 * line of its own), its warnings and errors as warnings. A failure still reaches the user whole, as the
 * {@link MigrationFailure} that ends the goal.
 */
final class FlywayLog implements LogCreator {
    private final BuildLog log;

    private FlywayLog(BuildLog log) {
        this.log = log;
    }

    /** Routes Flyway's logging (configured with {@code loggers("maven")}) to {@code log}. */
    static void install(BuildLog log) {
        LogFactory.setFallbackLogCreator(new FlywayLog(log));
    }

    @Override
    public Log createLogger(Class<?> clazz) {
        return new Log() {
            @Override public boolean isDebugEnabled() { return true; }
            @Override public void debug(String message) { log.debug("Flyway: " + message); }
            @Override public void info(String message) { log.debug("Flyway: " + message); }
            @Override public void notice(String message) { log.debug("Flyway: " + message); }
            @Override public void warn(String message) { log.warn("Flyway: " + message); }
            @Override public void error(String message) { log.warn("Flyway: " + message); }
            @Override public void error(String message, Exception e) { log.warn("Flyway: " + message); }
        };
    }
}
