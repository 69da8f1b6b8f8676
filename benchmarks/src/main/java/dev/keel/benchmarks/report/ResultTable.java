package dev.keel.benchmarks.report;

import dev.keel.benchmarks.data.Shape;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The run as Markdown: the environment, then per group and table one row per method and one column per size,
 * each cell the rate, its error and the ratio to the group's yardstick measured in the same run.
 */
public final class ResultTable {
    private final List<Figure> figures;

    public ResultTable(List<Figure> figures) {
        this.figures = List.copyOf(figures);
    }

    public String render(Environment env, List<String> warnings) {
        StringBuilder out = new StringBuilder();
        out.append("## Keel benchmarks\n\n");
        env.lines().forEach(l -> out.append("- ").append(l).append('\n'));
        warnings.forEach(w -> out.append("- **").append(w).append("**\n"));
        out.append("\nEach cell: rate, ± the half-width of JMH's 99.9% confidence interval as a share of the mean, "
                + "and in parentheses the ratio to the group's yardstick on the same table and size, from this run.\n");
        for (Method.Group group : List.of(Method.Group.INSERT, Method.Group.READ)) {
            for (String shape : Shape.NAMES) {
                table(out, group, shape);
            }
        }
        transactions(out);
        out.append(new Targets(figures).render());
        if (figures.stream().anyMatch(f -> f.method().name().startsWith("GRAPH_") && f.shape().equals("edges"))) {
            out.append("\nGraphStore on edges saves or loads the n edges plus the n/10 nodes they connect; its rate "
                    + "counts both.\n");
        }
        return out.toString();
    }

    private void table(StringBuilder out, Method.Group group, String shape) {
        List<Figure> mine = figures.stream().filter(f -> f.method().group == group && f.shape().equals(shape)).toList();
        if (mine.isEmpty()) {
            return;
        }
        TreeSet<Integer> sizes = new TreeSet<>();
        mine.forEach(f -> sizes.add(f.rows()));
        out.append("\n### ").append(group.title).append(", ").append(shape).append(": ").append(group.unit)
                .append(" (ratio to ").append(group.yardstick().label.replace(" (yardstick)", "")).append(")\n\n");
        out.append("| method |");
        sizes.forEach(n -> out.append(' ').append(size(n)).append(" rows |"));
        out.append("\n|---|");
        sizes.forEach(n -> out.append("---:|"));
        out.append('\n');
        for (Method m : Method.values()) {
            if (m.group != group || mine.stream().noneMatch(f -> f.method() == m)) {
                continue;
            }
            out.append("| ").append(m.label).append(" |");
            for (int n : sizes) {
                Optional<Figure> f = find(m, shape, n);
                Optional<Figure> base = find(group.yardstick(), shape, n);
                out.append(' ').append(f.map(x -> cell(x, base)).orElse("–")).append(" |");
            }
            out.append('\n');
        }
    }

    private void transactions(StringBuilder out) {
        List<Figure> mine = figures.stream().filter(f -> f.method().group == Method.Group.TRANSACTION).toList();
        if (mine.isEmpty()) {
            return;
        }
        Optional<Figure> base = find(Method.JDBC_COMMIT, "", 0);
        out.append("\n### Transactions, each writing one row: time per transaction (× plain JDBC's time)\n\n");
        out.append("| method | ms per transaction | tx/s |\n|---|---:|---:|\n");
        for (Method m : Method.values()) {
            Optional<Figure> f = find(m, "", 0);
            if (m.group != Method.Group.TRANSACTION || f.isEmpty()) {
                continue;
            }
            Figure x = f.get();
            String ratio = base.map(b -> String.format(Locale.ROOT, " (%.2f×)", x.secondsPerOp() / b.secondsPerOp()))
                    .orElse("");
            out.append("| ").append(m.label).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", x.secondsPerOp() * 1000)).append(' ')
                    .append(error(x)).append(ratio).append(" | ").append(rate(x.rate())).append(" |\n");
        }
    }

    private Optional<Figure> find(Method m, String shape, int rows) {
        return figures.stream().filter(f -> f.method() == m && f.shape().equals(shape) && f.rows() == rows).findFirst();
    }

    private static String cell(Figure f, Optional<Figure> base) {
        String ratio = base.map(b -> String.format(Locale.ROOT, " (%.2f)", f.rate() / b.rate())).orElse("");
        return rate(f.rate()) + " " + error(f) + ratio;
    }

    static String error(Figure f) {
        double e = f.relativeError();
        return Double.isNaN(e) ? "±?" : String.format(Locale.ROOT, "±%.0f%%", e * 100);
    }

    /** Three significant digits with k or M. */
    public static String rate(double r) {
        if (r >= 1e6) {
            return sig(r / 1e6) + "M";
        }
        if (r >= 1e3) {
            return sig(r / 1e3) + "k";
        }
        return sig(r);
    }

    private static String sig(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    public static String size(int n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1000 && n % 1000 == 0) {
            return n / 1000 + "k";
        }
        return Integer.toString(n);
    }
}
