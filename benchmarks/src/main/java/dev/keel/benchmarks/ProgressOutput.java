package dev.keel.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's output, kept in a log file, while a progress bar counts benchmark runs on standard error: an animated
 * bar on a terminal, a line every few seconds otherwise (CI logs). The last lines of JMH's output are kept to
 * show when a benchmark fails.
 */
final class ProgressOutput implements OutputFormat, AutoCloseable {
    private static final int KEPT_LINES = 60;

    private final PrintStream logStream;
    private final OutputFormat log;
    private final ProgressBar bar;
    private final Deque<String> recent = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();

    ProgressOutput(PrintStream logStream, long total) {
        this.logStream = logStream;
        this.log = OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL);
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("Benchmarks").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120);
        if (System.console() == null) {
            b.setConsumer(new DelegatingProgressBarConsumer(System.err::println, 120)).setUpdateIntervalMillis(15_000);
        } else {
            b.setUpdateIntervalMillis(500);
        }
        this.bar = b.build();
    }

    /** JMH's last lines of output, for a failure report. */
    List<String> recentLines() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        log.startBenchmark(params);
        bar.setExtraMessage(describe(params));
    }

    @Override
    public void iteration(BenchmarkParams params, IterationParams iteration, int n) {
        log.iteration(params, iteration, n);
        bar.setExtraMessage(describe(params) + " " + iteration.getType().toString().toLowerCase().charAt(0) + n);
    }

    @Override
    public void iterationResult(BenchmarkParams params, IterationParams iteration, int n, IterationResult result) {
        log.iterationResult(params, iteration, n, result);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        log.endBenchmark(result);
        bar.step();
    }

    @Override
    public void startRun() {
        log.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> results) {
        log.endRun(results);
    }

    @Override
    public void print(String s) {
        log.print(s);
        keep(s);
    }

    @Override
    public void println(String s) {
        log.println(s);
        keep(s + "\n");
    }

    @Override
    public void verbosePrintln(String s) {
        log.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        log.write(b);
        keep(String.valueOf((char) b));
    }

    @Override
    public void write(byte[] b) throws IOException {
        log.write(b);
        keep(new String(b));
    }

    @Override
    public void flush() {
        log.flush();
    }

    @Override
    public void close() {
        bar.close();
        log.flush();
        logStream.flush();
    }

    private void keep(String text) {
        synchronized (recent) {
            for (int k = 0; k < text.length(); k++) {
                char c = text.charAt(k);
                if (c == '\n') {
                    recent.addLast(partial.toString());
                    partial.setLength(0);
                    if (recent.size() > KEPT_LINES) {
                        recent.removeFirst();
                    }
                } else {
                    partial.append(c);
                }
            }
        }
    }

    private static String describe(BenchmarkParams params) {
        String name = params.getBenchmark();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1).replace("Benchmarks", "");
        StringBuilder s = new StringBuilder(name);
        for (String key : params.getParamsKeys()) {
            s.append(' ').append(params.getParam(key));
        }
        return s.toString();
    }
}
