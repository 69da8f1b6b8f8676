package dev.keel.internal.document;

import dev.keel.KeelException;
import dev.keel.document.CollectionInfo;
import dev.keel.document.PurgeResult;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired documents: per collection, batches of rows past {@code expires_at}, each batch its own short
 * transaction with a lock timeout, skipping rows other transactions hold, until none are left or the time budget
 * is spent. No lock outlives its batch, so inserts and updates carry on during a purge. In a collection partitioned
 * by month, whole months go first ({@link MonthPartitions}); with an access log retention, the access log's months
 * go whole last.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final Session session;
    private final int batch;
    private final Duration budget;
    private final Duration lockTimeout;

    private final Duration accessLogRetention;

    Retention(DataSource pool, int batch, Duration budget, Duration lockTimeout, Duration accessLogRetention) {
        this.session = Session.pool(pool);
        this.batch = batch;
        this.budget = budget;
        this.lockTimeout = lockTimeout;
        this.accessLogRetention = accessLogRetention;
    }

    PurgeResult purge(List<CollectionInfo> collections) {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, Long> deleted = new LinkedHashMap<>();
        boolean complete = true;
        for (CollectionInfo info : collections) {
            dev.keel.document.CollectionOptions options = dev.keel.document.CollectionOptions.defaults();
            if (info.partitionedByMonth()) {
                options = options.partitionedByMonth();
            }
            CollectionTable t = new CollectionTable(info.name(), options);
            long[] n = {0};
            if (t.monthly() && !partitions(MonthPartitions.of(t), t.name(), info.retention(), deadline, n)) {
                complete = false;
            }
            try {
                int got;
                do {
                    if (System.nanoTime() > deadline) {
                        complete = false;
                        break;
                    }
                    got = batch(t);
                    n[0] += got;
                } while (got == batch);
            } catch (KeelException e) {
                LOG.warn("purge of {} stopped: {}", info.name(), e.getMessage());
                complete = false;
            }
            if (n[0] > 0) {
                deleted.put(info.name(), n[0]);
            }
        }
        long[] entries = {0};
        if (accessLogRetention != null && !partitions(MonthPartitions.accessLog(), "the access log",
                accessLogRetention, deadline, entries)) {
            complete = false;
        }
        return new PurgeResult(deleted, entries[0], complete);
    }

    private int batch(CollectionTable t) {
        String columns = t.keyColumns();
        return inTransaction("purge expired documents of " + t.name(), c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("DELETE FROM " + t.qualified() + " WHERE (" + columns + ") IN (SELECT "
                        + columns + " FROM " + t.qualified() + " WHERE expires_at <= now() ORDER BY expires_at LIMIT "
                        + batch + " FOR UPDATE SKIP LOCKED)");
            }
        });
    }

    /**
     * The partitions of a table partitioned by month (a collection, before its row-by-row purge, or the access
     * log): rows in the default partition move to partitions of their own, this month's and the next ones' are
     * made, and those of months that ended longer than the retention ago are dropped whole, each step in a
     * transaction of its own. Adds the rows dropped to {@code dropped[0]}; returns false when a step failed
     * (logged; the next purge tries again) or the budget ran out.
     */
    private boolean partitions(MonthPartitions p, String what, Duration retention, long deadline, long[] dropped) {
        try {
            inTransaction("make the partitions of " + what, c -> {
                p.lock(c);
                p.splitDefault(c);
                p.ensureAhead(c);
                return null;
            });
            if (retention == null) {
                return true;
            }
            for (YearMonth m : inTransaction("list the partitions of " + what, c -> p.aged(c, retention))) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                long n = inTransaction("drop partition " + m + " of " + what, c -> {
                    p.lock(c);
                    return p.dropIfExpired(c, m);
                });
                if (n >= 0) {
                    LOG.info("purge dropped the partition of {} for {} ({} rows)", what, m, n);
                    dropped[0] += n;
                }
            }
            return true;
        } catch (KeelException e) {
            LOG.warn("partition upkeep of {} stopped: {}", what, e.getMessage());
            return false;
        }
    }

    /** Runs {@code work} in a transaction of its own under the lock timeout. */
    private <T> T inTransaction(String op, Session.Work<T> work) {
        return session.atomic(op, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis());
            }
            return work.apply(c);
        });
    }
}
