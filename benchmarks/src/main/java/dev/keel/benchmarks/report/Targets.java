package dev.keel.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The speed targets Keel's bulk paths are held to, each a ratio of two figures from the same run at the same size:
 * the largest size both were measured at. A target whose figures are missing from the run is left out.
 */
final class Targets {
    private record Target(String what, double atLeast, Function<Integer, Optional<Double>> ratio) {
    }

    private final List<Figure> figures;

    Targets(List<Figure> figures) {
        this.figures = figures;
    }

    /** The Markdown section, or an empty string when the run measured none of the targets. */
    String render() {
        List<String> rows = new ArrayList<>();
        for (String shape : List.of("nodes", "edges")) {
            add(rows, new Target("Keel bulk COPY ÷ pgjdbc COPY binary, " + shape, 0.95,
                    n -> rateRatio(Method.KEEL_COPY, Method.COPY_BINARY, shape, n)), Method.KEEL_COPY, shape);
        }
        add(rows, new Target("GraphStore.save of n nodes + n edges ÷ pgjdbc COPY binary of the same rows into the "
                + "indexed tables (time of both COPYs ÷ time of the save)", 1.3, this::saveRatio), Method.GRAPH_SAVE,
                "graph");
        for (String shape : List.of("nodes", "edges")) {
            add(rows, new Target("Keel bulk MULTI_ROW ÷ JDBC addBatch of 1,000, " + shape, 1.8,
                    n -> rateRatio(Method.KEEL_MULTI_ROW, Method.JDBC_BATCH, shape, n)), Method.KEEL_MULTI_ROW, shape);
        }
        for (String shape : List.of("nodes", "edges")) {
            add(rows, new Target("GraphStore.load ÷ pgjdbc COPY TO binary, " + shape, 0.9,
                    n -> rateRatio(Method.GRAPH_LOAD, Method.COPY_TO_BINARY, shape, n)), Method.GRAPH_LOAD, shape);
        }
        if (rows.isEmpty()) {
            return "";
        }
        return "\n### Targets: ratios from this run, at the largest size measured\n\n"
                + "| target | rows | ratio | needed | met |\n|---|---:|---:|---:|---|\n" + String.join("", rows);
    }

    private void add(List<String> rows, Target t, Method method, String shape) {
        figures.stream().filter(f -> f.method() == method && f.shape().equals(shape)).map(Figure::rows)
                .sorted((a, b) -> Integer.compare(b, a))
                .flatMap(n -> t.ratio().apply(n).map(r -> row(t, n, r)).stream())
                .findFirst()
                .ifPresent(rows::add);
    }

    private static String row(Target t, int n, double ratio) {
        return String.format(Locale.ROOT, "| %s | %s | %.2f | ≥ %.2f | %s |%n", t.what(), ResultTable.size(n), ratio,
                t.atLeast(), ratio >= t.atLeast() ? "yes" : "**no**");
    }

    private Optional<Double> rateRatio(Method m, Method base, String shape, int n) {
        return find(m, shape, n).flatMap(f -> find(base, shape, n).map(b -> f.rate() / b.rate()));
    }

    private Optional<Double> saveRatio(int n) {
        return find(Method.GRAPH_SAVE, "graph", n).flatMap(save -> find(Method.COPY_BINARY, "nodes", n)
                .flatMap(nodes -> find(Method.COPY_BINARY, "edges", n)
                        .map(edges -> (nodes.secondsPerOp() + edges.secondsPerOp()) / save.secondsPerOp())));
    }

    private Optional<Figure> find(Method m, String shape, int n) {
        return figures.stream().filter(f -> f.method() == m && f.shape().equals(shape) && f.rows() == n).findFirst();
    }
}
