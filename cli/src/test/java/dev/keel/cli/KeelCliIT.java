package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar as a user would, each command in its own process on its own embedded data directory. */
class KeelCliIT {
    static final Path JAR = Path.of("target", "keel.jar");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @TempDir
    Path files;

    record Result(int exit, String out, String err, Duration took) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    Result keel(String... args) throws IOException, InterruptedException {
        return keel(Map.of(), args);
    }

    /** Runs {@code keel args…} on this test's data directory unless the arguments name a --url. */
    Result keel(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        boolean database = !List.of(args).contains("--help") && !List.of(args).contains("--url")
                && !args[0].equals("bench");
        if (database) {
            cmd.addAll(List.of("--data-dir", dataDir.toString()));
        }
        Path out = Files.createTempFile(files, "out", ".txt");
        Path err = Files.createTempFile(files, "err", ".txt");
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("DATABASE_URL");
        pb.environment().remove("KEEL_JDBC_URL");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("keel " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err),
                Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void migrateThenInfoInASecondProcessSeesTheKeptData() throws Exception {
        Result migrate = keel("migrate");
        assertThat(migrate.exit()).as(migrate.err()).isZero();
        // keel-schema's seven migrations: graphs, sagas, documents, the change feed, the graph fast path, document
        // collections partitioned by month, the access log partitioned by month
        assertThat(migrate.out()).contains("Applied 7 migration(s)").contains(dataDir.toString());

        Result again = keel("migrate", "--json");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.json().get("applied").asInt()).isZero();

        Result info = keel("info", "--json");
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.json().get("keelSchemaVersion").asText()).isNotEqualTo("none");
        assertThat(info.json().get("pendingMigrations").asInt()).isZero();
        assertThat(info.json().get("postgresVersion").asText()).startsWith("17.");
        assertThat(info.json().get("registry")).hasSize(1);
        assertThat(info.json().get("registry").get(0).get("state").asText()).isEqualTo("OPEN");
        assertThat(info.json().get("registry").get(0).get("pool").get("max").asInt()).isPositive();

