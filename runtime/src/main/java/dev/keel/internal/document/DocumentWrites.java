package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.document.DocumentId;
import dev.keel.document.UpdateOptions;
import dev.keel.document.UpdateResult;
import dev.keel.document.VersionConflictException;
import dev.keel.error.InvalidInputException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;

/**
 * Updates, replaces and deletes of one collection. Each is one statement: the matched rows are locked, the new
 * data computed server-side, and {@code version} and {@code updated_at} changed in the same UPDATE; only rows
 * whose content changes are written.
 */
final class DocumentWrites {
    private final CollectionTable table;
    private final Session session;

    DocumentWrites(CollectionTable table, Session session) {
        this.table = table;
        this.session = session;
    }

    private String subjectSet(String newData) {
        return table.options().subjectField() == null ? "" : ", subject_id = " + subjectExpr(newData);
    }

    /** The subject of {@code newData} in SQL, as {@link PreparedDocument#subjectOf} takes it in Java. */
    private String subjectExpr(String newData) {
        String f = table.options().subjectField();
        return f == null ? "NULL" : "CASE WHEN jsonb_typeof(" + newData + " -> '" + f
                + "') IN ('string', 'number', 'boolean') THEN " + newData + " ->> '" + f + "' END";
    }

    String expiresValue() {
        return table.options().retention() == null ? "NULL"
                : "now() + " + table.options().retention().toMillis() + " * interval '1 millisecond'";
    }

    UpdateResult update(String filterJson, String updateJson, UpdateOptions options, boolean one) {
        JsonNode filter = DocumentJson.parse(filterJson, FilterCompiler.WHERE);
        Sql where = new FilterCompiler(table.options()).document(filter, "data");
        UpdateCompiler update = UpdateCompiler.compile(updateJson);
        String subjectField = table.options().subjectField();
        Sql sql = new Sql("WITH m AS (SELECT id, version, ").add(update.apply(Sql.of("data")))
                .add(" AS nd FROM " + table.qualified() + " WHERE ").add(where)
                .add(one ? " ORDER BY id LIMIT 1" : "")
                .add(" FOR UPDATE), u AS (UPDATE " + table.qualified() + " t SET data = m.nd, version = t.version + 1,"
                        + " updated_at = now()" + (subjectField != null && update.touches(subjectField)
                        ? subjectSet("m.nd") : "") + " FROM m WHERE t.id = m.id AND m.nd IS DISTINCT "
                        + "FROM t.data");
        versionCheck(sql, options);
        sql.add(" RETURNING t.id) SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM u), "
                + "(SELECT min(version) FROM m), (SELECT min(id) FROM m)");
        return session.atomic("update " + table.name(), c -> {
            if (options.isUpsert()) {
                lockUpsert(c, filter);
            }
            UpdateResult r = run(c, sql, options);
            if (r.matched() == 0 && options.isUpsert()) {
                return upsertFromUpdate(c, filter, update);
            }
            return r;
        });
    }

    /**
     * Serialises upserts with the same filter on this collection until the transaction ends, so that of two
     * concurrent ones finding nothing, the second waits, then (its statement starting after the first committed)
     * finds and updates what the first inserted instead of inserting a second document.
     */
    private void lockUpsert(Connection c, JsonNode filter) throws SQLException {
        Rows.query(c, new Sql("SELECT pg_advisory_xact_lock(hashtext(").bind(table.qualified())
                .add("), hashtext(").bind(DocumentJson.write(filter)).add("))"), rs -> { });
    }

    private static void versionCheck(Sql sql, UpdateOptions options) {
        if (options.expectedVersion() != null) {
            sql.add(" AND t.version = ").bind(options.expectedVersion());
        }
    }

    private UpdateResult run(Connection c, Sql sql, UpdateOptions options) throws SQLException {
        long[] counts = new long[3];
        String[] id = new String[1];
        Rows.query(c, sql, rs -> {
            counts[0] = rs.getLong(1);
            counts[1] = rs.getLong(2);
            counts[2] = rs.getLong(3);
            id[0] = rs.getString(4);
        });
        Long expected = options.expectedVersion();
        if (expected != null && counts[0] > 0 && counts[1] == 0 && counts[2] != expected) {
            throw new VersionConflictException(table.name() + ":" + id[0], expected, counts[2]);
        }
        return new UpdateResult(counts[0], counts[1], null);
    }

