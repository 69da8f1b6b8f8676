package dev.keel.codegen.internal;

import dev.keel.embedded.PostgresVersion;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the migrations are applied: a given JDBC URL (a scratch database), else an embedded PostgreSQL of
 * {@code version}, from the binaries jar {@code binaries} when that version is not the bundled one.
 */
public record DatabaseTarget(String jdbcUrl, PostgresVersion version, Path binaries) {
    public DatabaseTarget {
        Objects.requireNonNull(version, "postgresVersion");
    }

    public static DatabaseTarget embedded() {
        return new DatabaseTarget(null, PostgresVersion.DEFAULT, null);
    }

    public static DatabaseTarget url(String jdbcUrl) {
        return new DatabaseTarget(jdbcUrl, PostgresVersion.DEFAULT, null);
    }

    /** What shapes the generated code: the server's major version (the URL is left out). */
    String fingerprintText() {
        return "postgres=" + (jdbcUrl == null ? version.binariesVersion() : "url") + "\n";
    }
}
