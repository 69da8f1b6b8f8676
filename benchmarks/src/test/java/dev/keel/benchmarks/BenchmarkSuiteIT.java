package dev.keel.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.benchmarks.report.Method;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs every benchmark once, on 100 rows, through the runner: proves that the suites still compile, find their
 * tables, load and read exactly the rows they should (each benchmark checks its row counts and fails otherwise)
 * and that the reports are written. Nothing here looks at speed.
 */
@KeelTest
class BenchmarkSuiteIT {

    @Test
    void everyBenchmarkRunsOnceAndTheReportsAreWritten(TestDatabase db, @TempDir Path dir) throws Exception {
        Path json = dir.resolve("results.json");
        Path chart = dir.resolve("chart.svg");
        Path report = dir.resolve("results.md");
        Run run = runner("--smoke", "--url", db.jdbcUrl(), "--json", json.toString(), "--chart", chart.toString(),
                "--report", report.toString());
        String out = run.out();

        assertThat(run.exit()).as("runner exit code").isZero();
        String table = Files.readString(report);
        assertThat(out).contains(table.strip().lines().findFirst().orElseThrow());
        for (Method m : Method.values()) {
            assertThat(table).as("a row for " + m).contains("| " + m.label + " |");
        }
        assertThat(table).contains("--smoke").contains("PostgreSQL 17");

        String results = Files.readString(json);
        Matcher benchmarks = Pattern.compile("\"benchmark\"\\s*:").matcher(results);
        int runs = 0;
        while (benchmarks.find()) {
            runs++;
        }
        // 10 insert methods x 3 tables + GraphStore.save x 3 (nodes, edges, graph), 2 reads x 3
        // + 2 GraphStore reads x 2, 4 transactions
        assertThat(runs).as("benchmark runs in the JSON").isEqualTo(33 + 10 + 4);
        assertThat(Files.readString(chart)).contains("<svg").contains("Inserts into graph_nodes");
    }

    @Test
    void theTargetsRunInPairsAndTheReportIsWritten(TestDatabase db, @TempDir Path dir) throws Exception {
        Path report = dir.resolve("targets.md");
        Run run = runner("--paired", "--smoke", "--url", db.jdbcUrl(), "--report", report.toString());

        assertThat(run.exit()).as("runner exit code").isZero();
        String table = Files.readString(report);
        assertThat(table).contains("median of 1 round").contains("--smoke").contains("PostgreSQL 17");
        // COPY x 2, MULTI_ROW x 2, load x 2, graph save x 4, neighbours, khop, and the documents' insertMany,
        // findById, equality x 2, range x 2, updateMany and cursor page: each row ends with its verdict
        assertThat(table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| target"))
                .filter(l -> l.endsWith("| yes |") || l.endsWith("| **no** |"))).hasSize(12 + 8);
        // and checkpoints per second with eight savers, a figure without a target
        assertThat(table.lines().filter(l -> l.startsWith("| Checkpoints/s") && l.endsWith("| — | reported |")))
                .hasSize(1);
    }

    @Test
    void aServerWithoutDurableCommitsIsLabelled(TestDatabase db, @TempDir Path dir) throws Exception {
        String fsync;
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW fsync")) {
            rs.next();
            fsync = rs.getString(1);
        }
        Run run = runner("--smoke", "--url", db.jdbcUrl(), "--include", "InsertBenchmarks.copyBinary",
                "--json", dir.resolve("r.json").toString(), "--chart", dir.resolve("c.png").toString(),
                "--report", dir.resolve("r.md").toString());
        assertThat(run.exit()).isZero();
        String out = run.out();
        if ("off".equals(fsync)) {
            assertThat(out).contains("NOT DURABLE: fsync=off");
        } else {
            assertThat(out).doesNotContain("NOT DURABLE: fsync");
        }
        assertThat(dir.resolve("c.png")).isNotEmptyFile();
    }

    private record Run(int exit, String out) {
    }

    /** Runs the runner in this JVM with its standard output captured, and echoes that output. */
    private static Run runner(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new BenchmarkRunner()).execute(args);
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        stdout.println(out);
        return new Run(exit, out);
    }
}
