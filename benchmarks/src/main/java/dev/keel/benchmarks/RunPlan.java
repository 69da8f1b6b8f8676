package dev.keel.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Which benchmarks run, at which sizes, with how many iterations and forks. A full run times many loads per
 * one-second iteration up to 10k rows, and single loads (single shot) at 1M rows, where one load takes seconds.
 *
 * @param description one line for the report
 * @param forks       JVMs per benchmark; 0 runs in the runner's own JVM
 * @param stages      run one after another, each a separate JMH run
 */
public record RunPlan(String description, int forks, List<Stage> stages) {

    static final List<String> SIZED = List.of("InsertBenchmarks", "GraphWriteBenchmarks", "ReadBenchmarks",
            "GraphReadBenchmarks");

    /**
     * @param rows    values of the {@code rows} parameter, or empty for benchmarks without one
     * @param classes simple names of the benchmark classes in this stage
     */
    public record Stage(String name, List<String> classes, List<String> rows, List<String> shapes, Mode mode,
                        int warmups, TimeValue warmupTime, int measurements, TimeValue measurementTime,
                        List<BenchmarkListEntry> benchmarks) {

        Stage withBenchmarks(List<BenchmarkListEntry> selected) {
            return new Stage(name, classes, rows, shapes, mode, warmups, warmupTime, measurements, measurementTime,
                    selected);
        }

        Stage withSizes(List<String> onlyRows, List<String> onlyShapes) {
            return new Stage(name, classes, onlyRows, onlyShapes, mode, warmups, warmupTime, measurements,
                    measurementTime, benchmarks);
        }

        /** Benchmark × parameter combinations: what the progress bar counts. */
        long combinations() {
            long total = 0;
            for (BenchmarkListEntry e : benchmarks) {
                long n = 1;
                Map<String, String[]> params = e.getParams().orElse(Map.of());
                for (Map.Entry<String, String[]> p : params.entrySet()) {
                    if (p.getKey().equals("rows") && !rows.isEmpty()) {
                        n *= rows.size();
                    } else if (p.getKey().equals("shape") && !shapes.isEmpty()) {
                        n *= Arrays.stream(p.getValue()).filter(shapes::contains).count();
                    } else {
                        n *= p.getValue().length;
                    }
                }
                total += n;
            }
            return total;
        }
    }

    /** Forked JVMs, 5 timed iterations of 1 s after 2 of warm-up; 1M rows, 1 warm-up and 3 measured loads. */
    public static RunPlan full() {
        return new RunPlan("full: 1 fork per benchmark; 100 and 10k rows: 2 x 1 s warm-up, 5 x 1 s measured; "
                + "1M rows: 1 warm-up load, 3 measured", 1, List.of(
                small(List.of("100", "10000"), 2, TimeValue.seconds(1), 5, TimeValue.seconds(1)),
                transactions(2, TimeValue.seconds(1), 5, TimeValue.seconds(1)),
                shots("1000000", 1, 3)));
    }

    /**
     * In the runner's JVM, 100k rows as the large size, every size timed as single loads (no timed iterations to
     * fill): a few minutes on 2 cores, with wide error bars.
     */
    public static RunPlan quick() {
        return new RunPlan("quick: no forks; single loads timed: 100 rows 3 warm-up + 10 measured, 10k rows 0 + 3, "
                + "100k rows 0 + 3; transactions 1 x 0.2 s warm-up, 5 x 0.2 s measured", 0, List.of(
                shots("100", 3, 10),
                shots("10000", 0, 3),
                transactions(1, TimeValue.milliseconds(200), 5, TimeValue.milliseconds(200)),
                shots("100000", 0, 3)));
    }

    /** One load of 100 rows per benchmark and a short transaction iteration: proves the suite runs, measures nothing. */
    public static RunPlan smoke() {
        return new RunPlan("smoke: no forks; one load of 100 rows per benchmark; not a measurement", 0, List.of(
                shots("100", 0, 1),
                transactions(0, TimeValue.milliseconds(100), 1, TimeValue.milliseconds(100))));
    }

