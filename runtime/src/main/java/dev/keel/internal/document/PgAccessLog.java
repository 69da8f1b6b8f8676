package dev.keel.internal.document;

import static dev.keel.internal.db.Tables.DOC_ACCESS_LOG;

import dev.keel.document.AccessLog;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** The access log in {@code keel.doc_access_log}; append-only. Thread-safe. */
final class PgAccessLog implements AccessLog {
    private final DataSource pool;

    PgAccessLog(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public void record(String actor, String operation, String collection, String target, String address,
                       boolean success) {
        if (actor == null || actor.isBlank()) {
            throw new InvalidInputException("must name who acted", "actor");
        }
        if (operation == null || operation.isBlank()) {
            throw new InvalidInputException("must name the operation", "operation");
        }
        try (Connection c = pool.getConnection()) {
            record(c, actor, operation, collection, target, address, success);
        } catch (SQLException e) {
            throw ErrorTranslator.translate("record access", e);
        }
    }

    static void record(Connection c, String actor, String operation, String collection, String target,
                       String address, boolean success) {
        DSL.using(c, SQLDialect.POSTGRES).insertInto(DOC_ACCESS_LOG)
                .set(DOC_ACCESS_LOG.ACTOR, actor)
                .set(DOC_ACCESS_LOG.OPERATION, operation)
                .set(DOC_ACCESS_LOG.COLLECTION, collection)
                .set(DOC_ACCESS_LOG.TARGET, target)
                .set(DOC_ACCESS_LOG.ADDRESS, address)
                .set(DOC_ACCESS_LOG.SUCCESS, success)
                .execute();
    }

    @Override
    public List<Entry> forTarget(String target, int limit) {
        try (Connection c = pool.getConnection()) {
            return DSL.using(c, SQLDialect.POSTGRES).selectFrom(DOC_ACCESS_LOG)
                    .where(DOC_ACCESS_LOG.TARGET.eq(target))
                    .orderBy(DOC_ACCESS_LOG.ID.desc())
                    .limit(Math.max(1, limit))
                    .fetch(r -> new Entry(r.getId(), r.getAt().toInstant(), r.getActor(), r.getOperation(),
                            r.getCollection(), r.getTarget(), r.getAddress(), r.getSuccess()));
        } catch (SQLException e) {
            throw ErrorTranslator.translate("read access log", e);
        }
    }
}
