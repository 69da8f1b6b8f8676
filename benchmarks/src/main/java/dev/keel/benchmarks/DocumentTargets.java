package dev.keel.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.Keel;
import dev.keel.benchmarks.PairedTargets.Op;
import dev.keel.benchmarks.PairedTargets.Result;
import dev.keel.benchmarks.PairedTargets.Side;
import dev.keel.benchmarks.PairedTargets.Step;
import dev.keel.benchmarks.data.BinaryCopyWriter;
import dev.keel.benchmarks.report.ResultTable;
import dev.keel.document.CollectionOptions;
import dev.keel.document.DocumentCollection;
import dev.keel.document.DocumentStore;
import dev.keel.document.Page;
import dev.keel.document.Query;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.openjdk.jmh.infra.Blackhole;
import org.postgresql.PGConnection;

/**
 * The document collection targets, measured in pairs as {@link PairedTargets} measures the bulk ones. A collection
 * of {@code docs} documents of about 1 KB ({@code bench_docs}: a subject field, a retention, indexes on
 * {@code type} and {@code score}, and scalar indexes on {@code kind} and {@code grade}, which hold what
 * {@code type} and {@code score} hold) is loaded by Keel's {@code insertMany} and by a hand-written binary COPY
 * into the same table and indexes, in turns; then each read and update is timed against hand-written SQL on the
 * same index, both sides handing back parsed JSON. Purge and subject export have no yardstick: they are reported as
 * documents per second, the purge with the p99 of single inserts running beside it, and once more for the same
 * number of documents in a collection partitioned by month, whose purge drops their month whole.
 */
final class DocumentTargets {
    static final String COLLECTION = "bench_docs";
    private static final String TABLE = "keel_docs.bench_docs";
    /** Documents per insertMany call and per COPY transaction. */
    private static final int BATCH = 10_000;
    /** Documents per type and per subject, so one updateMany or export touches this many at any size. */
    private static final int GROUP = 10_000;
    private static final int LOOKUPS = 10_000;
    private static final int QUERIES = 2_000;
    private static final int UPDATES = 3;
    private static final int PAGE_FETCHES = 500;
    private static final int DEEP_PAGE = 1_000;
    private static final int PAGE_SIZE = 20;
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A rate without a yardstick. */
    record Rate(String what, long documents, double perSecond, String note) {
    }

    private final int docs;
    private final int rounds;
    private final Consumer<String> progress;
    private final Blackhole blackhole;
    private final int groups;
    private final List<String> bodies = new ArrayList<>();
    private final List<Rate> rates = new ArrayList<>();

