package dev.keel.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The reliability report: runs the runtime's fault suite ({@code dev.keel.fault}, shipped in this jar as the
 * runtime's test jar) through the JUnit Platform, with the long variants on, and prints one table of what each fault
 * test proved (fault, runs, what held, figures, pass or fail), then writes it as Markdown and JSON. The figures come
 * from the tests themselves (their JUnit report entries), so the table says exactly what the assertions checked.
 */
final class ReliabilityReport {
    static final String FAULT_PACKAGE = "dev.keel.fault";

    /** One row: a fault test's entry, or a test that failed or was skipped before publishing one. */
    record Row(String fault, String runs, String held, String figures, String result, String test) {
    }

    private ReliabilityReport() {
    }

    /** Runs the suite; returns the rows in the order the tests finished. */
    static List<Row> run(boolean longVariants, PrintStream progress) {
        System.setProperty("keel.faults.long", Boolean.toString(longVariants));
        System.setProperty("keel.test.durable", "true");
        Map<String, List<ReportEntry>> entries = new ConcurrentHashMap<>();
        List<Row> rows = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
                entries.computeIfAbsent(test.getUniqueId(), k -> new ArrayList<>()).add(entry);
            }

            @Override
            public void executionStarted(TestIdentifier test) {
                if (test.isTest()) {
                    progress.println("  running " + name(test) + " ...");
                }
            }

            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                if (test.isTest()) {
                    rows.add(new Row(name(test), "0", "", "", "SKIPPED: " + reason, name(test)));
                }
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                String outcome = switch (result.getStatus()) {
                    case SUCCESSFUL -> "PASS";
                    case ABORTED -> "SKIPPED: " + result.getThrowable().map(Throwable::getMessage).orElse("");
                    case FAILED -> "FAIL: " + result.getThrowable().map(ReliabilityReport::firstLine).orElse("");
                };
                List<ReportEntry> published = entries.getOrDefault(test.getUniqueId(), List.of());
                if (published.isEmpty()) {
                    if (test.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        rows.add(new Row(name(test), "0", "", "", outcome, name(test)));
                    }
                    return;
                }
                for (ReportEntry e : published) {
                    Map<String, String> v = e.getKeyValuePairs();
                    rows.add(new Row(v.get("fault"), v.get("runs"), v.get("held"), v.get("figures"), outcome,
                            v.get("test")));
                }
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectPackage(FAULT_PACKAGE))
                .filters(ClassNameFilter.includeClassNamePatterns(".*IT"))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        rows.sort(java.util.Comparator.comparingInt(ReliabilityReport::number)
                .thenComparing(r -> String.valueOf(r.fault())));
        return rows;
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("| fault | runs | what held | figures | result |\n"
                + "|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(cell(r.fault())).append(" | ").append(cell(r.runs())).append(" | ")
                    .append(cell(r.held())).append(" | ").append(cell(r.figures())).append(" | ")
                    .append(cell(r.result())).append(" |\n");
        }
        return md.toString();
    }

    static void writeJson(Path file, List<Row> rows, Map<String, Object> about) throws java.io.IOException {
        Map<String, Object> doc = new LinkedHashMap<>(about);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("fault", r.fault());
            row.put("test", r.test());
            row.put("runs", r.runs());
            row.put("held", r.held());
            Map<String, String> figures = new LinkedHashMap<>();
            if (r.figures() != null && !r.figures().isBlank()) {
                for (String f : r.figures().split("; ")) {
                    int eq = f.indexOf('=');
                    figures.put(eq < 0 ? f : f.substring(0, eq), eq < 0 ? "" : f.substring(eq + 1));
                }
            }
            row.put("figures", figures);
            row.put("passed", "PASS".equals(r.result()));
            row.put("result", r.result());
            out.add(row);
        }
        doc.put("faults", out);
        Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc),
                StandardCharsets.UTF_8);
    }

    static boolean allPassed(List<Row> rows) {
        return !rows.isEmpty()
                && rows.stream().allMatch(r -> r.result().equals("PASS") || r.result().startsWith("SKIPPED"));
    }

    static String took(Duration d) {
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }

    /** The fault's number in the README's Reliability table ("3. …"), rows without one last. */
    private static int number(Row r) {
        String f = r.fault() == null ? "" : r.fault();
        int dot = f.indexOf('.');
        try {
            return dot > 0 ? Integer.parseInt(f.substring(0, dot)) : Integer.MAX_VALUE;
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static String name(TestIdentifier test) {
        return test.getLegacyReportingName();
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).strip();
        int nl = m.indexOf('\n');
        return t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
