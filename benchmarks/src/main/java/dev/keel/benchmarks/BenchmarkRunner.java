package dev.keel.benchmarks;

import dev.keel.benchmarks.report.Environment;
import dev.keel.benchmarks.report.Figure;
import dev.keel.benchmarks.report.ResultChart;
import dev.keel.benchmarks.report.ResultTable;
import dev.keel.embedded.DatabaseChoice;
import dev.keel.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the JMH suites against one database and reports: a table of rates with errors and ratios on standard
 * output and in a Markdown file, JMH's JSON, a chart and JMH's full log.
 */
@Command(name = "keel-benchmarks", mixinStandardHelpOptions = true, sortOptions = false,
        version = "keel-benchmarks 0.1.0-SNAPSHOT",
        description = {"Measures PostgreSQL write, read and transaction paths: plain JDBC, jOOQ, pgjdbc COPY and Keel.",
                "Runs on an embedded, durable PostgreSQL 17 unless --url (or KEEL_JDBC_URL / DATABASE_URL) names one.",
                "The tables it uses live in the schema 'bench' and are emptied as it goes."})
public final class BenchmarkRunner implements Callable<Integer> {
    @Option(names = "--quick", description = "Fewer, shorter iterations in one JVM, 100k rows as the large size: "
            + "a few minutes, with wide error bars.")
    boolean quick;

