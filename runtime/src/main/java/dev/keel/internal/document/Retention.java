package dev.keel.internal.document;

import dev.keel.KeelException;
import dev.keel.document.CollectionInfo;
import dev.keel.document.PurgeResult;
import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired documents: per collection, batches of rows past {@code expires_at}, each batch its own short
 * transaction with a lock timeout, skipping rows other transactions hold, until none are left or the time budget
 * is spent. No lock outlives its batch, so inserts and updates carry on during a purge.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final DataSource pool;
    private final int batch;
    private final Duration budget;
    private final Duration lockTimeout;

    Retention(DataSource pool, int batch, Duration budget, Duration lockTimeout) {
        this.pool = pool;
        this.batch = batch;
        this.budget = budget;
        this.lockTimeout = lockTimeout;
    }

    PurgeResult purge(List<CollectionInfo> collections) {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, Long> deleted = new LinkedHashMap<>();
        boolean complete = true;
        for (CollectionInfo info : collections) {
            CollectionTable t = new CollectionTable(info.name(), dev.keel.document.CollectionOptions.defaults());
            long n = 0;
            try {
                int got;
                do {
                    if (System.nanoTime() > deadline) {
                        complete = false;
                        break;
                    }
                    got = batch(t);
                    n += got;
                } while (got == batch);
            } catch (KeelException e) {
                LOG.warn("purge of {} stopped: {}", info.name(), e.getMessage());
                complete = false;
            }
            if (n > 0) {
                deleted.put(info.name(), n);
            }
        }
        return new PurgeResult(deleted, complete);
    }

    private int batch(CollectionTable t) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis());
                int n = s.executeUpdate("DELETE FROM " + t.qualified() + " WHERE id IN (SELECT id FROM "
                        + t.qualified() + " WHERE expires_at <= now() ORDER BY expires_at LIMIT " + batch
                        + " FOR UPDATE SKIP LOCKED)");
                c.commit();
                return n;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw ErrorTranslator.translate("purge expired documents of " + t.name(), e);
        }
    }
}
