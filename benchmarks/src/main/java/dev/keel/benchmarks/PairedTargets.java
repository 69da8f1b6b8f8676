package dev.keel.benchmarks;

import dev.keel.benchmarks.data.GraphData;
import dev.keel.benchmarks.report.ResultTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The speed targets, measured in pairs. For each target, its Keel method and its yardstick take turns, load by
 * load, in this JVM: one warm-up round, then {@code rounds} measured ones, the order swapped every round. Both
 * methods see the machine at nearly the same moment, so each round's ratio is steady even where the machine's speed
 * drifts over minutes, as it does between JMH's separate forks on a shared virtual machine. The report gives the
 * median ratio and the range over the rounds.
 *
 * <p>The methods are the JMH benchmarks' own, called directly with their set-up and tear-down: the tables are
 * emptied (and checkpointed before large loads) and the stored row counts checked outside the timed part.
 */
final class PairedTargets {
    /** One step of a benchmark's life cycle. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** One timed operation: {@code prepare} and {@code check} run outside the timed part. */
    record Op(Step prepare, Step run, Step check) {
    }

    /** One side of a target: operations whose times add up, and the rows they move in all. */
    record Side(List<Op> ops, long rows) {
        static Side of(long rows, Op... ops) {
            return new Side(List.of(ops), rows);
        }

        double seconds() throws Exception {
            double total = 0;
            for (Op op : ops) {
                op.prepare().run();
                long start = System.nanoTime();
                op.run().run();
                total += (System.nanoTime() - start) / 1e9;
                op.check().run();
            }
            return total;
        }
    }

    /**
     * A measured target.
     *
     * @param ratios each measured round's ratio: Keel's rate over the yardstick's, or for {@code byTime} targets
     *               the yardstick's time over Keel's
     */
    record Result(String what, int rows, double atLeast, double[] ratios, double keelSeconds, double yardstickSeconds) {
        double median() {
            return PairedTargets.median(ratios);
        }
    }

