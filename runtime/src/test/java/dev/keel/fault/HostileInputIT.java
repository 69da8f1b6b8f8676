package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.Keel;
import dev.keel.Tx;
import dev.keel.document.DocumentCollection;
import dev.keel.document.Query;
import dev.keel.error.InvalidInputException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.NodeState;
import dev.keel.test.db.Tables;
import dev.keel.test.db.tables.records.AllTypesRecord;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * Every case of the hostile-input corpus ({@code src/test/resources/fault/hostile-input.json}) against the Keel entry
 * point it names: each is refused with an {@link InvalidInputException} that names the field, the database is as it
 * was (row counts, relations and schemas), and where the corpus says so, nothing at all reached the server (the
 * test's Keel talks through a proxy that counts the bytes sent).
 */
@KeelTest(migrations = "classpath:db/testtables", schemas = "bulk")
class HostileInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;
    private static TcpProxy proxy;
    private static Keel keel;
    private static String url;
    private static byte[] backup;
    private static long sentMark;
    /** Where the client's byte count stood when a handler saw its call refused, if it recorded that itself. */
    private static Long refusedMark;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        proxy = TcpProxy.inFrontOf(db.jdbcUrl());
        url = proxy.route(db.jdbcUrl(), null);
        keel = Keel.builder().jdbcUrl(url).maxPoolSize(2).name("hostile").build();
        keel.documents().collection("hostile").insertOne(JSON.readTree("{\"note\": \"kept\"}"));
        keel.documents().collection("hostile_backup").insertOne(JSON.readTree("{\"note\": \"backed up\"}"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        keel.documents().backup(out, "hostile_backup");
        backup = out.toByteArray();
        keel.documents().drop("hostile_backup");
    }

    @AfterAll
    static void stop() throws Exception {
        keel.close();
        proxy.close();
        TcpProxy.awaitSessionsGone(db.dataSource(), db.name());
    }

    @Test
    void everyHostileInputIsRefusedNamingTheFieldAndChangesNothing(TestReporter reporter, TestInfo info)
            throws Exception {
        JsonNode corpus;
        try (InputStream in = HostileInputIT.class.getResourceAsStream("/fault/hostile-input.json")) {
            corpus = JSON.readTree(in);
        }
        List<Case> cases = new ArrayList<>();
        for (JsonNode target : corpus.get("nameTargets")) {
            for (JsonNode injection : corpus.get("injection")) {
                cases.add(new Case("injection into " + target.get("target").asText() + ": " + injection.asText(),
                        target.get("target").asText(), injection.asText(), target.get("field").asText(), true));
            }
        }
        List<String> known = new ArrayList<>();
        for (JsonNode c : corpus.get("cases")) {
            if (c.has("knownIssue")) {
                known.add(c.get("id").asText() + ": " + c.get("knownIssue").asText());
                continue;
            }
            cases.add(new Case(c.get("id").asText(), c.get("target").asText(), value(c), c.get("field").asText(),
                    c.get("beforeSql").asBoolean()));
        }

        List<String> problems = new ArrayList<>();
        int beforeSql = 0;
        for (Case c : cases) {
            String fingerprint = fingerprint();
            sentMark = proxy.clientBytes();
            refusedMark = null;
            Throwable thrown = null;
            try {
                apply(c);
            } catch (Throwable t) {
                thrown = t;
            }
            long sent = (refusedMark != null ? refusedMark : proxy.clientBytes()) - sentMark;
            if (!(thrown instanceof InvalidInputException e)) {
                problems.add(c.id + ": expected InvalidInputException, got "
                        + (thrown == null ? "no exception"
                                : thrown.getClass().getSimpleName() + ": " + thrown.getMessage()));
            } else if (!c.field.equals(e.name()) && !String.valueOf(e.getMessage()).contains(c.field)) {
                problems.add(c.id + ": the error does not name '" + c.field + "': name=" + e.name() + ", message="
                        + e.getMessage());
            }
            if (c.beforeSql) {
                beforeSql++;
                if (sent != 0) {
                    problems.add(c.id + ": " + sent + " bytes reached the server before it was refused");
                }
            }
            String after = fingerprint();
            if (!after.equals(fingerprint)) {
                problems.add(c.id + ": the database changed: " + fingerprint + " -> " + after);
            }
        }
        known.forEach(k -> System.out.println("[fault] known issue: " + k));
        assertThat(problems).as("hostile inputs not handled as required").isEmpty();
        FaultReport.of("10. hostile input corpus").runs(cases.size()).figure("cases", cases.size())
                .figure("refused before any SQL", beforeSql).figure("known issues, not run", known.size())
                .held(reporter, info, "InvalidInputException naming the field for every case; 0 rows changed");
    }

    private record Case(String id, String target, String value, String field, boolean beforeSql) {
    }

    private static String value(JsonNode c) {
        if (c.has("value")) {
            return c.get("value").asText();
        }
        int times = c.get("times").asInt();
        return c.path("prefix").asText("") + c.get("unit").asText().repeat(times)
                + c.path("close").asText("").repeat(times) + c.path("suffix").asText("");
    }

    private static void apply(Case c) throws Exception {
        String v = c.value;
        switch (c.target) {
            case "savepoint" -> {
                try (Tx tx = keel.begin()) {
                    tx.dsl().execute("SELECT 1");
                    sentMark = proxy.clientBytes();
                    try {
                        tx.savepoint(v);
                    } finally {
                        refusedMark = proxy.clientBytes(); // before close() sends the ROLLBACK
                    }
                }
            }
            case "channel" -> keel.notify(v, "payload");
            case "listen" -> keel.listen(v, n -> { }).close();
            case "changeFeed" -> keel.changes(v);
            case "collection" -> keel.documents().collection(v);
            case "poolName" -> Keel.builder().jdbcUrl(url).poolName(v).build().close();
            case "userSchema" -> userSchema(v);
            case "keelName" -> Keel.builder().jdbcUrl(url).name(v).build().close();
            case "snapshotName" -> keel.graphs().save(GraphSnapshot.of(v, "fault", JSONB.valueOf("{}"),
                    List.of(NodeState.of(1)), List.of()));
            case "bulkFloat8" -> bulk(r -> r.setCFloat8(Double.parseDouble(v)), 16 * 1024 * 1024);
            case "bulkFloat4" -> bulk(r -> r.setCFloat4(Float.parseFloat(v)), 16 * 1024 * 1024);
            case "bulkJsonb" -> bulk(r -> r.setCJsonb(JSONB.valueOf(v)), 16 * 1024 * 1024);
            case "bulkJsonbCapped" -> bulk(r -> r.setCJsonb(JSONB.valueOf(v)), 1024);
            case "bulkText" -> bulk(r -> r.setCText(v), 16 * 1024 * 1024);
            case "graphActivation" -> keel.graphs().save(GraphSnapshot.of("hostile", "fault", JSONB.valueOf("{}"),
                    List.of(new NodeState(1, Float.parseFloat(v), null, false, null, null)), List.of()));
            case "graphWeight" -> keel.graphs().save(GraphSnapshot.of("hostile", "fault", JSONB.valueOf("{}"),
                    List.of(NodeState.of(1), NodeState.of(2)),
                    List.of(new EdgeState(1, 2, "t", Double.parseDouble(v), null))));
            case "graphProperties" -> keel.graphs().save(GraphSnapshot.of("hostile", "fault", JSONB.valueOf("{}"),
                    List.of(new NodeState(1, 0.5f, JSONB.valueOf(v), false, null, null)), List.of()));
            case "filter" -> keel.documents().collection("hostile").find(Query.filter(v));
            case "document" -> {
                DocumentCollection<JsonNode> hostile = keel.documents().collection("hostile");
                JsonNode doc = JSON.readTree(v);
                sentMark = proxy.clientBytes();
                hostile.insertOne(doc);
            }
            case "restoreBytes" -> keel.documents().restore(new ByteArrayInputStream(corruptBackup(v)));
            case "uuidParameter" ->
                    keel.dsl().execute("INSERT INTO bulk.all_types (id, c_uuid) VALUES (1, ?::uuid)", v);
            default -> throw new IllegalArgumentException("unknown target " + c.target);
        }
    }

    @SuppressWarnings("deprecation")
    private static void userSchema(String v) {
        Keel.builder().jdbcUrl(url).userSchema(v).build().close();
    }

    private static void bulk(java.util.function.Consumer<AllTypesRecord> set, int maxJsonBytes) {
        AllTypesRecord r = new AllTypesRecord();
        r.setId(1L);
        set.accept(r);
        keel.bulk(Tables.ALL_TYPES).maxJsonBytes(maxJsonBytes).load(List.of(r));
    }

    /** The backup taken at start, with the bytes {@code hex} in place of a document's text. */
    private static byte[] corruptBackup(String hex) throws Exception {
        byte[] plain;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(backup))) {
            plain = in.readAllBytes();
        }
        String text = new String(plain, StandardCharsets.UTF_8);
        int at = text.indexOf("backed up");
        ByteArrayOutputStream corrupt = new ByteArrayOutputStream();
        corrupt.write(plain, 0, text.substring(0, at).getBytes(StandardCharsets.UTF_8).length);
        corrupt.write(HexFormat.ofDelimiter(" ").parseHex(hex));
        byte[] rest = text.substring(at + "backed up".length()).getBytes(StandardCharsets.UTF_8);
        corrupt.write(rest);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(corrupt.toByteArray());
        }
        return gz.toByteArray();
    }

    /** Row counts of everything the corpus could touch, and the relations and schemas that exist. */
    private static String fingerprint() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT (SELECT count(*) FROM bulk.all_types) || '/' || (SELECT count(*) FROM keel.graph_snapshots)
                         || '/' || (SELECT count(*) FROM keel_docs.hostile)
                         || '/' || (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))
                         || '/' || (SELECT count(*) FROM pg_namespace)
                         || '/' || (SELECT string_agg(md5(data::text), ',' ORDER BY id) FROM keel_docs.hostile)
                     """)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
