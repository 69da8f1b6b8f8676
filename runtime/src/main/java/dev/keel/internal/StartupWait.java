package dev.keel.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a database that is still starting: connects with exponential backoff and full jitter, each delay
 * capped at one second, until the overall deadline. Errors other than "cannot connect" (bad password, unknown
 * database) are not waited out.
 */
public final class StartupWait {
    private static final Logger LOG = LoggerFactory.getLogger(StartupWait.class);
    private static final long FIRST_DELAY_MS = 50;
    private static final long MAX_DELAY_MS = 1000;

    private StartupWait() {
    }

    public static void await(String url, Properties props, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        int attempt = 0;
        while (true) {
            attempt++;
            try (Connection ignored = DriverManager.getConnection(url, props)) {
                if (attempt > 1) {
                    LOG.info("Database answered after {} attempts", attempt);
                }
                return;
            } catch (SQLException e) {
                String state = e.getSQLState();
                boolean starting = state == null || state.startsWith("08") || "57P03".equals(state);
                long remainingMs = (end - System.nanoTime()) / 1_000_000;
                if (!starting || remainingMs <= 0) {
                    throw ErrorTranslator.translate("connect to " + DatabaseUrl.redact(url)
                            + " (" + attempt + " attempt" + (attempt == 1 ? "" : "s") + " in " + deadline + ")", e);
                }
                long cap = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(attempt - 1, 10));
                long delay = Math.min(remainingMs, ThreadLocalRandom.current().nextLong(cap + 1));
                LOG.debug("Database not answering yet ({}); retrying in {} ms", e.getMessage(), delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw ErrorTranslator.translate("connect (interrupted)", e);
                }
            }
        }
    }
}
