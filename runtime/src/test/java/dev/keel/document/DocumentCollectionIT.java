package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.error.ConstraintViolationException;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@KeelTest
class DocumentCollectionIT {
    static Keel keel;
    static DocumentStore docs;
    static TestDatabase db;

    /** An application's document type. */
    public static final class Memory {
        public String userId;
        public String type;
        public double strength;

        public Memory() {
        }

        Memory(String userId, String type, double strength) {
            this.userId = userId;
            this.type = type;
            this.strength = strength;
        }
    }

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(4).build();
        docs = keel.documents();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void clean() {
        for (CollectionInfo c : docs.collections()) {
            docs.drop(c.name());
        }
    }

    @Test
    void anUpdateOfTheSubjectFieldMovesTheDocumentToTheNewSubject() {
        DocumentCollection<JsonNode> c = docs.collection("moving", JsonNode.class,
                CollectionOptions.defaults().subjectField("userId"));
        c.insertMany(List.of(json("{\"_id\": \"1\", \"userId\": \"ann\", \"n\": 1}"),
                json("{\"_id\": \"2\", \"userId\": \"ann\", \"n\": 2}"),
                json("{\"_id\": \"3\", \"owner\": \"bob\"}")));
        c.updateMany("{}", "{\"$inc\": {\"n\": 1}}");
        assertThat(docs.exportSubject("ann", java.io.OutputStream.nullOutputStream())).isEqualTo(2);
        c.updateOne("{\"_id\": \"1\"}", "{\"$set\": {\"userId\": \"bob\"}}");
        c.updateOne("{\"_id\": \"2\"}", "{\"$unset\": {\"userId\": 1}}");
        c.updateOne("{\"_id\": \"3\"}", "{\"$rename\": {\"owner\": \"userId\"}}");
        assertThat(docs.exportSubject("ann", java.io.OutputStream.nullOutputStream())).isZero();
        assertThat(docs.exportSubject("bob", java.io.OutputStream.nullOutputStream())).isEqualTo(2);
    }

    @Test
    void insertedDocumentsAreFoundByFilterSortAndId() {
        // document-readme:start documents
        DocumentCollection<Memory> memories = docs.collection("memories", Memory.class,
                CollectionOptions.defaults().retention(Duration.ofDays(730)).subjectField("userId").index("type"));
        String id = memories.insertOne(new Memory("user-42", "success_pattern", 0.8));   // "memories:<uuidv7>"
        memories.insertMany(List.of(new Memory("user-42", "success_pattern", 0.4),
                new Memory("user-7", "success_pattern", 0.9)));
        List<Memory> strong = memories.find(Query.filter(
                        "{\"type\": \"success_pattern\", \"strength\": {\"$gte\": 0.5}}")
                .sort("{\"strength\": -1}").limit(10));
        Optional<Memory> one = memories.findById(id);
        long n = memories.count("{\"userId\": \"user-42\"}");
        UpdateResult u = memories.updateMany("{\"strength\": {\"$lt\": 0.5}}", "{\"$inc\": {\"strength\": 0.25}}");
        // document-readme:end documents

        assertThat(id).startsWith("memories:");
        assertThat(DocumentId.parse(id).collection()).isEqualTo("memories");
        assertThat(strong).extracting(m -> m.strength).containsExactly(0.9, 0.8);
        assertThat(one).get().extracting(m -> m.userId).isEqualTo("user-42");
        assertThat(n).isEqualTo(2);
        assertThat(u.matched()).isEqualTo(1);
        assertThat(u.modified()).isEqualTo(1);
        assertThat(memories.count("{\"strength\": 0.65}")).isEqualTo(1);
    }

    @Test
    void ownStringIdIsKeptAndDuplicateIsAConstraintViolation() {
        DocumentCollection<JsonNode> c = docs.collection("notes");
        String id = c.insertOne(json("{\"_id\": \"a:b:c\", \"x\": 1}"));
        assertThat(id).isEqualTo("notes:a:b:c");
        assertThat(DocumentId.parse(id).id()).isEqualTo("a:b:c");
        assertThat(c.findById("notes:a:b:c")).get().extracting(d -> d.get("x").asInt()).isEqualTo(1);
        assertThat(c.findById("a:b:c")).isPresent();
        assertThatThrownBy(() -> c.insertOne(json("{\"_id\": \"a:b:c\"}")))
                .isInstanceOf(ConstraintViolationException.class);
        assertThat(c.count("{}")).isEqualTo(1);
    }

