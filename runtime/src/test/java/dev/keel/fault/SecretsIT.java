package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.embedded.EmbeddedPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password given in the URL, to the builder or in the environment appears nowhere a person or a log collector
 * could see it: the logs at every level (trace included, for Keel, HikariCP, Flyway, jOOQ and pgjdbc), exception
 * messages and stack traces, toString(), health, the registry and the meters' tags. The server really checks the
 * password (scram-sha-256 for the role), so the password is used and the failure path of a wrong one is exercised.
 * Everything is captured from a child JVM whose loggers all start at trace, then grepped.
 */
class SecretsIT {
    static final String USER = "app_user";
    static final String PASSWORD = "Pw7-sEcReT-91c4e";

    @TempDir
    Path temp;

    @Test
    void thePasswordAppearsInNoLogLineMessageToStringHealthOrMeterTag(TestReporter reporter, TestInfo info)
            throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.ephemeral()) {
            requirePassword(pg);
            Path jul = temp.resolve("logging.properties");
            Files.writeString(jul, """
                    handlers = java.util.logging.ConsoleHandler
                    java.util.logging.ConsoleHandler.level = ALL
                    .level = ALL
                    org.postgresql.level = FINEST
                    """);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java,
                    "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Djava.util.logging.config.file=" + jul,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"));
            for (String logger : List.of("io.zonky", "org.flywaydb", "org.jooq", "com.zaxxer", "dev.keel",
                    "org.postgresql")) {
                cmd.add("-Dorg.slf4j.simpleLogger.log." + logger + "=trace");
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SecretsChild.class.getName(),
                    Integer.toString(pg.port()), USER, PASSWORD));
            Path out = temp.resolve("child.out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("KEEL_JDBC_URL", "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + pg.port()
                    + "/postgres");
            Process p = pb.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
            String text = Files.readString(out);
            Files.createDirectories(Path.of("target", "fault-children"));
            Files.writeString(Path.of("target", "fault-children", "secrets.log"), text.replace(PASSWORD, "<SECRET>"));
            assertThat(p.exitValue()).as("child exit; output in target/fault-children/secrets.log").isZero();

            // the capture holds what it should: debug and trace lines, every surface, every failure
            assertThat(text).contains("DONE", "DEBUG", "FINE:", "HikariConfig", "== url:", "== builder:",
                    "== environment:", "health: HealthStatus", "meter: ", "registry: ", "keel: ");
            assertThat(text).contains("password authentication failed");
            assertThat(text.lines().filter(l -> l.startsWith("== failure")).count()).isGreaterThanOrEqualTo(10);
            assertThat(text).doesNotContain("!! ");
            List<String> leaks = text.lines().filter(l -> l.contains(PASSWORD)
                    || l.contains(URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8))).toList();
            assertThat(leaks).as("lines that show the password").isEmpty();
            long lines = text.lines().count();
            FaultReport.of("11. secrets").figure("lines captured", lines)
                    .figure("failures shown", text.lines().filter(l -> l.startsWith("== failure")).count())
                    .held(reporter, info, "password in no log line (trace), message, stack trace, toString, "
                            + "health, registry or meter tag");
        }
    }

    /** A role that must log in with a password over TCP (scram-sha-256), ahead of the trust rules. */
    private static void requirePassword(EmbeddedPostgres pg) throws Exception {
        try (var c = pg.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
            var rs = s.executeQuery("SHOW hba_file");
            rs.next();
            Path hba = Path.of(rs.getString(1));
            Files.writeString(hba, "host all " + USER + " 127.0.0.1/32 scram-sha-256\nhost all " + USER
                    + " ::1/128 scram-sha-256\n" + Files.readString(hba));
            s.execute("SELECT pg_reload_conf()");
        }
    }
}
