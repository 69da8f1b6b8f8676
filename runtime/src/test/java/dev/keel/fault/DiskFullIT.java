package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * A tablespace on an 8 MB tmpfs fills up: the write fails with SQLSTATE 53100 (disk full) as a Keel exception that
 * says so, none of it stays, and the database goes on serving reads and other writes. Needs the right to mount
 * (root); skipped otherwise, and when the server's data directory is not on this machine.
 */
@KeelTest
class DiskFullIT {

    @Test
    void aFullTablespaceFailsTheWriteWithDiskFullAndKeepsServing(TestDatabase db, TestReporter reporter, TestInfo info)
            throws Exception {
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).migrate(false).build()) {
            Path dataDir = Path.of((String) keel.dsl().fetchValue("SELECT current_setting('data_directory')"));
            Assumptions.assumeTrue(Files.isDirectory(dataDir),
                    "the server's data directory " + dataDir + " is not on this machine");
            Path mount = Files.createTempDirectory("keel-diskfull");
            mountTmpfs(mount, dataDir);
            try {
                keel.dsl().execute("CREATE TABLESPACE tiny LOCATION '" + mount + "'");
                try {
                    keel.dsl().execute("CREATE TABLE filler (id bigint PRIMARY KEY, pad text) TABLESPACE tiny");
                    keel.dsl().execute("CREATE TABLE elsewhere (id int)");
                    keel.dsl().execute("INSERT INTO filler SELECT g, 'kept' FROM generate_series(1, 500) g");

                    assertThatThrownBy(() -> keel.transaction(tx -> tx.dsl().execute(
                            "INSERT INTO filler SELECT g, repeat(md5(g::text), 30) "
                                    + "FROM generate_series(501, 200000) g")))
                            .isInstanceOfSatisfying(KeelException.class, e -> {
                                assertThat(e.sqlState()).isEqualTo("53100");
                                assertThat(e.getMessage()).contains("[53100]", "No space left on device");
                            });

                    assertThat(count(keel, "SELECT count(*) FROM filler")).as("rows after the failed write")
                            .isEqualTo(500);
                    assertThat(count(keel, "SELECT count(*) FROM filler WHERE pad = 'kept'")).isEqualTo(500);
                    keel.transaction(tx -> tx.dsl().execute("INSERT INTO elsewhere VALUES (1)"));
                    assertThat(count(keel, "SELECT count(*) FROM elsewhere")).isEqualTo(1);
                    assertThat(keel.health().isHealthy()).isTrue();
                    FaultReport.of("6. disk full (8 MB tablespace)").figure("rows checked", 500)
                            .held(reporter, info, "KeelException [53100]; 0 rows of the failed write; reads and "
                                    + "writes elsewhere go on");
                } finally {
                    keel.dsl().execute("DROP TABLE IF EXISTS filler");
                    keel.dsl().execute("DROP TABLE IF EXISTS elsewhere");
                    keel.dsl().execute("DROP TABLESPACE tiny");
                }
            } finally {
                run("umount", mount.toString());
                Files.deleteIfExists(mount);
            }
        }
    }

    private static long count(Keel keel, String sql) {
        return ((Number) keel.dsl().fetchValue(sql)).longValue();
    }

    /** Mounts an 8 MB tmpfs on {@code dir}, owned by whoever owns the server's data directory; skips if refused. */
    private static void mountTmpfs(Path dir, Path dataDir) throws Exception {
        Object uid = Files.getAttribute(dataDir, "unix:uid");
        Object gid = Files.getAttribute(dataDir, "unix:gid");
        String result = run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700,uid=" + uid + ",gid=" + gid,
                "tmpfs", dir.toString());
        if (result != null) {
            Files.deleteIfExists(dir);
            Assumptions.abort("disk-full test skipped: cannot mount a tmpfs here (mounting needs root): " + result);
        }
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command[0] + " did not finish";
        }
        return p.exitValue() == 0 ? null : (out.isEmpty() ? command[0] + " exited " + p.exitValue() : out);
    }
}
