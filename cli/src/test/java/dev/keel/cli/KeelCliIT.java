package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar as a user would, each command in its own process. */
class KeelCliIT {
    static final Path JAR = Path.of("target", "keel.jar");

    @TempDir
    Path dataDir;

    record Result(int exit, String out, String err, Duration took) {
    }

    static Result keel(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("DATABASE_URL");
        pb.environment().remove("KEEL_JDBC_URL");
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void migrateThenInfoInASecondProcessSeesTheKeptData() throws Exception {
        Result migrate = keel("migrate", "--data-dir", dataDir.toString());
        assertThat(migrate.exit()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("Applied 1 migration(s)").contains(dataDir.toString());

        Result info = keel("info", "--json", "--data-dir", dataDir.toString());
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.out()).contains("\"keelSchemaVersion\":\"1\"").contains("\"pendingMigrations\":0")
                .contains("\"postgresVersion\":\"17.");

        Result health = keel("health", "--data-dir", dataDir.toString());
        assertThat(health.exit()).isZero();
        assertThat(health.out()).startsWith("HEALTHY");
    }

    @Test
    void closedPortGivesExit2AndAClearMessageWithinTheTimeout() throws Exception {
        Result r = keel("health", "--url", "jdbc:postgresql://127.0.0.1:1/nothing", "--timeout", "2");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("keel: ").contains("127.0.0.1:1").doesNotContain("\tat ");
        assertThat(r.took()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void helpWorksForEveryCommandAndUnknownOptionsAreUserErrors() throws Exception {
        for (String command : List.of("migrate", "info", "health")) {
            Result help = keel(command, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).contains("Example");
        }
        Result bad = keel("info", "--no-such-option");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--no-such-option");
    }
}