    DocumentTargets(int docs, int rounds, Consumer<String> progress, Blackhole blackhole) {
        if (docs < GROUP) {
            throw new IllegalArgumentException("--docs-rows must be at least " + GROUP + ", was " + docs);
        }
        this.docs = docs;
        this.rounds = rounds;
        this.progress = progress;
        this.blackhole = blackhole;
        this.groups = docs / GROUP;
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 64; i++) {
            StringBuilder b = new StringBuilder();
            while (b.length() < 760) {
                int len = 2 + r.nextInt(9);
                for (int k = 0; k < len; k++) {
                    b.append((char) ('a' + r.nextInt(26)));
                }
                b.append(' ');
            }
            bodies.add(b.toString());
        }
    }

    /** The collection's options: what the Keel side declares, and what the yardstick's SQL relies on. */
    static CollectionOptions options() {
        return CollectionOptions.defaults().subjectField("owner").retention(RETENTION).index("type").index("score")
                .scalarIndex("kind").scalarIndex("grade");
    }

    List<Rate> rates() {
        return rates;
    }

    static String id(int i) {
        return String.format(Locale.ROOT, "d%08d", i);
    }

    /** Document {@code i}: about 1 KB, the same for both sides. */
    ObjectNode document(int i) {
        ObjectNode d = JSON.createObjectNode();
        d.put("_id", id(i));
        d.put("owner", "user-" + (i % groups));
        d.put("type", "t" + (i % groups));
        d.put("kind", "k" + (i % groups));
        d.put("score", Math.floorMod(i * 7919L, 1_000_003L));
        d.put("grade", Math.floorMod(i * 7919L, 1_000_003L));
        d.put("status", i % 3 == 0 ? "open" : "closed");
        d.put("counter", 0);
        d.putArray("tags").add("a" + (i % 7)).add("b" + (i % 13));
        ObjectNode meta = d.putObject("meta");
        meta.put("source", "bench");
        meta.put("rev", i % 10);
        meta.put("flag", i % 2 == 0);
        d.put("body", bodies.get(i % bodies.size()));
        return d;
    }

    List<Result> run() throws Exception {
        try (Keel keel = TargetDatabase.keelBuilder().maxPoolSize(6).build();
             Connection c = TargetDatabase.connect()) {
            DocumentStore store = keel.documents();
            store.drop(COLLECTION);
            DocumentCollection<JsonNode> coll = store.collection(COLLECTION, JsonNode.class, options());
            List<Result> out = new ArrayList<>();
            out.add(insertMany(coll, c));
            vacuum(c);
            c.setAutoCommit(true);
            out.add(findById(coll, c));
            out.add(equality(coll, c, "type", "index"));
            out.add(equality(coll, c, "kind", "scalarIndex"));
            out.add(range(coll, c, "score", "index"));
            out.add(range(coll, c, "grade", "scalarIndex"));
            c.setAutoCommit(false);
            out.add(updateMany(coll, c));
            vacuum(c);
            out.add(deepPage(coll));
            export(store);
            purge(store, coll, c);
            purgeByMonth(store, c);
            return out;
        }
    }

    private static void vacuum(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE " + TABLE);
        } finally {
            c.setAutoCommit(auto);
        }
    }

    // ---- insertMany ÷ binary COPY

    private Result insertMany(DocumentCollection<JsonNode> coll, Connection c) throws Exception {
        String what = "insertMany ÷ pgjdbc COPY binary into the same table and indexes, batches of 10k";
        progress.accept(what);
        AtomicReference<List<ObjectNode>> keelBatch = new AtomicReference<>();
        List<String[]> copyBatch = new ArrayList<>();
        List<Op> mine = new ArrayList<>();
        List<Op> yardstick = new ArrayList<>();
        for (int from = 0; from < docs; from += BATCH) {
            int start = from;
            int end = Math.min(docs, from + BATCH);
            Step empty = start == 0 ? () -> TargetDatabase.empty(c, TABLE, docs) : () -> { };
            Step check = end == docs ? () -> TargetDatabase.expectRows("insertMany", docs,
                    TargetDatabase.count(c, "SELECT count(*) FROM " + TABLE)) : () -> { };
            mine.add(new Op(() -> {
                empty.run();
                List<ObjectNode> batch = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    batch.add(document(i));
                }
                keelBatch.set(batch);
            }, () -> coll.insertMany(keelBatch.get()), check));
            yardstick.add(new Op(() -> {
                empty.run();
                copyBatch.clear();
                for (int i = start; i < end; i++) {
                    ObjectNode d = document(i);
                    String id = d.remove("_id").textValue();
                    copyBatch.add(new String[] {id, JSON.writeValueAsString(d), d.get("owner").textValue()});
                }
            }, () -> copy(c, copyBatch), check));
        }
        return measure(what, 0.8, new Side(mine, docs), new Side(yardstick, docs), false);
    }

    private static void copy(Connection c, List<String[]> rows) throws SQLException {
        long expires = micros(Instant.now().plus(RETENTION));
        BinaryCopyWriter out = new BinaryCopyWriter(c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + TABLE + " (expires_at, id, data, subject_id) FROM STDIN (FORMAT binary)"));
        for (String[] r : rows) {
            // the fixed-size value first: the writer makes room for a row's fixed part, and for each text
            out.row(4).int8(expires).text(r[0]).jsonb(r[1]).text(r[2]);
        }
        TargetDatabase.expectRows("COPY binary reported", rows.size(), out.finish());
        c.commit();
    }

    private static long micros(Instant t) {
        Duration d = Duration.between(PG_EPOCH, t);
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    // ---- reads ÷ hand-written SQL on the same index

    private static String value(String field) {
        return "COALESCE((data -> '" + field + "'), 'null'::jsonb)";
    }

    private static String rank(String field) {
        return "(CASE jsonb_typeof(" + value(field) + ") WHEN 'number' THEN 2 WHEN 'string' THEN 3 WHEN 'object' "
                + "THEN 4 WHEN 'array' THEN 5 WHEN 'boolean' THEN 6 ELSE 1 END)";
    }

    private Result findById(DocumentCollection<JsonNode> coll, Connection c) throws Exception {
        String what = "findById ÷ prepared SELECT by primary key (both parse the JSON)";
        progress.accept(what);
        SplittableRandom r = new SplittableRandom(7);
        String[] ids = new String[LOOKUPS];
        Step pick = () -> {
            for (int i = 0; i < LOOKUPS; i++) {
                ids[i] = id(r.nextInt(docs));
            }
        };
        Step none = () -> { };
        Side mine = Side.of(LOOKUPS, new Op(pick, () -> {
            for (String id : ids) {
                blackhole.consume(coll.findById(id).orElseThrow());
            }
        }, none));
        Side yardstick = Side.of(LOOKUPS, new Op(pick, () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM " + TABLE + " WHERE id = ?")) {
                for (String id : ids) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no document " + id);
                        }
                        blackhole.consume(JSON.readTree(rs.getString(1)));
                    }
                }
            }
        }, none));
        return measure(what, 0.8, mine, yardstick, false);
    }

    private Result equality(DocumentCollection<JsonNode> coll, Connection c, String field, String declared)
            throws Exception {
        String what = "find {" + field + ": …} limit 20, " + declared + "(\"" + field + "\") ÷ hand-written SELECT "
                + "on the same index";
        progress.accept(what);
        String sql = "SELECT id, data FROM " + TABLE + " WHERE " + rank(field) + " = 3 AND " + value(field)
                + " = ?::jsonb ORDER BY id LIMIT " + PAGE_SIZE;
        String prefix = field.substring(0, 1);
        return queries(what, i -> prefix + (i % groups),
                v -> coll.findJson(Query.filter("{\"" + field + "\": \"" + v + "\"}").limit(PAGE_SIZE)),
                c, sql, v -> "\"" + v + "\"");
    }

    private Result range(DocumentCollection<JsonNode> coll, Connection c, String field, String declared)
            throws Exception {
        String what = "find {" + field + ": {$gte: …}} sort {" + field + ": 1} limit 20, " + declared + "(\"" + field
                + "\") ÷ hand-written SELECT on the same index";
        progress.accept(what);
        String sql = "SELECT id, data FROM " + TABLE + " WHERE " + rank(field) + " = 2 AND " + value(field)
                + " >= ?::jsonb ORDER BY " + rank(field) + ", " + value(field) + ", id LIMIT " + PAGE_SIZE;
        return queries(what, i -> Long.toString(Math.floorMod(i * 104_729L, 900_000L)),
                v -> coll.findJson(Query.filter("{\"" + field + "\": {\"$gte\": " + v + "}}")
                        .sort("{\"" + field + "\": 1}").limit(PAGE_SIZE)), c, sql, v -> v);
    }

    @FunctionalInterface
    private interface Finder {
        List<JsonNode> find(String value);
    }

    private Result queries(String what, java.util.function.IntFunction<String> values, Finder keel, Connection c,
                           String sql, java.util.function.UnaryOperator<String> asJson) throws Exception {
        String[] vs = new String[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            vs[i] = values.apply(i);
        }
        Step none = () -> { };
        Side mine = Side.of(QUERIES, new Op(none, () -> {
            for (String v : vs) {
                List<JsonNode> found = keel.find(v);
                expectPage(found.size());
                blackhole.consume(found);
            }
        }, none));
        Side yardstick = Side.of(QUERIES, new Op(none, () -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (String v : vs) {
                    ps.setString(1, asJson.apply(v));
                    List<JsonNode> found = new ArrayList<>(PAGE_SIZE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ObjectNode d = JSON.createObjectNode();
                            d.put("_id", rs.getString(1));
                            d.setAll((ObjectNode) JSON.readTree(rs.getString(2)));
                            found.add(d);
                        }
                    }
                    expectPage(found.size());
                    blackhole.consume(found);
                }
            }
        }, none));
        return measure(what, 0.8, mine, yardstick, false);
    }

    private static void expectPage(int n) {
        TargetDatabase.expectRows("a page of the query", PAGE_SIZE, n);
    }

    // ---- updateMany ÷ UPDATE

    private Result updateMany(DocumentCollection<JsonNode> coll, Connection c) throws Exception {
        String what = "updateMany of 10k documents ($inc) ÷ hand-written UPDATE";
        progress.accept(what);
        String sql = "UPDATE " + TABLE + " SET data = jsonb_set(data, '{counter}', to_jsonb((data ->> 'counter')"
                + "::numeric + 1)), version = version + 1, updated_at = now() WHERE " + rank("type") + " = 3 AND "
                + value("type") + " = ?::jsonb";
        Step none = () -> { };
        List<Op> mine = new ArrayList<>();
        List<Op> yardstick = new ArrayList<>();
        for (int k = 0; k < UPDATES; k++) {
            String type = "t" + (k % groups);
            mine.add(new Op(none, () -> TargetDatabase.expectRows("updateMany modified", GROUP,
                    coll.updateMany("{\"type\": \"" + type + "\"}", "{\"$inc\": {\"counter\": 1}}").modified()), none));
            yardstick.add(new Op(none, () -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, "\"" + type + "\"");
                    TargetDatabase.expectRows("UPDATE", GROUP, ps.executeUpdate());
                }
                c.commit();
            }, none));
        }
        return measure(what, 0.7, new Side(mine, (long) UPDATES * GROUP), new Side(yardstick,
                (long) UPDATES * GROUP), false);
    }

    // ---- keyset paging: page 1,000 against page 1

    private Result deepPage(DocumentCollection<JsonNode> coll) throws Exception {
        String what = "findPage by cursor: page 1,000 ÷ page 1, sort {score: 1}, 20 a page (time of page 1 ÷ time "
                + "of page 1,000)";
        progress.accept(what);
        Query first = Query.all().sort("{\"score\": 1}").limit(PAGE_SIZE);
        String cursor = null;
        for (int p = 1; p < DEEP_PAGE; p++) {
            Page<JsonNode> page = coll.findPage(cursor == null ? first : first.after(cursor));
            cursor = page.nextCursor();
        }
        Query deep = first.after(cursor);
        Step none = () -> { };
        Side mine = Side.of(PAGE_FETCHES, new Op(none, () -> fetch(coll, deep), none));
        Side yardstick = Side.of(PAGE_FETCHES, new Op(none, () -> fetch(coll, first), none));
        return measure(what, 1 / 1.5, mine, yardstick, true);
    }

    private void fetch(DocumentCollection<JsonNode> coll, Query q) {
        for (int i = 0; i < PAGE_FETCHES; i++) {
            Page<JsonNode> p = coll.findPage(q);
            expectPage(p.items().size());
            blackhole.consume(p);
        }
    }

    // ---- rates: export and purge

    private void export(DocumentStore store) {
        progress.accept("exportSubject of " + GROUP + " documents (gzip JSON Lines)");
        double[] perSecond = new double[rounds];
        for (int round = -1; round < rounds; round++) {
            long[] bytes = new long[1];
            OutputStream sink = new OutputStream() {
                @Override
                public void write(int b) {
                    bytes[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes[0] += len;
                }
            };
            long start = System.nanoTime();
            long n = store.exportSubject("user-" + (Math.max(round, 0) % groups), sink);
            double s = (System.nanoTime() - start) / 1e9;
            TargetDatabase.expectRows("exportSubject", GROUP, n);
            if (round >= 0) {
                perSecond[round] = n / s;
            }
        }
        rates.add(new Rate("exportSubject", GROUP, PairedTargets.median(perSecond),
                "median of " + rounds + "; one REPEATABLE READ snapshot, gzip"));
    }

    private void purge(DocumentStore store, DocumentCollection<JsonNode> coll, Connection c) throws Exception {
        int expired = docs / 20;
        progress.accept("purgeExpired of " + ResultTable.size(expired) + " documents, single inserts beside it");
        try (Statement s = c.createStatement()) {
            int n = s.executeUpdate("UPDATE " + TABLE + " SET expires_at = now() - interval '1 second' WHERE id < '"
                    + id(expired) + "'");
            TargetDatabase.expectRows("expired", expired, n);
        }
        c.commit();
        vacuum(c);
        double idleP99 = insertP99(coll, "idle", () -> Thread.sleep(3_000));
        double[] seconds = new double[1];
        long[] purged = new long[1];
        double busyP99 = insertP99(coll, "busy", () -> {
            long start = System.nanoTime();
            purged[0] = store.purgeExpired().total();
            seconds[0] = (System.nanoTime() - start) / 1e9;
        });
        TargetDatabase.expectRows("purgeExpired", expired, purged[0]);
        rates.add(new Rate("purgeExpired", expired, purged[0] / seconds[0], String.format(Locale.ROOT,
                "single insertOne beside it: p99 %.1f ms during the purge, %.1f ms without", busyP99, idleP99)));
    }

    /**
     * As {@link #purge}, the same number of expired documents in a collection partitioned by month: back-filled
     * into the month three months ago, moved into that month's partition by an untimed purge while their retention
     * is a year, then expired (the retention cut to a day, {@code expires_at} set in the past as time would). The
     * timed purge drops the month's partition whole, with single inserts into the same collection beside it.
     */
    private void purgeByMonth(DocumentStore store, Connection c) throws Exception {
        int expired = docs / 20;
        String name = COLLECTION + "_monthly";
        progress.accept("purgeExpired of " + ResultTable.size(expired) + " documents of one month in a collection "
                + "partitioned by month, single inserts beside it");
        store.drop(name);
        DocumentCollection<JsonNode> monthly = store.collection(name, JsonNode.class,
                CollectionOptions.defaults().partitionedByMonth().retention(Duration.ofDays(365)));
        long from = YearMonth.now(ZoneOffset.UTC).minusMonths(3).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                .toEpochMilli();
        SplittableRandom random = new SplittableRandom(7);
        List<ObjectNode> batch = new ArrayList<>();
        for (int i = 0; i < expired; i++) {
            ObjectNode d = document(i);
            long msb = ((from + i) << 16) | 0x7000L | random.nextInt(0x1000);
            long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            d.put("_id", new UUID(msb, lsb).toString());
            batch.add(d);
            if (batch.size() == BATCH || i == expired - 1) {
                monthly.insertMany(batch);
                batch.clear();
            }
        }
        TargetDatabase.expectRows("moved into their month", 0, store.purgeExpired().total());
        store.collection(name, JsonNode.class,
                CollectionOptions.defaults().partitionedByMonth().retention(Duration.ofDays(1)));
        try (Statement s = c.createStatement()) {
            int n = s.executeUpdate("UPDATE keel_docs." + name + " SET expires_at = now() - interval '1 second'");
            TargetDatabase.expectRows("expired", expired, n);
        }
        c.commit();
        double[] seconds = new double[1];
        long[] purged = new long[1];
        double busyP99 = insertP99(monthly, "monthly", false, () -> {
            long start = System.nanoTime();
            purged[0] = store.purgeExpired().total();
            seconds[0] = (System.nanoTime() - start) / 1e9;
        });
        TargetDatabase.expectRows("purgeExpired by month", expired, purged[0]);
        rates.add(new Rate("purgeExpired, partitioned by month", expired, purged[0] / seconds[0],
                String.format(Locale.ROOT, "one month's partition dropped; single insertOne into the same "
                        + "collection beside it: p99 %.1f ms", busyP99)));
        store.drop(name);
    }

    private double insertP99(DocumentCollection<JsonNode> coll, String tag, Step during) throws Exception {
        return insertP99(coll, tag, true, during);
    }

    /**
     * Runs {@code during} while one thread inserts documents one by one (with ids of their own, or Keel's);
     * returns their p99 latency in ms.
     */
    private double insertP99(DocumentCollection<JsonNode> coll, String tag, boolean ownIds, Step during)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> nanos = new ArrayList<>();
        Exception[] failed = new Exception[1];
        Thread inserter = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                ObjectNode d = document(docs + i);
                if (ownIds) {
                    d.put("_id", "extra-" + tag + "-" + i);
                } else {
                    d.remove("_id");
                }
                i++;
                long start = System.nanoTime();
                try {
                    coll.insertOne(d);
                } catch (RuntimeException e) {
                    failed[0] = e;
                    return;
                }
                nanos.add(System.nanoTime() - start);
            }
        }, "bench-inserts-" + tag);
        inserter.start();
        try {
            during.run();
        } finally {
            stop.set(true);
            inserter.join();
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1,
                Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
    }

    // ---- measuring

    private Result measure(String what, double atLeast, Side mine, Side yardstick, boolean byTime) throws Exception {
        return PairedTargets.measure(what, docs, rounds, atLeast, mine, yardstick, byTime);
    }

    /** The Markdown of the document targets and rates. */
    static String render(List<Result> results, List<Rate> rates, int rounds) {
        String pairs = PairedTargets.render(results, rounds)
                .replace("### Targets, measured in pairs", "### Document targets, measured in pairs");
        int note = pairs.indexOf("\nKeel and yardstick:");
        StringBuilder out = new StringBuilder(note < 0 ? pairs : pairs.substring(0, note + 1));
        out.append("\nrows: the documents in the collection (about 1 KB each). Keel and yardstick: the median time of "
                + "one round: " + LOOKUPS + " lookups, " + QUERIES + " queries, " + UPDATES + " updateMany calls of "
                + GROUP + " documents, " + PAGE_FETCHES + " page fetches, or the whole load.\n\n");
        out.append("| operation | documents | documents/s | note |\n|---|---:|---:|---|\n");
        for (Rate r : rates) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s |%n", r.what(),
                    ResultTable.size((int) r.documents()), r.perSecond(), r.note()));
        }
        return out.toString();
    }
}
