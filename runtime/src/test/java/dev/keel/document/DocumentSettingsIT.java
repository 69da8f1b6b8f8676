package dev.keel.document;

import static dev.keel.document.DocumentCollectionIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.error.ConstraintViolationException;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Keel.builder().documents(settings)}: the periodic purge runs from build() to close(), audit documents
 * get pseudonyms on erasure, and the access log records writes and reads with the actor of the thread's scope.
 */
@KeelTest
class DocumentSettingsIT {
    static final String KEY = "a-secret-key-of-some-length";
    static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
    }

    private static Keel keel(DocumentSettings settings) {
        return Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(3).documents(settings).build();
    }

    private static long sql(String query) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void insertExpired(DocumentCollection<JsonNode> c, String prefix, int n) {
        List<JsonNode> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs.add(json("{\"_id\": \"" + prefix + i + "\", \"i\": " + i + "}"));
        }
        c.insertMany(docs);
        db.execute("UPDATE keel_docs.expiring SET expires_at = now() - interval '1 minute' WHERE id LIKE '"
                + prefix + "%'");
    }

    @Test
    void thePeriodicPurgeRunsFromBuildUntilClose() throws Exception {
        CollectionOptions options = CollectionOptions.defaults().retention(Duration.ofDays(1));
        try (Keel setup = keel(DocumentSettings.defaults())) {
            DocumentCollection<JsonNode> c = setup.documents().collection("expiring", JsonNode.class, options);
            insertExpired(c, "a", 2500);
            c.insertOne(json("{\"_id\": \"fresh\"}"));
        }
        try (Keel keel = keel(DocumentSettings.defaults().purgeEvery(Duration.ofMillis(200)))) {
            // nothing but build(): the document store and its purge start there
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (sql("SELECT count(*) FROM keel_docs.expiring WHERE id LIKE 'a%'") > 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sql("SELECT count(*) FROM keel_docs.expiring WHERE id LIKE 'a%'")).isZero();
            assertThat(sql("SELECT count(*) FROM keel_docs.expiring WHERE id = 'fresh'")).isEqualTo(1);
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("keel-docs-purge"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("keel-docs-purge"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("keel-docs-purge"));
        try (Keel after = keel(DocumentSettings.defaults())) {
            insertExpired(after.documents().collection("expiring", JsonNode.class, options), "b", 10);
            Thread.sleep(600); // three intervals of the closed Keel's purge
            assertThat(sql("SELECT count(*) FROM keel_docs.expiring WHERE id LIKE 'b%'")).isEqualTo(10);
        }
    }

    @Test
    void impossibleSettingsAreRefusedByName() {
        assertThatThrownBy(() -> DocumentSettings.defaults().purgeEvery(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("purgeEvery");
        assertThatThrownBy(() -> DocumentSettings.defaults().pseudonymiseAudit("short"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("pseudonymiseAudit");
        assertThatThrownBy(() -> Keel.builder().jdbcUrl(db.jdbcUrl()).documents(null).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("documents");
    }

    @Test
    void erasureGivesAuditDocumentsAndLogEntriesAPseudonym() throws Exception {
        try (Keel keel = keel(DocumentSettings.defaults().pseudonymiseAudit(KEY))) {
            DocumentStore docs = keel.documents();
            DocumentCollection<JsonNode> notes = docs.collection("p_notes", JsonNode.class,
                    CollectionOptions.defaults().subjectField("userId"));
            DocumentCollection<JsonNode> trail = docs.collection("p_trail", JsonNode.class,
                    CollectionOptions.defaults().subjectField("userId").audit());
            List<JsonNode> batch = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                batch.add(json("{\"userId\": \"user-" + (i % 2) + "\", \"event\": \"e" + i + "\"}"));
            }
            notes.insertMany(batch);
            trail.insertMany(batch);
            docs.accessLog().record("support", "read", "p_notes", "user-1", "10.0.0.9", true);
            docs.exportSubject("user-1", java.io.OutputStream.nullOutputStream());

            SubjectErasure e = docs.eraseSubject("user-1");

            String pseudonym = "pseudonym:" + hmacHex(KEY, "user-1");
            assertThat(e.deleted()).containsEntry("p_notes", 1250L);
            assertThat(e.keptInAudit()).containsEntry("p_trail", 1250L);
            assertThat(trail.count("{}")).isEqualTo(2500);
            assertThat(trail.count(Filters.eq("userId", "user-1"))).isZero();
            assertThat(trail.count(Filters.eq("userId", pseudonym))).isEqualTo(1250);
            assertThat(trail.count(Filters.eq("userId", "user-0"))).isEqualTo(1250);
            assertThat(sql("SELECT count(*) FROM keel_docs.p_trail WHERE subject_id = '" + pseudonym + "'"))
                    .isEqualTo(1250);
            assertThat(sql("SELECT count(*) FROM keel_docs.p_trail WHERE data::text LIKE '%user-1%' "
                    + "OR subject_id = 'user-1'")).isZero();
            assertThat(docs.accessLog().forTarget("user-1", 10)).isEmpty();
            assertThat(docs.accessLog().forTarget(pseudonym, 10)).extracting(AccessLog.Entry::operation)
                    .containsExactly("erase-subject", "export-subject", "read");
            // the same key gives the same pseudonym, so a later erasure of the other subject is linkable only by key
            assertThat(docs.eraseSubject("user-0").keptInAudit()).containsEntry("p_trail", 1250L);
            assertThat(trail.count(Filters.eq("userId", "pseudonym:" + hmacHex(KEY, "user-0")))).isEqualTo(1250);
        }
    }

    @Test
    void withoutAKeyAuditDocumentsKeepTheirSubject() {
        try (Keel keel = keel(DocumentSettings.defaults())) {
            DocumentStore docs = keel.documents();
            DocumentCollection<JsonNode> trail = docs.collection("k_trail", JsonNode.class,
                    CollectionOptions.defaults().subjectField("userId").audit());
            trail.insertOne(json("{\"userId\": \"user-9\"}"));
            assertThat(docs.eraseSubject("user-9").keptInAudit()).containsEntry("k_trail", 1L);
            assertThat(trail.count(Filters.eq("userId", "user-9"))).isEqualTo(1);
            assertThat(docs.accessLog().forTarget("user-9", 5)).extracting(AccessLog.Entry::operation)
                    .containsExactly("erase-subject");
        }
    }

    private static String hmacHex(String key, String subject) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(subject.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)), 0, 16);
    }

    private static List<String> logOf(String collection) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT actor, operation, coalesce(target, '-'), coalesce(address, '-'), "
                     + "success FROM keel.doc_access_log WHERE collection = '" + collection + "' ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)
                        + " " + rs.getBoolean(5));
            }
        }
        return out;
    }

    @Test
    void theAccessLogRecordsWritesAndReadsWhenSwitchedOn() throws Exception {
        try (Keel keel = keel(DocumentSettings.defaults().logWrites().logReads())) {
            DocumentStore docs = keel.documents();
            DocumentCollection<JsonNode> c = docs.collection("logged");
            try (AccessLog.Scope as = docs.actingAs("alice", "10.1.2.3")) {
                c.insertOne(json("{\"_id\": \"n1\", \"t\": 1}"));
                c.findById("logged:n1");
                c.find(Query.filter("{\"t\": 1}"));
                c.count("{}");
                c.updateOne("{\"_id\": \"n1\"}", "{\"$inc\": {\"t\": 1}}");
                assertThatThrownBy(() -> c.insertOne(json("{\"_id\": \"n1\"}")))
                        .isInstanceOf(ConstraintViolationException.class);
                try (AccessLog.Scope inner = docs.actingAs("bob", null)) {
                    c.deleteOne("{\"_id\": \"n1\"}");
                }
                c.findById("n1");
            }
            c.count("{}");
        }
        assertThat(logOf("logged")).containsExactly(
                "alice insert - 10.1.2.3 true",
                "alice find-by-id n1 10.1.2.3 true",
                "alice find - 10.1.2.3 true",
                "alice count - 10.1.2.3 true",
                "alice update-one - 10.1.2.3 true",
                "alice insert - 10.1.2.3 false",
                "bob delete-one - - true",
                "alice find-by-id n1 10.1.2.3 true",
                "keel count - - true");
    }

    @Test
    void writesAloneLeaveReadsOutAndTheDefaultLogsNeither() throws Exception {
        try (Keel keel = keel(DocumentSettings.defaults().logWrites())) {
            DocumentCollection<JsonNode> c = keel.documents().collection("writes_only");
            c.insertMany(List.of(json("{\"a\": 1}"), json("{\"a\": 2}")));
            c.find(Query.all());
            c.updateMany("{}", "{\"$set\": {\"b\": true}}");
        }
        assertThat(logOf("writes_only")).containsExactly("keel insert-many - - true", "keel update-many - - true");
        try (Keel keel = keel(DocumentSettings.defaults())) {
            DocumentCollection<JsonNode> c = keel.documents().collection("unlogged");
            c.insertOne(json("{\"a\": 1}"));
            c.find(Query.all());
        }
        assertThat(logOf("unlogged")).isEmpty();
    }
}
