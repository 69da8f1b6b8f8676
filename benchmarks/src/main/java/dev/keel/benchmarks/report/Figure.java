package dev.keel.benchmarks.report;

import dev.keel.benchmarks.data.GraphData;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * One measured figure: a method on a shape and size, as rows (or transactions) per second with its error.
 *
 * @param method       the benchmark method
 * @param shape        nodes, edges or narrow; empty for transactions
 * @param rows         the size parameter (rows per load); 0 for transactions
 * @param rowsPerOp    rows one operation writes or reads (GraphStore on edges also writes the edges' nodes)
 * @param secondsPerOp mean time of one operation
 * @param errorSeconds half-width of JMH's 99.9% confidence interval; NaN with fewer than two samples
 * @param samples      how many measurements the mean is of
 */
public record Figure(Method method, String shape, int rows, long rowsPerOp, double secondsPerOp,
                     double errorSeconds, long samples) {

    /** The figure of a JMH result, or empty for a benchmark this report does not know. */
    public static Optional<Figure> of(RunResult run) {
        String benchmark = run.getParams().getBenchmark();
        Optional<Method> method = Method.ofBenchmark(benchmark);
        if (method.isEmpty()) {
            return Optional.empty();
        }
        String shape = run.getParams().getParam("shape");
        String rowsParam = run.getParams().getParam("rows");
        int rows = rowsParam == null ? 0 : Integer.parseInt(rowsParam);
        long perOp;
        if (method.get().group == Method.Group.TRANSACTION) {
            perOp = 1;
        } else if (method.get().name().startsWith("GRAPH_")) {
            perOp = GraphData.rows(shape, rows);
        } else {
            perOp = rows;
        }
        Result<?> primary = run.getPrimaryResult();
        double toSeconds = secondsPer(primary.getScoreUnit());
        return Optional.of(new Figure(method.get(), shape == null ? "" : shape, rows, perOp,
                primary.getScore() * toSeconds, primary.getScoreError() * toSeconds, primary.getStatistics().getN()));
    }

    /** Rows (or transactions) per second. */
    public double rate() {
        return rowsPerOp / secondsPerOp;
    }

    /** The error as a fraction of the mean; NaN when there is none. */
    public double relativeError() {
        return samples < 2 ? Double.NaN : errorSeconds / secondsPerOp;
    }

    /** The slowest and fastest rate the confidence interval allows. */
    public double rateLow() {
        return Double.isNaN(relativeError()) ? rate() : rowsPerOp / (secondsPerOp + errorSeconds);
    }

    public double rateHigh() {
        if (Double.isNaN(relativeError())) {
            return rate();
        }
        double fastest = secondsPerOp - errorSeconds;
        return fastest <= 0 ? Double.POSITIVE_INFINITY : rowsPerOp / fastest;
    }

    private static double secondsPer(String unit) {
        String u = unit.substring(0, unit.indexOf('/'));
        TimeUnit tu = switch (u) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "us" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "min" -> TimeUnit.MINUTES;
            default -> throw new IllegalArgumentException("unexpected JMH score unit " + unit);
        };
        return tu.toNanos(1) / 1e9;
    }
}