    @Option(names = "--url", paramLabel = "JDBC", description = "A jdbc:postgresql:// URL to measure instead of the "
            + "embedded server.")
    String url;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "target/benchmarks/keel-benchmarks.json",
            description = "JMH's JSON results (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(names = "--chart", paramLabel = "FILE", defaultValue = "target/benchmarks/keel-benchmarks.svg",
            description = "The chart, .svg or .png (default: ${DEFAULT-VALUE}).")
    Path chart;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "target/benchmarks/keel-benchmarks.md",
            description = "The environment and table as Markdown (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--include", paramLabel = "REGEX",
            description = "Run only benchmarks whose Class.method name contains a match, e.g. 'Insert.*copy'.")
    String include;

    @Option(names = "--exclude", paramLabel = "REGEX", description = "Leave out benchmarks whose Class.method name contains a match.")
    String exclude;

    @Option(names = "--rows", paramLabel = "N", split = ",",
            description = "Only these load sizes of the plan, e.g. 1000000 (full run: 100, 10000, 1000000; --quick: "
                    + "100, 10000, 100000); leaves out the transaction benchmarks.")
    List<String> rows = new ArrayList<>();

    @Option(names = "--shape", paramLabel = "NAME", split = ",",
            description = "Only these data shapes: nodes, edges, narrow (inserts), graph (GraphStore).")
    List<String> shapes = new ArrayList<>();

    @Option(names = "--paired", description = "Measure the speed targets instead: each target's Keel method and its "
            + "yardstick take turns, load by load, in this JVM (one warm-up round, then --rounds), and the report "
            + "gives the median ratio and its range. Size: the one --rows value (default 1000000; --quick: 100000); "
            + "--shape picks targets (nodes, edges, graph, docs). Report default: target/benchmarks/keel-targets.md.")
    boolean paired;

    @Option(names = "--docs-rows", paramLabel = "N", description = "With --paired, the documents (about 1 KB each) "
            + "of the document targets' collection (default 1000000; --quick: 100000; at least 10000).")
    Integer docsRows;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
            description = "Measured rounds per target with --paired (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--reliability", description = "Run the fault-injection suite instead (lost connections, restarts, "
            + "ambiguous commits, pool exhaustion, a full disk, DDL under cached plans, the SERIALIZABLE bank with "
            + "backends killed, concurrent migrations, hostile input, secrets), long variants included, each on "
            + "embedded PostgreSQL servers of its own (durable). Prints one table; writes --reliability-json and a "
            + "Markdown copy beside it. Exit 1 when a fault test fails.")
    boolean reliability;

    @Option(names = "--reliability-short", description = "With --reliability: the short variants the build runs.")
    boolean reliabilityShort;

    @Option(names = "--reliability-json", paramLabel = "FILE", defaultValue = "target/benchmarks/keel-reliability.json",
            description = "The reliability report as JSON (default: ${DEFAULT-VALUE}).")
    Path reliabilityJson;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** For CI: one load of 100 rows per benchmark, to prove the suite runs; its figures mean nothing. */
    @Option(names = "--smoke", hidden = true)
    boolean smoke;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        System.exit(new CommandLine(new BenchmarkRunner()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            System.err.println("--url must be a jdbc:postgresql:// URL, was " + DatabaseChoice.redact(url));
            return 2;
        }
        for (Path out : List.of(json, chart, report)) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
        }
        if (paired) {
            return paired();
        }
        if (reliability) {
            return reliability();
        }
        RunPlan base = smoke ? RunPlan.smoke() : quick ? RunPlan.quick() : RunPlan.full();
        Path logFile = sibling(json, ".log");
        try (PrintStream logStream = new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8)) {
            RunPlan selected = base.select(include, exclude, rows, shapes,
                    org.openjdk.jmh.runner.format.OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL));
            if (selected.stages().isEmpty()) {
                System.err.println("No benchmark matches --include " + include + " --exclude " + exclude
                    + (rows.isEmpty() ? "" : " --rows " + String.join(",", rows))
                    + (shapes.isEmpty() ? "" : " --shape " + String.join(",", shapes)));
                return 2;
            }
            return withDatabase((jdbcUrl, database) -> run(selected, jdbcUrl, database, logStream, logFile));
        }
    }

    private int reliability() throws Exception {
        if (url != null) {
            System.err.println("--reliability starts, stops and fills servers of its own; it takes no --url");
            return 2;
        }
        if (reliabilityJson.toAbsolutePath().getParent() != null) {
            Files.createDirectories(reliabilityJson.toAbsolutePath().getParent());
        }
        boolean longVariants = !reliabilityShort;
        String loadBefore = loadAverage();
        System.out.println("Running the fault suite (" + (longVariants ? "long" : "short") + " variants) on embedded "
                + "PostgreSQL; load average " + loadBefore + ".");
        long started = System.nanoTime();
        List<ReliabilityReport.Row> rows = ReliabilityReport.run(longVariants, System.out);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String table = ReliabilityReport.markdown(rows);
        String cores = Runtime.getRuntime().availableProcessors() + " cores";
        String summary = String.format(Locale.ROOT, "%s variants, %s, JDK %s, took %s; load average before %s, "
                + "after %s.", longVariants ? "Long" : "Short", cores, System.getProperty("java.version"),
                ReliabilityReport.took(took), loadBefore, loadAverage());
        System.out.println();
        System.out.println(table);
        System.out.println(summary);
        Path md = sibling(reliabilityJson, ".md");
        Files.writeString(md, "## Keel reliability\n\n" + table + "\n" + summary + "\n", StandardCharsets.UTF_8);
        ReliabilityReport.writeJson(reliabilityJson, rows, java.util.Map.of("variants", longVariants ? "long" : "short",
                "took_seconds", took.toSeconds(), "environment", summary));
        System.out.println("Wrote " + reliabilityJson + " and " + md);
        return ReliabilityReport.allPassed(rows) ? 0 : 1;
    }

    /** Resolves the database as the JMH run does and hands it to {@code work}; the embedded server is closed after. */
    private int withDatabase(DatabaseWork work) throws Exception {
        DatabaseChoice choice = DatabaseChoice.resolve(url, "--url", System.getenv(), false, "KEEL_JDBC_URL",
                "DATABASE_URL");
        if (choice.source() == DatabaseChoice.Source.EXPLICIT_URL) {
            return work.run(choice.jdbcUrl(), choice.describe());
        }
        System.err.println("Starting embedded PostgreSQL (durable: fsync and synchronous_commit on)...");
        try (EmbeddedPostgres embedded = EmbeddedPostgres.builder().durable(true).start()) {
            return work.run(embedded.jdbcUrl(), "embedded, localhost, temporary data directory");
        }
    }

    @FunctionalInterface
    private interface DatabaseWork {
        int run(String jdbcUrl, String database) throws Exception;
    }

    private int paired() throws Exception {
        if (rows.size() > 1) {
            System.err.println("--paired measures one size; --rows gave " + String.join(",", rows));
            return 2;
        }
        int n;
        try {
            n = rows.isEmpty() ? (smoke ? 100 : quick ? 100_000 : 1_000_000) : Integer.parseInt(rows.get(0).strip());
        } catch (NumberFormatException e) {
            System.err.println("--rows must be a whole number, was " + rows.get(0));
            return 2;
        }
        List<String> unknown = shapes.stream().filter(s -> !List.of("nodes", "edges", "graph", "docs").contains(s))
                .toList();
        int docs = docsRows != null ? docsRows : smoke ? 10_000 : quick ? 100_000 : 1_000_000;
        if (n < 1 || rounds < 1 || docs < 10_000 || !unknown.isEmpty()) {
            System.err.println(n < 1 ? "--rows must be at least 1" : rounds < 1 ? "--rounds must be at least 1"
                    : docs < 10_000 ? "--docs-rows must be at least 10000"
                    : "--paired targets have the shapes nodes, edges, graph and docs, not "
                    + String.join(",", unknown));
            return 2;
        }
        boolean withDocs = shapes.isEmpty() || shapes.contains("docs");
        boolean withBulk = shapes.isEmpty() || shapes.stream().anyMatch(s -> !s.equals("docs"));
        Path out = spec.commandLine().getParseResult().hasMatchedOption("--report") ? report
                : report.resolveSibling("keel-targets.md");
        int measuredRounds = smoke ? 1 : rounds;
        return withDatabase((jdbcUrl, database) -> {
            TargetDatabase.prepare(jdbcUrl);
            System.setProperty(TargetDatabase.URL_PROPERTY, jdbcUrl);
            String plan = String.format(Locale.ROOT, "paired: %s rows%s, 1 warm-up round and %d measured per "
                    + "target, the two methods alternating in one JVM", withBulk ? ResultTable.size(n) : "no bulk",
                    withDocs ? ", " + ResultTable.size(docs) + " documents" : "", measuredRounds);
            Environment env = Environment.probe(jdbcUrl, database, plan);
            String loadBefore = loadAverage();
            System.out.println("Measuring the speed targets in pairs on " + env.postgres() + " (" + database
                    + (env.nonDurableSettings().isEmpty() ? ", durable" : ", NOT DURABLE: "
                    + String.join(", ", env.nonDurableSettings())) + "); load average " + loadBefore + ".");
            long started = System.nanoTime();
            List<PairedTargets.Result> results = withBulk ? new PairedTargets(n, measuredRounds, shapes,
                    what -> System.out.println("  " + what + " ...")).run() : List.of();
            String documentTable = withDocs ? documentTargets(docs, measuredRounds) : "";
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            StringBuilder md = new StringBuilder("## Keel speed targets\n\n");
            env.lines().forEach(l -> md.append("- ").append(l).append('\n'));
            List<String> notes = new ArrayList<>();
            if (smoke) {
                notes.add("--smoke: one round of tiny loads to prove the targets run. These figures are not "
                        + "measurements.");
            }
            notes.add(String.format(Locale.ROOT, "Run took %d min %02d s; load average before %s, after %s.",
                    took.toMinutes(), took.toSecondsPart(), loadBefore, loadAverage()));
            notes.forEach(w -> md.append("- **").append(w).append("**\n"));
            if (!results.isEmpty()) {
                md.append('\n').append(PairedTargets.render(results, measuredRounds));
            }
            md.append(documentTable.isEmpty() ? "" : "\n" + documentTable);
            System.out.println();
            System.out.println(md);
            Files.writeString(out, md, StandardCharsets.UTF_8);
            System.out.println("Wrote " + out);
            return 0;
        });
    }

    private static String documentTargets(int docs, int rounds) throws Exception {
        DocumentTargets targets = new DocumentTargets(docs, rounds, what -> System.out.println("  " + what + " ..."),
                new org.openjdk.jmh.infra.Blackhole("Today's password is swordfish. I understand instantiating "
                        + "Blackholes directly is dangerous."));
        List<PairedTargets.Result> results = targets.run();
        return DocumentTargets.render(results, targets.rates(), rounds);
    }

    private int run(RunPlan selected, String jdbcUrl, String database, PrintStream logStream, Path logFile)
            throws Exception {
        TargetDatabase.prepare(jdbcUrl);
        System.setProperty(TargetDatabase.URL_PROPERTY, jdbcUrl);
        Environment env = Environment.probe(jdbcUrl, database, selected.description());
        List<String> warnings = warnings();
        String loadBefore = loadAverage();
        System.out.println("Running " + selected.combinations() + " benchmark runs on " + env.postgres() + " ("
                + database + (env.nonDurableSettings().isEmpty() ? ", durable" : ", NOT DURABLE: "
                + String.join(", ", env.nonDurableSettings())) + "); load average " + loadBefore + ". JMH's log: "
                + logFile);
        System.out.println(selected.description());
        warnings.forEach(System.out::println);
        System.out.flush();

        long started = System.nanoTime();
        List<RunResult> results = new ArrayList<>();
        try (ProgressOutput progress = new ProgressOutput(logStream, selected.combinations())) {
            for (RunPlan.Stage stage : selected.stages()) {
                try {
                    results.addAll(new Runner(options(selected, stage, jdbcUrl).build(), progress).run());
                } catch (RunnerException e) {
                    progress.close();
                    System.err.println("\nBenchmark failed in stage '" + stage.name() + "': " + e.getMessage());
                    System.err.println("Last lines of JMH's output (all of it is in " + logFile + "):");
                    progress.recentLines().forEach(l -> System.err.println("  " + l));
                    return 1;
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        List<Figure> figures = results.stream().map(Figure::of).flatMap(java.util.Optional::stream).toList();
        List<String> notes = new ArrayList<>(warnings);
        notes.add(String.format(Locale.ROOT, "Run took %d min %02d s; load average before %s, after %s.",
                took.toMinutes(), took.toSecondsPart(), loadBefore, loadAverage()));
        String table = new ResultTable(figures).render(env, notes);
        System.out.println();
        System.out.println(table);
        Files.writeString(report, table, StandardCharsets.UTF_8);
        try (PrintStream out = new PrintStream(Files.newOutputStream(json), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
        }
        new ResultChart(figures).write(chart, env, notes);
        System.out.println("Wrote " + json + " (JMH JSON), " + chart + " (chart), " + report + " (table), "
                + logFile + " (JMH log)");
        return 0;
    }

    /** The one-minute load average: other work on the machine slows the figures and widens their errors. */
    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "?" : String.format(Locale.ROOT, "%.2f", load);
    }

    private List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (smoke) {
            w.add("--smoke: one load per benchmark to prove the suite runs. These figures are not measurements.");
        } else if (quick) {
            w.add("--quick: few short iterations in one JVM and 100k rows as the large size. The error bars are "
                    + "wide: read these figures as orientation, and quote a full run.");
        }
        if (include != null || exclude != null || !rows.isEmpty() || !shapes.isEmpty()) {
            w.add("Partial run:" + (include != null ? " --include " + include : "")
                    + (exclude != null ? " --exclude " + exclude : "")
                    + (rows.isEmpty() ? "" : " --rows " + String.join(",", rows))
                    + (shapes.isEmpty() ? "" : " --shape " + String.join(",", shapes)) + ".");
        }
        return w;
    }

    private static ChainedOptionsBuilder options(RunPlan plan, RunPlan.Stage stage, String jdbcUrl) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .mode(stage.mode())
                .timeUnit(TimeUnit.MILLISECONDS)
                .forks(plan.forks())
                .warmupIterations(stage.warmups())
                .measurementIterations(stage.measurements())
                .shouldFailOnError(true)
                .timeout(TimeValue.minutes(30))
                .jvmArgsAppend("-D" + TargetDatabase.URL_PROPERTY + "=" + jdbcUrl, "-Xmx2g",
                        "-Djava.awt.headless=true", "-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true");
        if (stage.warmupTime() != TimeValue.NONE) {
            b.warmupTime(stage.warmupTime()).measurementTime(stage.measurementTime());
        }
        for (var e : stage.benchmarks()) {
            b.include("^" + Pattern.quote(e.getUsername()) + "$");
        }
        if (!stage.rows().isEmpty()) {
            b.param("rows", stage.rows().toArray(String[]::new));
        }
        if (!stage.shapes().isEmpty()) {
            b.param("shape", stage.shapes().toArray(String[]::new));
        }
        return b;
    }

    private static Path sibling(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }

}