    private static Stage small(List<String> rows, int warmups, TimeValue wt, int measurements, TimeValue mt) {
        return new Stage("up to 10k rows", SIZED, rows, List.of(), Mode.AverageTime, warmups, wt, measurements, mt, List.of());
    }

    private static Stage transactions(int warmups, TimeValue wt, int measurements, TimeValue mt) {
        return new Stage("transactions", List.of("TransactionBenchmarks"), List.of(), List.of(), Mode.AverageTime, warmups, wt,
                measurements, mt, List.of());
    }

    /** Each iteration is one load, timed alone. */
    private static Stage shots(String rows, int warmups, int measurements) {
        return new Stage(rows + " rows", SIZED, List.of(rows), List.of(), Mode.SingleShotTime, warmups, TimeValue.NONE,
                measurements, TimeValue.NONE, List.of());
    }

    /**
     * The plan with each stage's benchmarks looked up in JMH's generated list and filtered by regular expressions
     * found in the class and method name ({@code InsertBenchmarks.copyBinary}), and narrowed to the given row counts
     * and shapes when those are not empty (then benchmarks without that parameter are left out); stages left with
     * nothing to run are dropped.
     */
    public RunPlan select(String include, String exclude, List<String> onlyRows, List<String> onlyShapes,
                          OutputFormat out) {
        Predicate<String> in = include == null ? s -> true : Pattern.compile(include).asPredicate();
        Predicate<String> ex = exclude == null ? s -> false : Pattern.compile(exclude).asPredicate();
        List<BenchmarkListEntry> all = new ArrayList<>(BenchmarkList.defaultList().getAll(out, List.of()));
        List<Stage> selected = new ArrayList<>();
        for (Stage stage : stages) {
            List<String> rows = stage.rows();
            if (!onlyRows.isEmpty()) {
                rows = rows.stream().filter(onlyRows::contains).toList();
                if (rows.isEmpty()) {
                    continue;
                }
            }
            List<BenchmarkListEntry> mine = all.stream()
                    .filter(e -> stage.classes().contains(simpleClassName(e.getUserClassQName())))
                    .filter(e -> in.test(shortName(e)) && !ex.test(shortName(e)))
                    .filter(e -> onlyShapes.isEmpty() || hasAny(e, "shape", onlyShapes))
                    .sorted()
                    .toList();
            if (onlyShapes.isEmpty()) {
                if (!mine.isEmpty()) {
                    selected.add(stage.withBenchmarks(mine).withSizes(rows, List.of()));
                }
                continue;
            }
            // JMH sets a parameter for every benchmark of a run, so classes with different shapes run apart.
            Map<List<String>, List<BenchmarkListEntry>> byShapes = new LinkedHashMap<>();
            for (BenchmarkListEntry e : mine) {
                List<String> shapes = Arrays.stream(e.getParams().orElse(Map.of()).get("shape"))
                        .filter(onlyShapes::contains).toList();
                byShapes.computeIfAbsent(shapes, k -> new ArrayList<>()).add(e);
            }
            List<String> sizes = rows;
            byShapes.forEach((shapes, entries) -> selected.add(stage.withBenchmarks(entries).withSizes(sizes, shapes)));
        }
        return new RunPlan(description, forks, selected);
    }

    long combinations() {
        return stages.stream().mapToLong(Stage::combinations).sum();
    }

    private static boolean hasAny(BenchmarkListEntry e, String param, List<String> values) {
        String[] declared = e.getParams().orElse(Map.of()).get(param);
        return declared != null && Arrays.stream(declared).anyMatch(values::contains);
    }

    static String shortName(BenchmarkListEntry e) {
        return simpleClassName(e.getUserClassQName()) + e.getUsername().substring(e.getUserClassQName().length());
    }

    private static String simpleClassName(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }
}
