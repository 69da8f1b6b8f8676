package dev.keel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.Console;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.JSONB;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a command talks back: {@code --json} for scripts, aligned text for people, and progress bars on stderr
 * when a person is watching (not with {@code --json}, and not when the output goes to a file or a pipe).
 */
final class Output {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code fields} as one JSON object, or as aligned {@code name  value} lines. */
    void fields(Map<String, ?> fields) {
        if (json) {
            out().println(toJson(fields));
        } else {
            int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
            fields.forEach((k, v) -> out().printf("%-" + width + "s  %s%n", k, text(v)));
        }
        out().flush();
    }

    /** Prints {@code value} as JSON, or {@code text} for people. */
    void result(Object value, String text) {
        out().println(json ? toJson(value) : text);
        out().flush();
    }

    /** Prints rows as a JSON array, or as a table with a header line ({@code empty} when there are none). */
    void table(List<? extends Map<String, ?>> rows, String empty) {
        if (json) {
            out().println(toJson(rows));
        } else if (rows.isEmpty()) {
            out().println(empty);
        } else {
            List<String> columns = new ArrayList<>(rows.get(0).keySet());
            int[] width = new int[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                width[c] = columns.get(c).length();
                for (Map<String, ?> row : rows) {
                    width[c] = Math.max(width[c], text(row.get(columns.get(c))).length());
                }
            }
            boolean[] numeric = new boolean[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                numeric[c] = rows.get(0).get(columns.get(c)) instanceof Number;
            }
            printRow(columns.stream().map(Object.class::cast).toList(), numeric, width);
            for (Map<String, ?> row : rows) {
                printRow(columns.stream().<Object>map(row::get).toList(), numeric, width);
            }
        }
        out().flush();
    }

    /** Numbers, and their column's heading, right-aligned; everything else left-aligned. */
    private void printRow(List<Object> cells, boolean[] numeric, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            line.append(c == 0 ? "" : "  ");
            line.append(String.format("%" + (numeric[c] ? "" : "-") + width[c] + "s", text(cells.get(c))));
        }
        out().println(line.toString().stripTrailing());
    }

    /** A progress bar on stderr, or one that shows nothing with {@code --json} or without a terminal. */
    Progress progress(String task, long max, String unit, long unitSize) {
        return json || !interactive() ? Progress.NONE : Progress.bar(task, max, unit, unitSize);
    }

    /**
     * Whether a terminal is attached. Up to JDK 21 {@code System.console()} is null when input or output is
     * redirected; from JDK 22 it always exists and {@code isTerminal()} answers instead.
     */
    private static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(jsonValue(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** JSONB values are embedded as JSON, everything else that Jackson does not know as its string form. */
    private static Object jsonValue(Object value) {
        if (value instanceof JSONB jsonb) {
            try {
                return MAPPER.readTree(jsonb.data());
            } catch (JsonProcessingException e) {
                return jsonb.data();
            }
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, jsonValue(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Output::jsonValue).toList();
        }
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String
                || value instanceof JsonNode) {
            return value;
        }
        return value.toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof JSONB jsonb) {
            return jsonb.data();
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", ((Number) value).longValue());
        }
        return value.toString();
    }
}
