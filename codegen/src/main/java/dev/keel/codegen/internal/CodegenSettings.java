package dev.keel.codegen.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one code generation run needs, validated: Flyway locations, the Java package, the schemas to generate,
 * where to write, and optionally a JDBC URL to use instead of the embedded PostgreSQL.
 */
public record CodegenSettings(
        List<String> locations,
        String packageName,
        List<String> schemas,
        Path outputDirectory,
        String jdbcUrl,
        boolean includePartitions) {

    private static final Pattern PACKAGE = Pattern.compile("[a-zA-Z_$][\\w$]*(\\.[a-zA-Z_$][\\w$]*)*");

    public CodegenSettings {
        locations = List.copyOf(Objects.requireNonNull(locations, "migrations"));
        schemas = List.copyOf(Objects.requireNonNull(schemas, "schemas"));
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("migrations: at least one Flyway location is required, "
                    + "e.g. filesystem:src/main/resources/db/migration");
        }
        for (String location : locations) {
            if (!location.startsWith("filesystem:") && !location.startsWith("classpath:")) {
                throw new IllegalArgumentException("migrations: location '" + location
                        + "' must start with filesystem: or classpath:");
            }
        }
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("schemas: at least one PostgreSQL schema is required, e.g. public");
        }
        if (packageName == null || !PACKAGE.matcher(packageName).matches()) {
            throw new IllegalArgumentException("packageName: '" + packageName + "' is not a Java package name");
        }
    }

    /** Splits a comma-separated parameter into trimmed, non-empty parts. */
    public static List<String> split(String commaSeparated) {
        if (commaSeparated == null) {
            return List.of();
        }
        return java.util.Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The schema that Flyway keeps its history table in: the first one listed. */
    public String historySchema() {
        return schemas.get(0);
    }

    /** Everything that changes the generated code, as text for the fingerprint (the URL is left out). */
    String fingerprintText() {
        return "locations=" + locations + "\npackage=" + packageName + "\nschemas=" + schemas
                + "\nincludePartitions=" + includePartitions + "\n";
    }
}