    private final int rows;
    private final int rounds;
    private final List<String> shapes;
    private final Consumer<String> progress;
    private final Blackhole blackhole = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    /**
     * @param shapes   the shapes whose targets to measure (nodes, edges, graph); empty for all
     * @param progress told of each target as it starts
     */
    PairedTargets(int rows, int rounds, List<String> shapes, Consumer<String> progress) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
        }
        this.rows = rows;
        this.rounds = rounds;
        this.shapes = shapes;
        this.progress = progress;
    }

    /** Measures every selected target, one after another, each with its own set-up. */
    List<Result> run() throws Exception {
        List<Result> out = new ArrayList<>();
        for (String shape : List.of("nodes", "edges")) {
            if (selected(shape)) {
                out.add(bulk("Keel bulk COPY ÷ pgjdbc COPY binary, " + shape, 0.95, shape, true));
            }
        }
        if (selected("graph")) {
            out.addAll(new GraphPairedTargets(this, rows, progress).run());
        }
        for (String shape : List.of("nodes", "edges")) {
            if (selected(shape)) {
                out.add(bulk("Keel bulk MULTI_ROW ÷ JDBC addBatch of 1,000, " + shape, 1.8, shape, false));
            }
        }
        for (String shape : List.of("nodes", "edges")) {
            if (selected(shape)) {
                out.add(load(shape));
            }
        }
        return out;
    }

    private boolean selected(String shape) {
        return shapes.isEmpty() || shapes.contains(shape);
    }

    private Result bulk(String what, double atLeast, String shape, boolean copy) throws Exception {
        progress.accept(what);
        InsertBenchmarks b = new InsertBenchmarks();
        b.shape = shape;
        b.rows = rows;
        KeelHandle keel = new KeelHandle();
        b.open();
        keel.start();
        try {
            Side yardstick = Side.of(rows, new Op(b::emptyTable, copy ? b::copyBinary : b::jdbcBatch,
                    b::verifyRowCount));
            Side mine = Side.of(rows, new Op(b::emptyTable, copy ? () -> b.keelCopy(keel) : () -> b.keelMultiRow(keel),
                    b::verifyRowCount));
            return measure(what, atLeast, mine, yardstick, false);
        } finally {
            keel.stop();
            b.close();
        }
    }

    private Result load(String shape) throws Exception {
        String what = "GraphStore.load ÷ pgjdbc COPY TO binary, " + shape;
        progress.accept(what);
        ReadBenchmarks read = new ReadBenchmarks();
        read.shape = shape;
        read.rows = rows;
        GraphReadBenchmarks graph = new GraphReadBenchmarks();
        graph.shape = shape;
        graph.rows = rows;
        read.load();
        graph.save();
        try {
            Step none = () -> { };
            Side yardstick = Side.of(rows, new Op(none, () -> read.copyToBinary(blackhole), none));
            Side mine = Side.of(GraphData.rows(shape, rows), new Op(none, () -> blackhole.consume(graph.graphStoreLoad()),
                    none));
            return measure(what, 0.9, mine, yardstick, false);
        } finally {
            graph.close();
            read.close();
        }
    }

    private Result measure(String what, double atLeast, Side mine, Side yardstick, boolean byTime) throws Exception {
        return measure(what, rows, atLeast, mine, yardstick, byTime);
    }

    /**
     * Measures one target in pairs; {@code rows} is what the table shows, and an {@code atLeast} of NaN marks a
     * figure that is reported, with no target.
     */
    Result measure(String what, int rows, double atLeast, Side mine, Side yardstick, boolean byTime)
            throws Exception {
        return measure(what, rows, rounds, atLeast, mine, yardstick, byTime);
    }

    /** Like {@link #measure(String, int, double, Side, Side, boolean)}, over {@code rounds} measured rounds. */
    static Result measure(String what, int rows, int rounds, double atLeast, Side mine, Side yardstick,
                          boolean byTime) throws Exception {
        double[] ratios = new double[rounds];
        double[] mineSeconds = new double[rounds];
        double[] yardstickSeconds = new double[rounds];
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            double m;
            double y;
            if ((round & 1) == 0) {
                y = yardstick.seconds();
                m = mine.seconds();
            } else {
                m = mine.seconds();
                y = yardstick.seconds();
            }
            if (round >= 0) {
                mineSeconds[round] = m;
                yardstickSeconds[round] = y;
                ratios[round] = byTime ? y / m : (mine.rows() / m) / (yardstick.rows() / y);
            }
        }
        return new Result(what, rows, atLeast, ratios, median(mineSeconds), median(yardstickSeconds));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String duration(double seconds) {
        return seconds < 1 ? String.format(Locale.ROOT, "%.1f ms", seconds * 1e3)
                : String.format(Locale.ROOT, "%.2f s", seconds);
    }

    /** The Markdown table of the results. */
    static String render(List<Result> results, int rounds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "### Targets, measured in pairs: median of %d round%s%n%n", rounds,
                rounds == 1 ? "" : "s"));
        out.append("| target | rows | ratio | range | Keel | yardstick | needed | met |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Result r : results) {
            double[] sorted = r.ratios().clone();
            Arrays.sort(sorted);
            boolean reported = Double.isNaN(r.atLeast());
            out.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f–%.2f | %s | %s | %s | %s |%n",
                    r.what(), ResultTable.size(r.rows()), r.median(), sorted[0], sorted[sorted.length - 1],
                    duration(r.keelSeconds()), duration(r.yardstickSeconds()),
                    reported ? "—" : String.format(Locale.ROOT, "≥ %.2f", r.atLeast()),
                    reported ? "reported" : r.median() >= r.atLeast() ? "yes" : "**no**"));
        }
        out.append("\nKeel and yardstick: the median time of one load. GraphStore on edges loads the n edges plus the n/10 "
                + "nodes they connect; its rate counts both.\n");
        return out.toString();
    }
}
