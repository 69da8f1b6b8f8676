package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * Four processes (JVMs, not threads) start Keel on one empty database at the same moment. Every migration, Keel's
 * and the application's, is applied exactly once, and all four start.
 */
@KeelTest
class ConcurrentMigrationsIT {
    static final int PROCESSES = 4;
    static final int APP_MIGRATIONS = 3;

    @Test
    void fourProcessesStartingAtOnceApplyEachMigrationOnceAndAllStart(TestDatabase db, TestReporter reporter,
            TestInfo info) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "fault-children"));
        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), MigrationChild.class.getName(), db.jdbcUrl())
                        .redirectError(ProcessBuilder.Redirect.appendTo(
                                logs.resolve("migration-" + i + ".log").toFile()))
                        .start();
                children.add(p);
                outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader out : outputs) {
                assertThat(out.readLine()).as("child ready").isEqualTo("READY");
            }
            long go = System.nanoTime();
            for (Process p : children) {
                OutputStream in = p.getOutputStream();
                in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
            long applied = 0;
            for (int i = 0; i < PROCESSES; i++) {
                String line = outputs.get(i).readLine();
                assertThat(line).as("child " + i + " started").startsWith("STARTED ");
                applied += Long.parseLong(line.substring("STARTED ".length()));
                assertThat(children.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(children.get(i).exitValue()).as("child " + i + " exit").isZero();
            }
            long startedAll = System.nanoTime() - go;

            long keelMigrations = value(db,
                    "SELECT count(*) FROM keel.flyway_schema_history WHERE version IS NOT NULL");
            assertThat(value(db, "SELECT count(DISTINCT version) FROM keel.flyway_schema_history "
                    + "WHERE version IS NOT NULL")).isEqualTo(keelMigrations);
            assertThat(value(db, "SELECT count(*) FROM keel.flyway_schema_history WHERE NOT success")).isZero();
            assertThat(keelMigrations).isPositive();
            assertThat(value(db, "SELECT count(*) FROM public.flyway_schema_history WHERE version IS NOT NULL"))
                    .as("application migrations recorded").isEqualTo(APP_MIGRATIONS);
            assertThat(value(db, "SELECT count(DISTINCT version) FROM public.flyway_schema_history "
                    + "WHERE version IS NOT NULL AND success")).isEqualTo(APP_MIGRATIONS);
            assertThat(value(db, "SELECT count(*) FROM ledger")).as("rows the seed migration inserted").isEqualTo(1);
            assertThat(applied).as("migrations applied, summed over the four processes")
                    .isEqualTo(keelMigrations + APP_MIGRATIONS);
            FaultReport.of("9. concurrent migrations (4 JVMs)").runs(PROCESSES)
                    .figure("migrations", keelMigrations + APP_MIGRATIONS).figure("applied in total", applied)
                    .figure("all started after GO", java.time.Duration.ofNanos(startedAll))
                    .held(reporter, info, "each migration applied exactly once; all 4 processes started");
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }
    }

    private static long value(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
