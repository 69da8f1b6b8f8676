package dev.keel.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIT {

    @TempDir
    Path tmp;

    @Test
    void ephemeralServerIsPostgres17AndNotDurable() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.ephemeral()) {
            assertThat(pg.serverVersion()).startsWith("17.");
            assertThat(show(pg, "fsync")).isEqualTo("off");
            assertThat(show(pg, "synchronous_commit")).isEqualTo("off");
            assertThat(pg.isPersistent()).isFalse();
            assertThat(pg.dataDirectory()).isNull();
        }
    }

    @Test
    void persistentServerIsDurableAndKeepsDataAcrossRestarts() throws Exception {
        Path dir = tmp.resolve("data");
        try (EmbeddedPostgres pg = EmbeddedPostgres.persistent(dir)) {
            assertThat(show(pg, "fsync")).isEqualTo("on");
            assertThat(show(pg, "synchronous_commit")).isEqualTo("on");
            exec(pg, "CREATE TABLE kept(v int); INSERT INTO kept VALUES (42)");
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.persistent(dir)) {
            assertThat(query(pg, "SELECT v FROM kept")).isEqualTo("42");
        }
    }

    @Test
    void stalePidFileFromAKilledRunIsHandled() throws Exception {
        Path dir = tmp.resolve("data");
        try (EmbeddedPostgres pg = EmbeddedPostgres.persistent(dir)) {
            exec(pg, "CREATE TABLE kept(v int); INSERT INTO kept VALUES (7)");
        }
        // A pid that is certainly not running, in the format PostgreSQL writes.
        Files.writeString(dir.resolve("postmaster.pid"), "999999\n" + dir + "\n1700000000\n5432\n");
        try (EmbeddedPostgres pg = EmbeddedPostgres.persistent(dir)) {
            assertThat(query(pg, "SELECT v FROM kept")).isEqualTo("7");
        }
    }

    @Test
    void serverOrphanedByAKilledJvmIsStoppedAndTheDataDirectoryReused() throws Exception {
        Path dir = tmp.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PersistentServerMain.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean ready = false;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY")) {
                    ready = true;
                    break;
                }
            }
            assertThat(ready).as("child JVM started its server").isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs, the postmaster is orphaned
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir.resolve("postmaster.pid")).exists();

        try (EmbeddedPostgres pg = EmbeddedPostgres.persistent(dir)) {
            assertThat(query(pg, "SELECT v FROM kept")).isEqualTo("1");
        }
    }

    @Test
    void secondLiveUserOfTheSameDataDirectoryIsRefusedByName() {
        Path dir = tmp.resolve("data");
        try (EmbeddedPostgres pg = EmbeddedPostgres.persistent(dir)) {
            assertThatThrownBy(() -> EmbeddedPostgres.persistent(dir))
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void portThatCannotBeUsedIsNamedInTheError() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            int port = busy.getLocalPort();
            assertThatThrownBy(() -> EmbeddedPostgres.builder().port(port)
                    .startupWait(Duration.ofSeconds(3)).start())
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("port " + port);
        }
    }

    @Test
    void dataDirectoryThatCannotBeInitialisedIsNamedInTheError() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("not-a-cluster"));
        Files.writeString(dir.resolve("someone-elses-file.txt"), "x");
        assertThatThrownBy(() -> EmbeddedPostgres.persistent(dir))
                .isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void dataDirectoryThatIsAFileIsRejected() throws Exception {
        File file = Files.createFile(tmp.resolve("not-a-dir")).toFile();
        assertThatThrownBy(() -> EmbeddedPostgres.builder().dataDirectory(file.toPath()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString());
    }

    static String show(EmbeddedPostgres pg, String setting) throws SQLException {
        return query(pg, "SHOW " + setting);
    }

    static String query(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void exec(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs in a child JVM: starts a persistent server, stores a row, says READY and waits to be killed. */
    public static final class PersistentServerMain {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgres pg = EmbeddedPostgres.persistent(Path.of(args[0]));
            exec(pg, "CREATE TABLE kept(v int); INSERT INTO kept VALUES (1)");
            System.out.println("READY " + List.of(pg.port()));
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }

    @Test
    void aDataDirectoryOfAnotherMajorIsRefusedByName() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("old"));
        Files.writeString(dir.resolve("PG_VERSION"), "15\n");
        assertThatThrownBy(() -> EmbeddedPostgres.persistent(dir))
                .isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining("made by PostgreSQL 15");
    }
}
