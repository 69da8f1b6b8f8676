package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;

import dev.keel.error.InvalidInputException;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.db.enums.SagaStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes finished sagas in batches. Each batch is one auto-committed DELETE of whole sagas (their child rows go by
 * cascade in the same statement), so locks are short and an interruption leaves no orphans. A session-level
 * advisory lock held for the run lets only one cleaner work at a time across processes.
 */
final class SagaCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(SagaCleaner.class);
    /** The advisory lock's key: "keelsaga" as a number. */
    static final long LOCK_KEY = 0x6b65656c73616761L;
    static final int BATCH = 500;

    private final DataSource pool;

    SagaCleaner(DataSource pool) {
        this.pool = pool;
    }

    int cleanup(Duration olderThan, int batchSize) {
        Objects.requireNonNull(olderThan, "olderThan");
        if (olderThan.isNegative()) {
            throw new InvalidInputException("must not be negative, was " + olderThan, "olderThan");
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            DSLContext dsl = DSL.using(c, SQLDialect.POSTGRES);
            Boolean locked = dsl.select(DSL.field("pg_try_advisory_lock({0})", Boolean.class, DSL.val(LOCK_KEY)))
                    .fetchOne(0, Boolean.class);
            if (!Boolean.TRUE.equals(locked)) {
                LOG.info("Saga cleanup skipped: another cleanup is running");
                return 0;
            }
            try {
                int total = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    int n = dsl.deleteFrom(SAGAS).where(SAGAS.ID.in(DSL.select(SAGAS.ID).from(SAGAS)
                            .where(SAGAS.COMPLETED_AT.lt(SagaSql.nowMinus(olderThan)))
                            .and(SAGAS.STATUS.in(SagaStatus.COMPLETED, SagaStatus.COMPENSATED, SagaStatus.FAILED,
                                    SagaStatus.CANCELLED, SagaStatus.TIMED_OUT))
                            .limit(batchSize).forUpdate().skipLocked())).execute();
                    total += n;
                    if (n < batchSize) {
                        break;
                    }
                }
                return total;
            } finally {
                dsl.select(DSL.field("pg_advisory_unlock({0})", Boolean.class, DSL.val(LOCK_KEY))).fetch();
            }
        } catch (SQLException e) {
            throw ErrorTranslator.translate("saga cleanup", e);
        } catch (RuntimeException e) {
            throw ErrorTranslator.propagate("saga cleanup", e);
        }
    }
}
