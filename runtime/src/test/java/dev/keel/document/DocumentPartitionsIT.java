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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Collections partitioned by month of {@code created_at}: their table and partitions, ids that stay unique across
 * partitions, every write path, and purges that move stray documents into their month and drop aged months whole.
 */
@KeelTest
class DocumentPartitionsIT {
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMM");
    static Keel keel;
    static DocumentStore docs;
    static String url;
    /** The server's month and time, in UTC. */
    static YearMonth thisMonth;
    static Instant now;

    @BeforeAll
    static void start(TestDatabase db) {
        url = db.jdbcUrl();
        keel = Keel.builder().jdbcUrl(url).maxPoolSize(4).build();
        docs = keel.documents();
        now = value(OffsetDateTime.class, "SELECT now()").toInstant();
        thisMonth = YearMonth.from(now.atOffset(ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    /** A UUIDv7 whose time is {@code at}, as Keel makes them. */
    static String uuidV7(Instant at) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (at.toEpochMilli() << 16) | 0x7000L | r.nextLong(0x1000);
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** The middle of the month {@code back} months before this one. */
    static Instant monthsAgo(int back) {
        return thisMonth.minusMonths(back).atDay(15).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    static String partition(String collection, YearMonth m) {
        return collection + "_" + m.format(SUFFIX);
    }

    static List<String> partitions(String collection) {
        return partitionsOf("keel_docs.\"" + collection + "\"");
    }

    static List<String> partitionsOf(String table) {
        return keel.dsl().fetch("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = '" + table + "'::regclass ORDER BY 1").getValues(0, String.class);
    }

    /** The partition each document is stored in, by id. */
    static String whereIs(String collection, String id) {
        return value(String.class, "SELECT tableoid::regclass::text FROM keel_docs.\"" + collection
                + "\" WHERE id = ?", id);
    }

    static List<List<Object>> rowsOf(String sql) {
        return keel.dsl().fetch(sql).stream().map(r -> List.of(r.intoArray())).toList();
    }

    static String relkind(String table) {
        return value(String.class, "SELECT relkind::text FROM pg_class WHERE oid = '" + table + "'::regclass");
    }

    static long count(String table) {
        return value(Long.class, "SELECT count(*) FROM " + table);
    }

    static <T> T value(Class<T> type, String sql, Object... binds) {
        return keel.dsl().fetchOne(sql, binds).get(0, type);
    }

    @Test
    void aCollectionPartitionedByMonthHasThisMonthsPartitionTheNextThreeAndADefault() {
        DocumentCollection<JsonNode> logs = docs.collection("p_layout", JsonNode.class, CollectionOptions.defaults()
                .partitionedByMonth().retention(Duration.ofDays(30)).index("level"));
        assertThat(relkind("keel_docs.p_layout")).isEqualTo("p");
        List<String> expected = new ArrayList<>(List.of("p_layout_default"));
        for (int i = 0; i <= CollectionOptions.MONTHS_AHEAD; i++) {
            expected.add(partition("p_layout", thisMonth.plusMonths(i)));
        }
        assertThat(partitions("p_layout")).containsExactlyInAnyOrderElementsOf(expected);
        // Every partition has the primary key and the declared index.
        assertThat(value(Long.class, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'keel_docs_parts' "
                + "AND tablename = ?", partition("p_layout", thisMonth))).isGreaterThanOrEqualTo(2L);
        assertThat(docs.collections()).filteredOn(i -> i.name().equals("p_layout"))
                .extracting(CollectionInfo::partitionedByMonth).containsExactly(true);

        String id = DocumentId.parse(logs.insertOne(json("{\"level\": \"warn\", \"n\": 1}"))).id();
        assertThat(whereIs("p_layout", id)).isEqualTo("keel_docs_parts." + partition("p_layout", thisMonth));
        Record row = keel.dsl().fetchOne("SELECT created_at, expires_at FROM keel_docs.p_layout WHERE id = ?", id);
        Instant created = row.get(0, OffsetDateTime.class).toInstant();
        assertThat(created.toEpochMilli()).isEqualTo(UUID.fromString(id).getMostSignificantBits() >>> 16);
        assertThat(row.get(1, OffsetDateTime.class).toInstant()).isEqualTo(created.plus(Duration.ofDays(30)));
        // A handle opened later from the catalog knows the collection is partitioned.
        assertThat(docs.collection("p_layout").find(Query.filter("{\"level\": \"warn\"}"))).hasSize(1);
        List<JsonNode> more = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            more.add(json("{\"_id\": \"" + uuidV7(monthsAgo(1 + i % 2)) + "\", \"level\": \"info\"}"));
        }
        logs.insertMany(more);
        // A lookup by id also names the created_at the id determines, so it reads one partition: it finds
        // documents in a month's partition and in the default one alike.
        assertThat(logs.findById(id)).isPresent();
        String strayId = more.get(0).get("_id").asText();
        assertThat(whereIs("p_layout", strayId)).isEqualTo("keel_docs_parts.p_layout_default");
        assertThat(logs.findById(strayId)).get().extracting(d -> d.get("level").asText()).isEqualTo("info");
        assertThat(logs.version(strayId)).contains(1L);
        keel.dsl().execute("ANALYZE keel_docs.p_layout");
        assertThat(logs.estimatedCount()).isEqualTo(100); // summed over the partitions
    }

    @Test
    void aNameTooLongForASuffixGetsPartitionsNamedByItsStartAndAHash() {
        String name = "p_" + "x".repeat(61);
        DocumentCollection<JsonNode> c = docs.collection(name, JsonNode.class, CollectionOptions.defaults()
                .partitionedByMonth().retention(Duration.ofDays(1)));
        c.insertMany(List.of(json("{\"_id\": \"" + uuidV7(monthsAgo(6)) + "\"}"), json("{\"a\": 1}")));
        assertThat(partitions(name)).hasSize(CollectionOptions.MONTHS_AHEAD + 2)
                .allSatisfy(p -> assertThat(p).startsWith(name.substring(0, 44) + "_").hasSizeLessThanOrEqualTo(63));
        assertThat(docs.purgeExpired().deleted()).containsEntry(name, 1L);
        assertThat(c.count("{}")).isEqualTo(1);
        assertThat(docs.drop(name)).isTrue();
        assertThat(value(Long.class, "SELECT count(*) FROM pg_tables WHERE schemaname = 'keel_docs_parts' "
                + "AND tablename LIKE ?", name.substring(0, 44) + "%")).isZero();
    }

    @Test
    void idsAreUuidV7sUniqueAcrossPartitionsOnEveryWritePath() {
        DocumentCollection<JsonNode> c = docs.collection("p_ids", JsonNode.class, CollectionOptions.defaults()
                .partitionedByMonth().retention(Duration.ofDays(365)));
        assertThatThrownBy(() -> c.insertOne(json("{\"_id\": \"note-1\"}"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'note-1' is not a UUIDv7").hasMessageContaining("partitioned by month");
        String upper = uuidV7(now).toUpperCase();
        assertThatThrownBy(() -> c.insertOne(json("{\"_id\": \"" + upper + "\"}")))
                .isInstanceOf(InvalidInputException.class);
        assertThat(c.count("{}")).isZero();

        // An id of its own from five months ago: no partition for that month, so the default one; still unique.
        String old = uuidV7(monthsAgo(5));
        c.insertOne(json("{\"_id\": \"" + old + "\", \"v\": 1}"));
        assertThat(whereIs("p_ids", old)).isEqualTo("keel_docs_parts.p_ids_default");
        assertThatThrownBy(() -> c.insertOne(json("{\"_id\": \"" + old + "\", \"v\": 2}")))
                .isInstanceOf(ConstraintViolationException.class);
        InsertManyResult reported = c.insertMany(List.of(json("{\"_id\": \"" + old + "\"}"), json("{\"v\": 3}"),
                json("{\"_id\": \"x\"}")), true);
        assertThat(reported.failures()).extracting(InsertManyResult.Failure::index).containsExactly(0, 2);
        assertThat(reported.ids()).hasSize(1);

        // 1,500 documents go through COPY; created_at and expires_at follow from each id there too.
        List<JsonNode> many = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            many.add(json("{\"i\": " + i + "}"));
        }
        c.insertMany(many);
        many.set(0, json("{\"_id\": \"" + uuidV7(monthsAgo(2)) + "\"}"));
        many.set(1, json("{\"_id\": \"" + old + "\"}"));
        assertThatThrownBy(() -> c.insertMany(many)).isInstanceOf(ConstraintViolationException.class);
        assertThat(c.count("{}")).isEqualTo(1 + 1 + 1_500);
        assertThat(value(Long.class, "SELECT count(*) FROM keel_docs.p_ids WHERE created_at <> "
                + "to_timestamp(('x' || lpad(replace(left(id, 13), '-', ''), 16, '0'))::bit(64)::bigint / 1000.0) "
                + "OR expires_at <> created_at + interval '365 days'")).isZero();

        // Reads, updates, replaces, upserts and deletes by id and by filter.
        assertThat(c.findById(old)).get().extracting(d -> d.get("v").asInt()).isEqualTo(1);
        assertThat(c.updateOne("{\"_id\": \"" + old + "\"}", "{\"$inc\": {\"v\": 10}}").modified()).isEqualTo(1);
        assertThat(c.version(old)).contains(2L);
        assertThat(c.replaceOne("{\"_id\": \"" + old + "\"}", json("{\"v\": 100}")).modified()).isEqualTo(1);
        assertThat(whereIs("p_ids", old)).isEqualTo("keel_docs_parts.p_ids_default"); // created_at is kept
        UpdateOptions upsert = UpdateOptions.defaults().upsert();
        UpdateResult up = c.updateOne("{\"tag\": \"new\"}", "{\"$set\": {\"n\": 1}}", upsert);
        String upserted = DocumentId.parse(up.upsertedId()).id();
        assertThat(whereIs("p_ids", upserted)).isEqualTo("keel_docs_parts." + partition("p_ids", thisMonth));
        assertThatThrownBy(() -> c.updateOne("{\"_id\": \"mine\"}", "{\"$set\": {\"n\": 1}}",
                upsert)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not a UUIDv7");
        assertThat(c.count("{\"_id\": \"mine\"}")).isZero();
        assertThat(c.deleteOne("{\"_id\": \"" + old + "\"}")).isEqualTo(1);
        assertThat(c.findById(old)).isEmpty();
    }

    @Test
    void partitioningIsFixedWhenACollectionIsCreatedAndRefusesUniqueIndexes() {
        assertThatThrownBy(() -> CollectionOptions.defaults().partitionedByMonth().uniqueIndex("email"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("within one partition only");
        assertThatThrownBy(() -> CollectionOptions.defaults().uniqueIndex("email").partitionedByMonth())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unique index on 'email'");

        docs.collection("p_plain", JsonNode.class, CollectionOptions.defaults()).insertOne(json("{\"a\": 1}"));
        assertThatThrownBy(() -> docs.collection("p_plain", JsonNode.class,
                CollectionOptions.defaults().partitionedByMonth()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("exists and is not partitioned");
        docs.collection("p_monthly", JsonNode.class, CollectionOptions.defaults().partitionedByMonth());
        assertThatThrownBy(() -> docs.collection("p_monthly", JsonNode.class, CollectionOptions.defaults()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("exists and is partitioned");
        assertThat(docs.collections()).filteredOn(i -> i.name().equals("p_plain") || i.name().equals("p_monthly"))
                .extracting(CollectionInfo::name, CollectionInfo::partitionedByMonth)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("p_plain", false),
                        org.assertj.core.groups.Tuple.tuple("p_monthly", true));
        assertThat(docs.collection("p_plain").count("{}")).isEqualTo(1);
        assertThat(partitions("p_monthly")).hasSize(CollectionOptions.MONTHS_AHEAD + 2);
    }

    @Test
    void aPurgeMovesStrayDocumentsIntoTheirMonthsAndDropsAgedMonthsWhole() {
        String name = "p_purge";
        DocumentCollection<JsonNode> c = docs.collection(name, JsonNode.class, CollectionOptions.defaults()
                .partitionedByMonth().retention(Duration.ofDays(1)));
        // Back-filled documents of four and three months ago (expired at insert: created_at is their id's time),
        // and current ones.
        List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(json("{\"_id\": \"" + uuidV7(monthsAgo(i < 200 ? 4 : 3).plusSeconds(i)) + "\", \"i\": " + i
                    + "}"));
        }
        for (int i = 0; i < 20; i++) {
            batch.add(json("{\"now\": " + i + "}"));
        }
        c.insertMany(batch);
        assertThat(count("keel_docs_parts.p_purge_default")).isEqualTo(300);
        // One document of three months ago is kept longer (as a retention lengthened since would keep it).
        String kept = batch.get(250).get("_id").asText();
        keel.dsl().execute("UPDATE keel_docs.p_purge SET expires_at = now() + interval '1 day' WHERE id = ?", kept);

        PurgeResult p = docs.purgeExpired();

        assertThat(p.complete()).isTrue();
        assertThat(p.deleted()).containsEntry(name, 299L);
        YearMonth four = thisMonth.minusMonths(4);
        YearMonth three = thisMonth.minusMonths(3);
        // Four months ago: moved out of the default partition, then dropped whole; three: kept, purged row by row.
        assertThat(partitions(name)).doesNotContain(partition(name, four)).contains(partition(name, three),
                partition(name, thisMonth), name + "_default");
        assertThat(count("keel_docs_parts.p_purge_default")).isZero();
        assertThat(whereIs(name, kept)).isEqualTo("keel_docs_parts." + partition(name, three));
        assertThat(c.count("{}")).isEqualTo(21);
        assertThat(c.count("{\"now\": {\"$exists\": true}}")).isEqualTo(20);
        assertThat(docs.purgeExpired().deleted()).doesNotContainKey(name);

        // Once the last one expires, its month goes whole too.
        keel.dsl().execute("UPDATE keel_docs.p_purge SET expires_at = now() - interval '1 second' WHERE id = ?",
                kept);
        assertThat(docs.purgeExpired().deleted()).containsEntry(name, 1L);
        assertThat(partitions(name)).doesNotContain(partition(name, three));
        assertThat(c.count("{}")).isEqualTo(20);
    }

    @Test
    void aBackupOfAPartitionedCollectionRestoresPartitioned() {
        DocumentCollection<JsonNode> c = docs.collection("p_backup", JsonNode.class, CollectionOptions.defaults()
                .partitionedByMonth().subjectField("user"));
        List<String> ids = c.insertMany(List.of(json("{\"user\": \"u1\", \"a\": 1}"),
                json("{\"_id\": \"" + uuidV7(monthsAgo(1)) + "\", \"user\": \"u2\"}")));
        String rows = "SELECT id, created_at, version, data::text FROM keel_docs.p_backup ORDER BY id";
        List<List<Object>> before = rowsOf(rows);
        assertThat(before).hasSize(2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        docs.backup(out, "p_backup");
        assertThat(docs.drop("p_backup")).isTrue();
        assertThat(keel.dsl().fetchValue("SELECT to_regclass('keel_docs_parts.p_backup_default')")).isNull();

        assertThat(docs.restore(new ByteArrayInputStream(out.toByteArray()))).containsEntry("p_backup", 2L);
        assertThat(relkind("keel_docs.p_backup")).isEqualTo("p");
        assertThat(rowsOf(rows)).isEqualTo(before);
        assertThat(docs.collection("p_backup").findById(ids.get(1))).isPresent();
    }

    /**
     * Purges that make partitions and move documents out of the default partition while two threads insert, one
     * this month's documents and one back-filled ones that land in the default partition: no insert fails or is
     * lost, and every document ends up in its month's partition.
     */
    @Test
    void purgesMovingDocumentsIntoTheirMonthsLeaveConcurrentInsertsAlone() throws Exception {
        String name = "p_busy";
        DocumentCollection<JsonNode> c = docs.collection(name, JsonNode.class, CollectionOptions.defaults()
                .partitionedByMonth().retention(Duration.ofDays(3_650)));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> inserters = new ArrayList<>();
            for (boolean backFilled : new boolean[] {false, true}) {
                inserters.add(threads.submit(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        String id = backFilled ? "\"_id\": \"" + uuidV7(monthsAgo(1 + n % 6).plusSeconds(n)) + "\", "
                                : "";
                        c.insertOne(json("{" + id + "\"n\": " + n + "}"));
                        n++;
                    }
                    return n;
                }));
            }
            int purges = 0;
            for (long until = System.nanoTime() + 4_000_000_000L; System.nanoTime() < until; purges++) {
                docs.purgeExpired();
            }
            stop.set(true);
            int inserted = 0;
            for (Future<Integer> f : inserters) {
                inserted += f.get();
            }
            assertThat(purges).isGreaterThan(1);
            assertThat(c.count("{}")).isEqualTo(inserted);
            assertThat(docs.purgeExpired().complete()).isTrue();
            assertThat(count("keel_docs_parts.p_busy_default")).isZero();
            assertThat(partitions(name)).contains(partition(name, thisMonth.minusMonths(6)),
                    partition(name, thisMonth.minusMonths(1)));
            assertThat(value(Long.class, "SELECT count(*) FROM keel_docs.p_busy WHERE tableoid::regclass::text <> "
                    + "'keel_docs_parts.p_busy_' || to_char(created_at AT TIME ZONE 'UTC', 'YYYYMM')")).isZero();
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
    }

    @Test
    void anAccessLogRetentionDropsWholeMonthsOfEntries() {
        try (Keel kept = Keel.builder().jdbcUrl(url).maxPoolSize(2)
                .documents(DocumentSettings.defaults().accessLogRetention(Duration.ofDays(400))).build()) {
            DocumentStore store = kept.documents();
            // A log kept for years: entries of 30 and 20 months ago and of last month, written as they were then.
            kept.dsl().execute("INSERT INTO keel.doc_access_log (at, actor, operation, target, success) "
                    + "SELECT now() - m * interval '1 month', 'ann', 'read', 'aged-' || m, true "
                    + "FROM unnest(ARRAY[30, 30, 20, 1]) m");
            store.accessLog().record("ann", "read", null, "fresh", null, true);
            assertThat(partitionsOf("keel.doc_access_log")).containsExactly("doc_access_log_default");

            PurgeResult p = store.purgeExpired();

            assertThat(p.complete()).isTrue();
            assertThat(p.accessLogEntries()).isEqualTo(3);
            assertThat(store.accessLog().forTarget("aged-30", 5)).isEmpty();
            assertThat(store.accessLog().forTarget("aged-20", 5)).isEmpty();
            assertThat(store.accessLog().forTarget("aged-1", 5)).singleElement()
                    .satisfies(e -> assertThat(e.actor()).isEqualTo("ann"));
            assertThat(store.accessLog().forTarget("fresh", 5)).hasSize(1);
            List<String> expected = new ArrayList<>(List.of("doc_access_log_default",
                    "doc_access_log_" + thisMonth.minusMonths(1).format(SUFFIX)));
            for (int i = 0; i <= CollectionOptions.MONTHS_AHEAD; i++) {
                expected.add("doc_access_log_" + thisMonth.plusMonths(i).format(SUFFIX));
            }
            assertThat(partitionsOf("keel.doc_access_log")).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(count("keel.doc_access_log_default")).isZero();
            // Entries go on being written, into this month's partition.
            store.accessLog().record("ann", "read", null, "later", null, true);
            assertThat(value(String.class, "SELECT tableoid::regclass::text FROM keel.doc_access_log "
                    + "WHERE target = 'later'")).isEqualTo("keel.doc_access_log_" + thisMonth.format(SUFFIX));
        }
        assertThatThrownBy(() -> DocumentSettings.defaults().accessLogRetention(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("documents.accessLogRetention");
    }
}
