package dev.keel.cli;

import dev.keel.saga.SagaEvent;
import dev.keel.saga.SagaState;
import dev.keel.saga.StepState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How the saga commands show sagas, steps and events: the same names in tables, text and JSON. */
final class SagaFields {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private SagaFields() {
    }

    /** One row of {@code keel saga list}. */
    static Map<String, Object> row(SagaState s, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", s.id().toString());
        row.put("name", s.name());
        row.put("status", s.status().name() + (s.quarantined() ? " (quarantined)" : ""));
        row.put("steps", json ? s.completedSteps() : s.completedSteps() + "/" + s.totalSteps());
        row.put("version", s.version());
        row.put("created", time(s.createdAt(), json));
        row.put("completed", s.completedAt().map(t -> time(t, json)).orElse(json ? null : "-"));
        return row;
    }

    /** Everything {@code keel saga show} prints above the steps. */
    static Map<String, Object> all(SagaState s, boolean json) {
        Map<String, Object> all = row(s, json);
        if (json) {
            all.put("totalSteps", s.totalSteps());
            all.put("quarantined", s.quarantined());
        }
        all.put("updated", time(s.updatedAt(), json));
        all.put("deadline", s.deadline().map(t -> time(t, json)).orElse(json ? null : "-"));
        all.put("idempotencyKey", s.idempotencyKey().orElse(json ? null : "-"));
        all.put("transactionId", s.transactionId().orElse(json ? null : "-"));
        all.put("userId", s.userId().orElse(json ? null : "-"));
        all.put("leaseOwner", s.leaseOwner().orElse(json ? null : "-"));
        all.put("error", s.error().orElse(json ? null : "-"));
        all.put("data", s.dataJson());
        return all;
    }

    static Map<String, Object> step(StepState st, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("index", st.index());
        row.put("name", st.name());
        row.put("status", st.status().name());
        row.put("attempts", st.attempts());
        row.put("completed", st.completedAt().map(t -> time(t, json)).orElse(json ? null : "-"));
        row.put("error", st.error().orElse(json ? null : "-"));
        return row;
    }

    static Map<String, Object> event(SagaEvent e, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("seq", e.seq());
        row.put("at", time(e.at(), json));
        row.put("type", e.type());
        row.put("status", e.status().name());
        row.put("step", e.step().map(Object.class::cast).orElse(json ? null : "-"));
        row.put("attempt", e.attempt().map(Object.class::cast).orElse(json ? null : "-"));
        row.put("runner", e.runner());
        row.put("detail", e.detail().orElse(json ? null : ""));
        return row;
    }

    /** ISO-8601 for scripts, UTC to the second for people. */
    static String time(Instant t, boolean json) {
        return json ? t.toString() : TIME.format(t);
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}, or ISO-8601 ({@code PT24H}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            try {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration; use e.g. 90s, 30m, 24h, 7d "
                        + "or PT24H");
            }
        }
    }
}