    @Test
    void generatedIdsAreTimeOrderedUuidV7() {
        DocumentCollection<JsonNode> c = docs.collection("ids");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(DocumentId.parse(c.insertOne(json("{\"i\": " + i + "}"))).id());
        }
        assertThat(ids).isSorted();
        assertThat(java.util.UUID.fromString(ids.get(0)).version()).isEqualTo(7);
        List<JsonNode> byId = c.findJson(Query.all());
        assertThat(byId).extracting(d -> d.get("i").asInt()).isSorted();
    }

    @Test
    void optimisticConcurrencyRaisesConflictWithCurrentVersion() {
        DocumentCollection<JsonNode> c = docs.collection("counters");
        c.insertOne(json("{\"_id\": \"k\", \"n\": 1}"));
        assertThat(c.version("k")).contains(1L);
        UpdateResult ok = c.updateOne("{\"_id\": \"k\"}", "{\"$inc\": {\"n\": 1}}",
                UpdateOptions.defaults().expectVersion(1));
        assertThat(ok.modified()).isEqualTo(1);
        assertThatThrownBy(() -> c.updateOne("{\"_id\": \"k\"}", "{\"$inc\": {\"n\": 1}}",
                UpdateOptions.defaults().expectVersion(1)))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.currentVersion()).isEqualTo(2);
                    assertThat(e.documentId()).isEqualTo("counters:k");
                });
        assertThatThrownBy(() -> c.replaceOne("{\"_id\": \"k\"}", json("{\"n\": 9}"),
                UpdateOptions.defaults().expectVersion(1))).isInstanceOf(VersionConflictException.class);
        assertThat(c.findById("k").orElseThrow().get("n").asInt()).isEqualTo(2);
    }

    @Test
    void upsertInsertsFromFilterEqualities() {
        DocumentCollection<JsonNode> c = docs.collection("up");
        UpdateResult r = c.updateOne("{\"_id\": \"u1\", \"kind\": \"a\"}", "{\"$set\": {\"n\": 5}}",
                UpdateOptions.defaults().upsert());
        assertThat(r.upsertedId()).isEqualTo("up:u1");
        assertThat(c.findById("u1").orElseThrow().toString()).isEqualTo("{\"_id\":\"u1\",\"n\":5,\"kind\":\"a\"}");
        UpdateResult again = c.updateOne("{\"_id\": \"u1\", \"kind\": \"a\"}", "{\"$set\": {\"n\": 5}}",
                UpdateOptions.defaults().upsert());
        assertThat(again.matched()).isEqualTo(1);
        assertThat(again.modified()).isZero();
        assertThat(c.version("u1")).contains(1L);
    }

    @Test
    void concurrentUpsertsWithTheSameFilterInsertOneDocument() throws Exception {
        DocumentCollection<JsonNode> c = docs.collection("upserts");
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int key = 0; key < 15; key++) {
                String filter = "{\"k\": \"key" + key + "\"}";
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
                List<java.util.concurrent.Future<UpdateResult>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return c.updateOne(filter, "{\"$inc\": {\"n\": 1}}", UpdateOptions.defaults().upsert());
                    }));
                }
                int inserted = 0;
                for (java.util.concurrent.Future<UpdateResult> r : results) {
                    inserted += r.get().upsertedId() != null ? 1 : 0;
                }
                assertThat(inserted).as("upserts that inserted, %s", filter).isEqualTo(1);
                assertThat(c.find(Query.filter(filter))).as(filter).singleElement()
                        .satisfies(d -> assertThat(d.get("n").asInt()).isEqualTo(threads));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAppendOnlyCollectionPartitionedByMonth() {
        // document-readme:start document-partitions
        DocumentCollection<JsonNode> events = docs.collection("events", JsonNode.class,
                CollectionOptions.defaults().partitionedByMonth().retention(Duration.ofDays(90)));
        String id = events.insertOne(json("{\"actor\": \"ann\", \"op\": \"login\"}"));   // this month's partition
        PurgeResult purged = docs.purgeExpired();   // makes the coming months' partitions, drops months past 90 days
        // document-readme:end document-partitions
        assertThat(events.findById(id)).isPresent();
        assertThat(purged.deleted()).doesNotContainKey("events");
        assertThat(keel.dsl().fetchOne("SELECT count(*) FROM pg_inherits "
                + "WHERE inhparent = 'keel_docs.events'::regclass").get(0, Long.class))
                .isEqualTo(CollectionOptions.MONTHS_AHEAD + 2L);   // this month, the next three, the default
    }

    @Test
    void settingsPurgePseudonymiseAndLogWhoReads() {
        docs.collection("notes").insertOne(json("{\"_id\": \"n1\", \"text\": \"hello\"}"));
        // document-readme:start document-settings
        try (Keel audited = Keel.builder().jdbcUrl(db.jdbcUrl())
                .documents(DocumentSettings.defaults().purgeEvery(Duration.ofMinutes(10))
                        .pseudonymiseAudit("a secret key, kept out of the code").logWrites().logReads())
                .build()) {
            DocumentStore store = audited.documents();
            try (AccessLog.Scope as = store.actingAs("alice", "203.0.113.7")) {
                store.collection("notes").findById("notes:n1");   // logged: alice, find-by-id, notes, n1, 203.0.113.7
            }
        }
        // document-readme:end document-settings
        assertThat(docs.accessLog().forTarget("n1", 5)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("alice");
            assertThat(e.operation()).isEqualTo("find-by-id");
            assertThat(e.collection()).isEqualTo("notes");
            assertThat(e.address()).isEqualTo("203.0.113.7");
            assertThat(e.success()).isTrue();
        });
    }

    @Test
    void writesInOneTransactionCommitOrRollBackTogether() {
        DocumentCollection<JsonNode> a = docs.collection("tx_a");
        DocumentCollection<JsonNode> b = docs.collection("tx_b");
        // document-readme:start document-transactions
        keel.transaction(tx -> {
            a.in(tx).insertOne(json("{\"_id\": \"1\"}"));
            b.in(tx).insertOne(json("{\"_id\": \"1\"}"));
        });                                                   // both or neither
        // document-readme:end document-transactions
        assertThatThrownBy(() -> keel.transaction(tx -> {
            a.in(tx).insertOne(json("{\"_id\": \"2\"}"));
            b.in(tx).insertOne(json("{\"_id\": \"1\"}"));
        })).isInstanceOf(ConstraintViolationException.class);
        assertThat(a.count("{}")).isEqualTo(1);
        assertThat(b.count("{}")).isEqualTo(1);
    }

    @Test
    void largeInsertManyGoesThroughCopyAndStreamsBack() {
        DocumentCollection<JsonNode> c = docs.collection("bulk", JsonNode.class,
                CollectionOptions.defaults().retention(Duration.ofDays(1)).subjectField("who"));
        List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            batch.add(json("{" + (i % 2 == 0 ? "\"_id\": \"é:🙂\\\\" + i + "\", " : "") + "\"i\": " + i
                    + ", \"who\": \"w" + (i % 3) + "\", \"s\": \"tab\\tand\\\\backslash\\nnewline\"}"));
        }
        assertThat(c.insertMany(batch)).hasSize(5000).contains("bulk:é:🙂\\42");
        assertThat(c.findById("é:🙂\\42").orElseThrow().get("i").asInt()).isEqualTo(42);
        assertThat(docs.exportSubject("w1", java.io.OutputStream.nullOutputStream())).isEqualTo(1667);
        db.execute("DO $$ BEGIN IF (SELECT count(*) FROM keel_docs.bulk WHERE expires_at BETWEEN now() + interval "
                + "'23 hours' AND now() + interval '25 hours') <> 5000 THEN RAISE EXCEPTION 'expiry'; END IF; END $$");
        try (Stream<JsonNode> s = c.stream(Query.filter("{\"i\": {\"$gte\": 100}}"))) {
            assertThat(s.filter(d -> d.get("s").asText().equals("tab\tand\\backslash\nnewline")).count())
                    .isEqualTo(4900);
        }
        db.execute("ANALYZE keel_docs.bulk");
        assertThat(c.estimatedCount()).isBetween(4000L, 6000L);
    }

    @Test
    void insertManyReportsFailuresPerDocumentAndInsertsTheRest() {
        DocumentCollection<JsonNode> c = docs.collection("report");
        c.insertOne(json("{\"_id\": \"taken\"}"));
        InsertManyResult r = c.insertMany(List.of(json("{\"_id\": \"a\"}"), json("{\"_id\": \"taken\"}"),
                json("{\"$bad\": 1}"), json("{\"_id\": \"b\"}"), json("{\"_id\": \"a\"}")), true);
        assertThat(r.ids()).containsExactly("report:a", "report:b");
        assertThat(r.failures()).extracting(InsertManyResult.Failure::index).containsExactly(1, 2, 4);
        assertThat(c.count("{}")).isEqualTo(3);
        assertThatThrownBy(() -> c.insertMany(List.of(json("{\"_id\": \"c\"}"), json("{\"_id\": \"taken\"}"))))
                .isInstanceOf(ConstraintViolationException.class);
        assertThat(c.count("{}")).isEqualTo(3);
    }

    @Test
    void keysetPagesWalkTheWholeCollectionInOrder() {
        DocumentCollection<JsonNode> c = docs.collection("pages");
        List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < 95; i++) {
            batch.add(json("{\"_id\": \"d" + (1000 + i) + "\", \"g\": " + (i % 7) + "}"));
        }
        c.insertMany(batch);
        for (String sort : List.of("{\"g\": 1}", "{\"g\": -1}")) {
            List<String> seen = new ArrayList<>();
            String cursor = null;
            do {
                Page<JsonNode> p = c.findPage(Query.all().sort(sort).limit(10).after(cursor));
                p.items().forEach(d -> seen.add(d.get("_id").asText()));
                cursor = p.nextCursor();
            } while (cursor != null);
            List<String> all = c.findJson(Query.all().sort(sort)).stream().map(d -> d.get("_id").asText()).toList();
            assertThat(seen).as(sort).isEqualTo(all).hasSize(95);
        }
    }

    @Test
    void projectionIncludesOrExcludesInSql() {
        DocumentCollection<JsonNode> c = docs.collection("proj");
        c.insertOne(json("{\"_id\": \"p\", \"a\": 1, \"b\": {\"c\": 2, \"d\": 3}, \"e\": [{\"c\": 4, \"f\": 5}, 6]}"));
        assertThat(c.findJson(Query.all().projection("{\"a\": 1, \"b.c\": 1, \"e.c\": 1}")).get(0))
                .isEqualTo(json("{\"_id\": \"p\", \"a\": 1, \"b\": {\"c\": 2}, \"e\": [{\"c\": 4}]}"));
        assertThat(c.findJson(Query.all().projection("{\"b.d\": 0, \"e\": 0, \"_id\": 0}")).get(0))
                .isEqualTo(json("{\"a\": 1, \"b\": {\"c\": 2}}"));
    }

    @Test
    void unsupportedOperatorIsRejectedByName() {
        DocumentCollection<JsonNode> c = docs.collection("ops");
        assertThatThrownBy(() -> c.count("{\"$where\": \"1\"}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("$where");
        assertThatThrownBy(() -> c.count("{\"a\": {\"$near\": 1}}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("$near");
        assertThatThrownBy(() -> c.updateMany("{}", "{\"$setOnInsert\": {\"a\": 1}}"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("$setOnInsert");
    }

    @Test
    void serviceFacadeCreatesReadsMergesQueriesAndDeletesNotes() {
        DocumentService notes = docs.service();
        // document-readme:start document-service
        String id = notes.create("note", json("{\"title\": \"Groceries\", \"owner\": \"ann\", \"meta\": {\"pinned\": false}}"));
        notes.update(id, json("{\"meta\": {\"pinned\": true}, \"title\": null, \"body\": \"milk\"}"));   // merge patch
        List<JsonNode> mine = notes.query("note", "{\"owner\": {\"$param\": \"who\"}}", java.util.Map.of("who", "ann"));
        // document-readme:end document-service
        assertThat(id).startsWith("note:");
        JsonNode n = notes.read(id).orElseThrow();
        assertThat(n.has("title")).isFalse();
        assertThat(n.get("body").asText()).isEqualTo("milk");
        assertThat(n.get("meta").get("pinned").asBoolean()).isTrue();
        assertThat(mine).hasSize(1);
        assertThat(notes.query("note", "{\"owner\": {\"$param\": \"who\"}}", java.util.Map.of("who", "x' OR 1=1")))
                .isEmpty();
        assertThatThrownBy(() -> notes.query("note", "{\"owner\": {\"$param\": \"nobody\"}}", java.util.Map.of()))
                .isInstanceOf(InvalidInputException.class);
        assertThat(notes.delete(id)).isTrue();
        assertThat(notes.read(id)).isEmpty();
        assertThat(notes.update(id, json("{\"a\": 1}"))).isFalse();
    }

    static JsonNode json(String s) {
        return dev.keel.internal.document.DocumentJson.parse(s, "test");
    }
}
