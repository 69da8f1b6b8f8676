package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retention, subject export and erasure at 100k documents across three collections, one of them audit. */
@KeelTest
class DocumentSubjectsIT {
    static final int MEMORIES = 50_000;
    static final int INTERACTIONS = 40_000;
    static final int AUDIT = 10_000;
    static Keel keel;
    static TestDatabase db;
    static DocumentStore docs;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(4).build();
        docs = keel.documents();
        load("memories", CollectionOptions.defaults().retention(Duration.ofDays(730)).subjectField("userId"), MEMORIES);
        load("interactions", CollectionOptions.defaults().retention(Duration.ofDays(90)).subjectField("userId"),
                INTERACTIONS);
        load("audit_trail", CollectionOptions.defaults().retention(Duration.ofDays(7 * 365)).subjectField("userId")
                .audit(), AUDIT);
    }

    static void load(String name, CollectionOptions options, int n) {
        DocumentCollection<JsonNode> c = docs.collection(name, JsonNode.class, options);
        List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(DocumentCollectionIT.json("{\"userId\": \"user-" + (i % 100) + "\", \"i\": " + i
                    + ", \"text\": \"" + name + " " + i + "\"}"));
            if (batch.size() == 10_000) {
                c.insertMany(batch);
                batch.clear();
            }
        }
        c.insertMany(batch);
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static Map<String, Long> countsOf(String subject) {
        Map<String, Long> m = new HashMap<>();
        for (String c : List.of("memories", "interactions", "audit_trail")) {
            m.put(c, docs.collection(c).count(Filters.eq("userId", subject)));
        }
        return m;
    }

    @Test
    void exportThenEraseLeavesNothingOfTheSubjectOutsideAuditCollections() throws Exception {
        Map<String, Long> before = countsOf("user-42");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long exported = docs.exportSubject("user-42", out);
        Map<String, Long> lines = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                new ByteArrayInputStream(out.toByteArray())), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode n = DocumentCollectionIT.json(line);
                assertThat(n.get("document").get("userId").asText()).isEqualTo("user-42");
                lines.merge(n.get("collection").asText(), 1L, Long::sum);
            }
        }
        assertThat(lines).isEqualTo(before);
        assertThat(exported).isEqualTo(before.values().stream().mapToLong(Long::longValue).sum());

        SubjectErasure e = docs.eraseSubject("user-42");
        assertThat(e.deleted()).containsEntry("memories", before.get("memories"))
                .containsEntry("interactions", before.get("interactions")).doesNotContainKey("audit_trail");
        assertThat(e.keptInAudit()).containsEntry("audit_trail", before.get("audit_trail"));
        Map<String, Long> after = countsOf("user-42");
        assertThat(after).containsEntry("memories", 0L).containsEntry("interactions", 0L)
                .containsEntry("audit_trail", before.get("audit_trail"));
        assertThat(countsOf("user-43").get("memories")).isEqualTo(MEMORIES / 100);
        assertThat(docs.accessLog().forTarget("user-42", 10)).extracting(AccessLog.Entry::operation)
                .containsExactly("erase-subject", "export-subject");
        assertThat(docs.accessLog().forTarget("user-42", 10)).allMatch(AccessLog.Entry::success);
    }

    @Test
    void purgeDeletesExpiredDocumentsWhileInsertsCarryOn() throws Exception {
        db.execute("UPDATE keel_docs.interactions SET expires_at = now() - interval '1 day' WHERE (data->>'i')::int % 2 = 0");
        long expired = expiredNow();
        DocumentCollection<JsonNode> interactions = docs.collection("interactions");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> inserter = pool.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int b = 0; b < 20; b++) {
                    List<JsonNode> batch = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        batch.add(DocumentCollectionIT.json("{\"userId\": \"new\", \"i\": " + (b * 100 + i) + "}"));
                    }
                    ids.addAll(interactions.insertMany(batch));
                }
                return ids;
            });
            PurgeResult p = docs.purgeExpired();
            List<String> inserted = inserter.get();
            assertThat(p.complete()).isTrue();
            assertThat(p.deleted()).containsEntry("interactions", expired);
            assertThat(interactions.count("{\"userId\": \"new\"}")).isEqualTo(inserted.size());
            assertThat(docs.purgeExpired().total()).isZero();
            db.execute("UPDATE keel_docs.interactions SET expires_at = now() - interval '1 second' WHERE data->>'userId' = 'new'");
            try (AutoCloseable scheduled = docs.purgeEvery(Duration.ofMillis(100))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (interactions.count("{\"userId\": \"new\"}") > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            assertThat(interactions.count("{\"userId\": \"new\"}")).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    private static long expiredNow() throws Exception {
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM keel_docs.interactions WHERE expires_at <= now()")) {
            rs.next();
            long n = rs.getLong(1);
            assertThat(n).isGreaterThan(19_000);
            return n;
        }
    }
}
