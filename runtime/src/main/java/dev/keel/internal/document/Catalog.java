package dev.keel.internal.document;

import static dev.keel.internal.db.Tables.DOC_COLLECTIONS;

import dev.keel.document.CollectionInfo;
import dev.keel.document.CollectionOptions;
import dev.keel.internal.db.tables.records.DocCollectionsRecord;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.types.YearToSecond;

/** Keel's catalog of collections, {@code keel.doc_collections}, through the generated classes. */
final class Catalog {
    private Catalog() {
    }

    private static DSLContext dsl(Connection c) {
        return DSL.using(c, SQLDialect.POSTGRES);
    }

    /** Creates the collection's table and records it, serialised per name by an advisory lock. */
    static void ensure(Connection c, CollectionTable table) throws java.sql.SQLException {
        DSLContext dsl = dsl(c);
        dsl.execute("SELECT pg_advisory_xact_lock(hashtext({0}))", DSL.val(table.lockKey()));
        table.create(c);
        CollectionOptions o = table.options();
        StringBuilder indexes = new StringBuilder("[");
        for (CollectionOptions.Index i : o.indexes()) {
            indexes.append(indexes.length() > 1 ? "," : "").append(DocumentJson.write(
                    DocumentJson.MAPPER.createObjectNode().put("path", i.path()).put("unique", i.unique())
                            .put("scalar", i.scalar())));
        }
        if (o.hasGinIndex()) {
            indexes.append(indexes.length() > 1 ? "," : "").append("{\"gin\":true}");
        }
        indexes.append(']');
        YearToSecond retention = o.retention() == null ? null : YearToSecond.valueOf(o.retention());
        dsl.insertInto(DOC_COLLECTIONS)
                .set(DOC_COLLECTIONS.NAME, table.name())
                .set(DOC_COLLECTIONS.RETENTION, retention)
                .set(DOC_COLLECTIONS.SUBJECT_FIELD, o.subjectField())
                .set(DOC_COLLECTIONS.AUDIT, o.isAudit())
                .set(DOC_COLLECTIONS.INDEXES, JSONB.jsonb(indexes.toString()))
                .set(DOC_COLLECTIONS.PARTITIONED_BY_MONTH, o.isPartitionedByMonth())
                .onConflict(DOC_COLLECTIONS.NAME).doUpdate()
                .set(DOC_COLLECTIONS.RETENTION, retention)
                .set(DOC_COLLECTIONS.SUBJECT_FIELD, o.subjectField())
                .set(DOC_COLLECTIONS.AUDIT, o.isAudit())
                .set(DOC_COLLECTIONS.INDEXES, JSONB.jsonb(indexes.toString()))
                .set(DOC_COLLECTIONS.UPDATED_AT, DSL.currentOffsetDateTime())
                .execute();
    }

    static List<CollectionInfo> list(Connection c) {
        return dsl(c).selectFrom(DOC_COLLECTIONS).orderBy(DOC_COLLECTIONS.NAME).fetch(Catalog::info);
    }

    static Optional<CollectionOptions> options(Connection c, String name) {
        DocCollectionsRecord r = dsl(c).selectFrom(DOC_COLLECTIONS).where(DOC_COLLECTIONS.NAME.eq(name)).fetchOne();
        if (r == null) {
            return Optional.empty();
        }
        CollectionOptions o = CollectionOptions.defaults();
        if (r.getRetention() != null) {
            o = o.retention(r.getRetention().toDuration());
        }
        if (r.getSubjectField() != null) {
            o = o.subjectField(r.getSubjectField());
        }
        if (Boolean.TRUE.equals(r.getAudit())) {
            o = o.audit();
        }
        if (Boolean.TRUE.equals(r.getPartitionedByMonth())) {
            o = o.partitionedByMonth();
        }
        for (com.fasterxml.jackson.databind.JsonNode i : DocumentJson.parse(r.getIndexes().data(), "catalog")) {
            if (i.path("gin").asBoolean()) {
                o = o.ginIndex();
            } else {
                o = i.path("unique").asBoolean() ? o.uniqueIndex(i.path("path").asText())
                        : i.path("scalar").asBoolean() ? o.scalarIndex(i.path("path").asText())
                        : o.index(i.path("path").asText());
            }
        }
        return Optional.of(o);
    }

    static boolean remove(Connection c, String name) {
        return dsl(c).deleteFrom(DOC_COLLECTIONS).where(DOC_COLLECTIONS.NAME.eq(name)).execute() > 0;
    }

    private static CollectionInfo info(DocCollectionsRecord r) {
        Duration retention = r.getRetention() == null ? null : r.getRetention().toDuration();
        return new CollectionInfo(r.getName(), CollectionTable.SCHEMA + "." + r.getName(), retention,
                r.getSubjectField(), Boolean.TRUE.equals(r.getAudit()), Boolean.TRUE.equals(r.getPartitionedByMonth()));
    }
}
