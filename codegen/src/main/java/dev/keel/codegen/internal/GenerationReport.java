package dev.keel.codegen.internal;

import java.util.List;

/** What a generation run did and what each stage cost. */
public record GenerationReport(
        boolean embedded,
        String serverVersion,
        long startMillis,
        long migrateMillis,
        long generateMillis,
        int migrationsApplied,
        long javaFiles,
        boolean usesPostgresExtensions,
        List<String> excludedPartitions,
        List<String> unknownTypeColumns) {

    /** The one INFO line a run prints. */
    public String summary() {
        return String.format("Keel codegen: generated %d Java files from %d migrations on %s PostgreSQL %s in "
                        + "%d ms (start %d ms, migrate %d ms, generate %d ms)%s",
                javaFiles, migrationsApplied, embedded ? "embedded" : "the given", serverVersion,
                startMillis + migrateMillis + generateMillis, startMillis, migrateMillis, generateMillis,
                excludedPartitions.isEmpty() ? "" : "; partitions left out: " + String.join(", ", excludedPartitions));
    }
}