    private UpdateResult upsertFromUpdate(Connection c, JsonNode filter, UpdateCompiler update) throws SQLException {
        ObjectNode base = DocumentJson.MAPPER.createObjectNode();
        equalities(filter, base);
        JsonNode givenId = base.remove("_id");
        String id = givenId != null && givenId.isTextual() ? givenId.textValue() : UuidV7.next().toString();
        DocumentId.checkId(id);
        if (table.monthly()) {
            PreparedDocument.checkMonthlyId(id);
        }
        Sql insert = new Sql("INSERT INTO " + table.qualified() + " " + table.insertColumns() + " SELECT ").bind(id)
                .add(", s.nd, " + subjectExpr("s.nd") + ", ").add(table.insertedTimes(id, expiresValue()))
                .add(" FROM (SELECT ").add(update.apply(new Sql().json(DocumentJson.checkedText(base, "upsert"))))
                .add(" AS nd) s");
        Rows.update(c, insert);
        return new UpdateResult(0, 0, table.name() + ":" + id);
    }

    /** The fields a filter fixes by equality, as MongoDB seeds an upserted document with them. */
    private static void equalities(JsonNode filter, ObjectNode base) {
        for (Iterator<Map.Entry<String, JsonNode>> it = filter.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("$and")) {
                e.getValue().forEach(d -> equalities(d, base));
                continue;
            }
            if (e.getKey().startsWith("$")) {
                continue;
            }
            JsonNode v = e.getValue();
            if (FieldConditions.isOperatorDocument(v)) {
                if (!v.has("$eq")) {
                    continue;
                }
                v = v.get("$eq");
            }
            ObjectNode at = base;
            DocPath p = DocPath.parse(e.getKey(), FilterCompiler.WHERE);
            for (int i = 0; i < p.segments().size() - 1; i++) {
                JsonNode next = at.get(p.segments().get(i));
                at = next instanceof ObjectNode o ? o : at.putObject(p.segments().get(i));
            }
            at.set(p.segments().get(p.segments().size() - 1), v);
        }
    }

    UpdateResult replaceOne(String filterJson, Object replacement, UpdateOptions options, PreparedInserts inserts) {
        Sql where = FilterCompiler.compile(filterJson, table.options());
        PreparedDocument doc = PreparedDocument.of(replacement, table.options());
        Sql sql = new Sql("WITH m AS (SELECT id, version FROM " + table.qualified() + " WHERE ").add(where)
                .add(" ORDER BY id LIMIT 1 FOR UPDATE), u AS (UPDATE " + table.qualified() + " t SET data = ")
                .json(doc.json()).add(", version = t.version + 1, updated_at = now(), subject_id = ").bind(doc.subject())
                .add(" FROM m WHERE t.id = m.id AND t.data IS DISTINCT FROM ").json(doc.json());
        if (doc.ownId()) {
            sql.add(" AND m.id = ").bind(doc.id());
        }
        versionCheck(sql, options);
        sql.add(" RETURNING t.id) SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM u), "
                + "(SELECT min(version) FROM m), (SELECT min(id) FROM m)");
        return session.atomic("replace in " + table.name(), c -> {
            if (options.isUpsert()) {
                lockUpsert(c, DocumentJson.parse(filterJson == null ? "{}" : filterJson, FilterCompiler.WHERE));
            }
            String[] matchedId = new String[1];
            long[] counts = new long[3];
            Rows.query(c, sql, rs -> {
                counts[0] = rs.getLong(1);
                counts[1] = rs.getLong(2);
                counts[2] = rs.getLong(3);
                matchedId[0] = rs.getString(4);
            });
            if (counts[0] > 0 && doc.ownId() && !doc.id().equals(matchedId[0])) {
                throw new InvalidInputException("the replacement's _id '" + doc.id() + "' differs from the matched "
                        + "document's '" + matchedId[0] + "'; _id cannot change", "_id");
            }
            Long expected = options.expectedVersion();
            if (expected != null && counts[0] > 0 && counts[1] == 0 && counts[2] != expected) {
                throw new VersionConflictException(table.name() + ":" + matchedId[0], expected, counts[2]);
            }
            if (counts[0] == 0 && options.isUpsert()) {
                inserts.insert(c, java.util.List.of(doc));
                return new UpdateResult(0, 0, table.name() + ":" + doc.id());
            }
            return new UpdateResult(counts[0], counts[1], null);
        });
    }

    long delete(String filterJson, boolean one) {
        Sql where = FilterCompiler.compile(filterJson, table.options());
        Sql sql = one
                ? new Sql("DELETE FROM " + table.qualified() + " WHERE id = (SELECT id FROM " + table.qualified()
                        + " WHERE ").add(where).add(" ORDER BY id LIMIT 1 FOR UPDATE)")
                : new Sql("DELETE FROM " + table.qualified() + " WHERE ").add(where);
        return session.atomic("delete from " + table.name(), c -> (long) Rows.update(c, sql));
    }
}
