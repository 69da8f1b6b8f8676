package dev.keel.codegen.internal;

import java.util.List;

/** What a generation run did and what each stage cost. */
public record GenerationReport(
        boolean embedded,
        long startMillis,
        long migrateMillis,
        long generateMillis,
        int migrationsApplied,
        List<String> excludedPartitions,
        List<String> unknownTypeColumns) {

    public String summary() {
        return String.format("Generated jOOQ classes: %s %d ms, migrate %d ms (%d migrations), generate %d ms%s",
                embedded ? "embedded PostgreSQL start" : "connect", startMillis, migrateMillis, migrationsApplied,
                generateMillis, excludedPartitions.isEmpty() ? ""
                        : "; partitions left out: " + String.join(", ", excludedPartitions));
    }
}
