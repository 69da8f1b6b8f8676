package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI never prints a password it was given in --url (either URL form) or in the environment: its output, its
 * error reports with --verbose stack traces, and pgjdbc's logs at FINEST (the CLI binds SLF4J to slf4j-nop, so the
 * other libraries' logs go nowhere; the debug level is asked for anyway in case that changes). The server
 * checks the password (scram-sha-256), so it is really used, and a wrong one fails as it would in production.
 */
class CliSecretsIT {
    static final String USER = "cli_user";
    static final String PASSWORD = "Cli-sEcReT-5b2d7";

    @TempDir
    Path temp;

    @Test
    void noCommandShowsThePasswordInItsOutputErrorsOrDebugLogs() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.ephemeral()) {
            try (var c = pg.dataSource().getConnection(); var s = c.createStatement()) {
                s.execute("CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
                var rs = s.executeQuery("SHOW hba_file");
                rs.next();
                Path hba = Path.of(rs.getString(1));
                Files.writeString(hba, "host all " + USER + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
                s.execute("SELECT pg_reload_conf()");
            }
            String jdbc = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=" + USER + "&password="
                    + PASSWORD;
            String uri = "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + pg.port() + "/postgres";
            String wrong = "postgresql://" + USER + ":" + PASSWORD + "x@127.0.0.1:" + pg.port() + "/postgres";
            Path jul = temp.resolve("logging.properties");
            Files.writeString(jul, "handlers = java.util.logging.ConsoleHandler\n"
                    + "java.util.logging.ConsoleHandler.level = ALL\n"
                    + ".level = ALL\n");
            StringBuilder all = new StringBuilder();
            List<List<String>> commands = List.of(
                    List.of("migrate", "--url", jdbc),
                    List.of("info", "--url", uri, "--json"),
                    List.of("info", "--url", wrong, "--verbose"));
            int failures = 0;
            for (List<String> args : commands) {
                int exit = run(all, jul, Map.of(), args);
                failures += exit == 0 ? 0 : 1;
            }
            int envExit = run(all, jul, Map.of("KEEL_JDBC_URL", uri), List.of("info", "--verbose"));
            String text = all.toString();
            Files.writeString(Path.of("target", "cli-secrets.log"), text.replace(PASSWORD, "<SECRET>"));

            assertThat(envExit).as("info from the environment; see target/cli-secrets.log").isZero();
            assertThat(failures).as("the command meant to fail, and only it").isEqualTo(1);
            assertThat(text).contains("FINE: Connecting with URL", "password authentication failed", "Exception");
            assertThat(text.lines().filter(l -> l.contains(PASSWORD)).toList()).as("lines showing the password")
                    .isEmpty();
        }
    }

    private int run(StringBuilder all, Path jul, Map<String, String> env, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Djava.util.logging.config.file=" + jul, "-jar", KeelCliIT.JAR.toString()));
        cmd.addAll(args);
        Path out = Files.createTempFile(temp, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("DATABASE_URL");
        pb.environment().remove("KEEL_JDBC_URL");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("keel " + args + " did not finish");
        }
        all.append("$ keel ").append(args.get(0)).append('\n').append(Files.readString(out)).append('\n');
        return p.exitValue();
    }
}