        Result health = keel("health");
        assertThat(health.exit()).isZero();
        assertThat(health.out()).startsWith("HEALTHY");
    }

    @Test
    void sagaCommandsReadTheEmbeddedDefaultAndNameBadInput() throws Exception {
        assertThat(keel("migrate").exit()).isZero();

        Result stats = keel("saga", "stats", "--json");
        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(stats.json().get("byStatus").get("COMPLETED").asLong()).isZero();
        assertThat(stats.json().get("active").asLong()).isZero();

        Result cleanup = keel("saga", "cleanup", "--older-than", "24h", "--json");
        assertThat(cleanup.exit()).as(cleanup.err()).isZero();
        assertThat(cleanup.json().get("removed").asInt()).isZero();
        assertThat(cleanup.json().get("olderThan").asText()).isEqualTo("PT24H");

        Result missing = keel("saga", "show", "0b5e1c9a-6f2d-4d83-9a41-2f4f0c7e8b11");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("there is no saga 0b5e1c9a-6f2d-4d83-9a41-2f4f0c7e8b11");

        Result badAge = keel("saga", "cleanup", "--older-than", "yesterday");
        assertThat(badAge.exit()).isEqualTo(1);
        assertThat(badAge.err()).contains("'yesterday' is not a duration");
    }

    @Test
    void demoQuickThenGraphListInASecondProcessShowsTheSnapshot() throws Exception {
        Result demo = keel("demo", "--quick", "--nodes", "2000", "--edges", "6000");
        assertThat(demo.exit()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("Saved and read back 2,000 nodes and 6,000 edges").contains("matches")
                .contains("rows/s").contains("heap").contains(dataDir.toString()).doesNotContain("Exception");

        Result list = keel("graph", "list", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        JsonNode snapshots = list.json();
        assertThat(snapshots).hasSize(1);
        JsonNode snapshot = snapshots.get(0);
        assertThat(snapshot.get("name").asText()).isEqualTo("demo");
        assertThat(snapshot.get("nodes").asLong()).isEqualTo(2000);
        assertThat(snapshot.get("edges").asLong()).isEqualTo(6000);
        assertThat(demo.out()).contains(snapshot.get("id").asText());

        Result table = keel("graph", "list");
        assertThat(table.out()).contains("id").contains("algorithm").contains(snapshot.get("id").asText())
                .contains("2,000").contains("6,000");
    }

    @Test
    void exportThenImportRoundTripsToAnIdenticalGraph() throws Exception {
        String original = demo("300", "900");

        Path exported = files.resolve("original.jsonl.gz");
        Result export = keel("graph", "export", original, exported.toString());
        assertThat(export.exit()).as(export.err()).isZero();

        Result imported = keel("graph", "import", exported.toString(), "--json");
        assertThat(imported.exit()).as(imported.err()).isZero();
        String copy = imported.json().get("id").asText();
        assertThat(copy).isNotEqualTo(original);
        assertThat(imported.json().get("version").asInt()).isEqualTo(2);

        Path again = files.resolve("copy.jsonl");
        assertThat(keel("graph", "export", copy, again.toString()).exit()).isZero();
        List<String> first = lines(exported);
        List<String> second = lines(again);
        assertThat(second).hasSize(1 + 300 + 900);
        assertThat(rows(second)).isEqualTo(rows(first));
        JsonNode header1 = JSON.readTree(first.get(0)).get("snapshot");
        JsonNode header2 = JSON.readTree(second.get(0)).get("snapshot");
        for (String field : List.of("name", "algorithm", "metadata", "nodes", "edges")) {
            assertThat(header2.get(field)).as(field).isEqualTo(header1.get(field));
        }

        Path nodes = files.resolve("nodes.csv.gz");
        Path edges = files.resolve("edges.csv.gz");
        assertThat(keel("graph", "export", copy, nodes.toString(), edges.toString()).exit()).isZero();
        Result unnamed = keel("graph", "import", nodes.toString(), edges.toString(), "--name", "from-csv");
        assertThat(unnamed.exit()).isEqualTo(1);
        assertThat(unnamed.err()).contains("--algorithm");
        Result fromCsv = keel("graph", "import", nodes.toString(), edges.toString(), "--name", "from-csv",
                "--algorithm", "random", "--json");
        assertThat(fromCsv.exit()).as(fromCsv.err()).isZero();
        Path back = files.resolve("from-csv.jsonl");
        assertThat(keel("graph", "export", fromCsv.json().get("id").asText(), back.toString()).exit()).isZero();
        assertThat(rows(lines(back))).isEqualTo(rows(first));

        Result refused = keel("graph", "export", copy, again.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("already exists").contains("--force");
    }

    @Test
    void aMalformedImportLineGivesExit3NamesTheLineAndStoresNothing() throws Exception {
        Path file = Files.writeString(files.resolve("bad.jsonl"), """
                {"snapshot":{"name":"broken","algorithm":"bfs"}}
                {"node":{"id":1}}
                {"node":{"id":2}}
                {"node":{"id":"three"}}
                {"edge":{"from":1,"to":2}}
                """);
        Result bad = keel("graph", "import", file.toString());
        assertThat(bad.exit()).isEqualTo(3);
        assertThat(bad.err()).startsWith("keel: ").contains("bad.jsonl line 4").contains("\"id\" must be an integer")
                .contains("nothing was stored").doesNotContain("\tat ");

        Path dangling = Files.writeString(files.resolve("dangling.jsonl"), """
                {"snapshot":{"name":"broken","algorithm":"bfs"}}
                {"node":{"id":1}}
                {"edge":{"from":1,"to":2}}
                """);
        Result invalid = keel("graph", "import", dangling.toString());
        assertThat(invalid.exit()).as(invalid.err()).isEqualTo(3);
        assertThat(invalid.err()).contains("nothing was stored").doesNotContain("\tat ");

        Result list = keel("graph", "list", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.json()).isEmpty();
    }

    @Test
    void showAndDeleteAnswerExit1ForAnUnknownSnapshot() throws Exception {
        String id = demo("50", "100");
        Result show = keel("graph", "show", id);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains(id).contains("metadata").contains("\"seed\"");

        Result delete = keel("graph", "delete", id);
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("Deleted " + id);

        Result gone = keel("graph", "show", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("there is no graph snapshot " + id);
        assertThat(keel("graph", "delete", id).exit()).isEqualTo(1);
    }

    @Test
    void historyListsANamesVersionsAndPruneKeepsTheNewest() throws Exception {
        Path file = Files.writeString(files.resolve("run.jsonl"), """
                {"snapshot":{"name":"run","algorithm":"bfs"}}
                {"node":{"id":1}}
                {"node":{"id":2,"parent":1}}
                {"edge":{"from":1,"to":2}}
                """);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Result imported = keel("graph", "import", file.toString(), "--json");
            assertThat(imported.exit()).as(imported.err()).isZero();
            ids.add(imported.json().get("id").asText());
        }
        Result history = keel("graph", "history", "run", "--json");
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.json()).hasSize(3);
        assertThat(history.json().get(0).get("version").asInt()).isEqualTo(3);
        assertThat(history.json().get(0).get("id").asText()).isEqualTo(ids.get(2));
        assertThat(history.json().get(2).get("version").asInt()).isEqualTo(1);

        Result prune = keel("graph", "prune", "run", "--keep", "1");
        assertThat(prune.exit()).as(prune.err()).isZero();
        assertThat(prune.out()).contains("Deleted 2 older versions of run");
        Result after = keel("graph", "history", "run");
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(after.out()).contains(ids.get(2)).doesNotContain(ids.get(0)).doesNotContain(ids.get(1));

        Result zero = keel("graph", "prune", "run", "--keep", "0");
        assertThat(zero.exit()).isEqualTo(1);
        assertThat(zero.err()).contains("--keep must be 1 or more, was 0");
        Result unknown = keel("graph", "history", "nobody");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no graph snapshot is named 'nobody'");
    }

    @Test
    void closedPortGivesExit2AndAClearMessageWithinTheTimeout() throws Exception {
        for (String command : List.of("health", "graph list")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--url", "jdbc:postgresql://127.0.0.1:1/nothing", "--timeout", "2"));
            Result r = keel(args.toArray(String[]::new));
            assertThat(r.exit()).as(command).isEqualTo(2);
            assertThat(r.err()).startsWith("keel: ").contains("127.0.0.1:1").doesNotContain("\tat ");
            assertThat(r.took()).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void helpWorksForEveryCommandAndUnknownOptionsAreUserErrors() throws Exception {
        for (String command : List.of("demo", "migrate", "info", "health", "graph", "graph list", "graph show",
                "graph delete", "graph import", "graph export", "graph history", "graph prune", "bench")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            Result help = keel(args.toArray(String[]::new));
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Example");
        }
        Result bad = keel("info", "--no-such-option");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--no-such-option").contains("Try 'keel info --help'");
    }

    @Test
    void benchWithoutTheBenchmarksJarSaysHowToBuildIt() throws Exception {
        Result bench = keel(Map.of("KEEL_BENCHMARKS_JAR", files.resolve("missing.jar").toString()), "bench", "--quick");
        assertThat(bench.exit()).isEqualTo(1);
        assertThat(bench.err()).contains("missing.jar").contains("./mvnw");
    }

    /**
     * The docs commands on one data directory: a hand-written backup of a plain collection and one partitioned by
     * month is restored, listed and queried; a purge drops the partitioned one's expired month; a subject is
     * exported and erased; and a backup shows what is left.
     */
    @Test
    void docsCommandsRestoreListQueryPurgeExportEraseAndBackUp() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(100));
        String aged = uuidV7(old);
        String fresh = uuidV7(Instant.now());
        Path backup = files.resolve("in.jsonl.gz");
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(
                Files.newOutputStream(backup)), StandardCharsets.UTF_8)) {
            w.write("""
                    {"format": "keel-documents", "version": 1, "collections": [
                      {"name": "notes", "count": 2, "subjectField": "owner", "audit": false, "gin": false,
                       "indexes": []},
                      {"name": "events", "count": 2, "retentionSeconds": 86400, "subjectField": "owner", "audit": false,
                       "gin": false, "partitionedByMonth": true, "indexes": []}]}
                    """.replace("\n", " ").strip() + "\n");
            String row = "{\"collection\": \"%s\", \"_id\": \"%s\", \"version\": 1, \"created_at\": \"%s\", "
                    + "\"updated_at\": \"%<s\", \"subject_id\": \"%s\", \"expires_at\": %s, \"document\": %s}\n";
            String now = Instant.now().toString();
            w.write(String.format(row, "notes", "n1", now, "u1", "null", "{\"owner\": \"u1\", \"text\": \"a\"}"));
            w.write(String.format(row, "notes", "n2", now, "u2", "null", "{\"owner\": \"u2\"}"));
            w.write(String.format(row, "events", aged, old, "u2", "\"" + old.plus(Duration.ofDays(1)) + "\"",
                    "{\"owner\": \"u2\", \"op\": \"login\"}"));
            String tomorrow = "\"" + Instant.now().plus(Duration.ofDays(1)) + "\"";
            w.write(String.format(row, "events", fresh, now, "u1", tomorrow,
                    "{\"owner\": \"u1\", \"op\": \"logout\"}"));
            w.write("{\"end\": true, \"total\": 4}\n");
        }
        // On a fresh data directory: restore installs Keel's schema, as graph import does.
        Result restore = keel("docs", "restore", backup.toString(), "--json");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.json().get("notes").asLong()).isEqualTo(2);
        assertThat(restore.json().get("events").asLong()).isEqualTo(2);

        Result list = keel("docs", "list", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        Map<String, String> partitioned = new HashMap<>();
        list.json().forEach(c -> partitioned.put(c.get("name").asText(), c.get("partitioned").asText()));
        assertThat(partitioned).containsEntry("notes", "").containsEntry("events", "by month");

        Result find = keel("docs", "find", "notes", "{\"owner\": \"u1\"}");   // one JSON document a line
        assertThat(find.exit()).as(find.err()).isZero();
        assertThat(find.out()).contains("\"text\"").doesNotContain("u2");

        Result purge = keel("docs", "purge", "--json");
        assertThat(purge.exit()).as(purge.err()).isZero();
        assertThat(purge.json().get("deleted").get("events").asLong()).as(purge.out()).isEqualTo(1);
        assertThat(purge.json().get("complete").asBoolean()).isTrue();

        Path export = files.resolve("u1.jsonl.gz");
        Result exported = keel("docs", "export-subject", "u1", export.toString(), "--json");
        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(exported.json().get("documents").asLong()).isEqualTo(2);
        assertThat(lines(export)).anyMatch(l -> l.contains("logout")).anyMatch(l -> l.contains("\"text\""));

        Result erased = keel("docs", "erase-subject", "u1", "--json");
        assertThat(erased.exit()).as(erased.err()).isZero();
        Result count = keel("docs", "count", "events", "--json");
        assertThat(count.json().get("count").asLong()).as(count.out()).isZero();

        Path out = files.resolve("out.jsonl.gz");
        Result backedUp = keel("docs", "backup", out.toString(), "--json");
        assertThat(backedUp.exit()).as(backedUp.err()).isZero();
        assertThat(backedUp.json().get("notes").asLong()).isEqualTo(1);
        assertThat(backedUp.json().get("events").asLong()).isZero();
        assertThat(lines(out).get(0)).contains("\"partitionedByMonth\":true");
    }

    /** A UUIDv7 whose time is {@code at}. */
    private static String uuidV7(Instant at) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((at.toEpochMilli() << 16) | 0x7000L | r.nextLong(0x1000),
                (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    /** Runs a small demo and returns its snapshot id. */
    private String demo(String nodes, String edges) throws Exception {
        Result demo = keel("demo", "--nodes", nodes, "--edges", edges, "--json");
        assertThat(demo.exit()).as(demo.err()).isZero();
        assertThat(demo.json().get("verified").asBoolean()).isTrue();
        return demo.json().get("snapshotId").asText();
    }

    private static List<String> lines(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The rows after the header line, sorted: the same graph whatever order the store returns rows in. */
    private static List<String> rows(List<String> lines) {
        return lines.subList(1, lines.size()).stream().sorted().toList();
    }
}
