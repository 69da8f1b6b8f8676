package dev.keel.fault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * What a fault test proved, published as a JUnit report entry so that the reliability report
 * ({@code keel-benchmarks --reliability}) and Failsafe's XML both carry it: the fault, how many times it was
 * injected, what held, and the figures measured.
 *
 * <p>The short form of every fault runs in {@code ./mvnw verify}; with the system property
 * {@value #LONG_PROPERTY}{@code =true} (set by the report command) the tests run their long variants: more rows,
 * more restarts, the bank run with backends killed.
 */
public final class FaultReport {
    /** System property that selects the long variants. */
    public static final String LONG_PROPERTY = "keel.faults.long";

    private final String fault;
    private final Map<String, String> figures = new LinkedHashMap<>();
    private int runs = 1;

    private FaultReport(String fault) {
        this.fault = fault;
    }

    /** The fault's name as it appears in the report's first column. */
    public static FaultReport of(String fault) {
        return new FaultReport(fault);
    }

    /** Whether the long variants were asked for. */
    public static boolean isLong() {
        return Boolean.getBoolean(LONG_PROPERTY);
    }

    /** {@code shortValue} in the build's suite, {@code longValue} in the report command. */
    public static int size(int shortValue, int longValue) {
        return isLong() ? longValue : shortValue;
    }

    public FaultReport runs(int n) {
        this.runs = n;
        return this;
    }

    public FaultReport figure(String name, Object value) {
        figures.put(name, value instanceof Duration d ? millis(d) : String.valueOf(value));
        return this;
    }

    /** Publishes the entry; call once the test's assertions have passed, with what they proved. */
    public void held(TestReporter reporter, TestInfo info, String held) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("fault", fault);
        entry.put("runs", Integer.toString(runs));
        entry.put("held", held);
        StringBuilder f = new StringBuilder();
        figures.forEach((k, v) -> f.append(f.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        entry.put("figures", f.toString());
        entry.put("test", info.getTestClass().map(Class::getSimpleName).orElse("?") + "."
                + info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?"));
        reporter.publishEntry(entry);
        System.out.println("[fault] " + fault + " | runs " + runs + " | " + held + " | " + f);
    }

    /** A duration as "123 ms" or "1.23 s". */
    public static String millis(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }
}
