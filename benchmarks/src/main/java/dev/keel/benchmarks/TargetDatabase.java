package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.KeelBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database the benchmarks run against. The runner migrates it once ({@link #prepare}) and hands its URL to
 * the benchmark JVMs in the system property {@value #URL_PROPERTY}.
 */
public final class TargetDatabase {
    /** The system property holding the JDBC URL of the database under test. */
    public static final String URL_PROPERTY = "keel.bench.url";

    /**
     * Loads at least this large get a CHECKPOINT before them, so no load pays for an earlier one's WAL. Smaller
     * loads write too little WAL for that to matter, and --quick cannot spare the time.
     */
    static final int CHECKPOINT_FROM_ROWS = 1_000_000;

    private static volatile boolean checkpointRefused;

    private TargetDatabase() {
    }

    public static String url() {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("No database: system property " + URL_PROPERTY + " is not set. "
                    + "Run the benchmarks through the runner: java -jar benchmarks/target/keel-benchmarks.jar");
        }
        return url;
    }

    /** Applies Keel's migrations and the benchmark tables' (schema {@code bench}). */
    public static void prepare(String url) {
        try (Keel keel = Keel.builder().jdbcUrl(url).locations("classpath:db/bench")
                .flyway(c -> c.schemas("bench"))
                .applicationName("keel-benchmarks").build()) {
            keel.health();
        }
    }

    /** A plain pgjdbc connection with autocommit off. */
    static Connection connect() throws SQLException {
        return connect("");
    }

    /** A pgjdbc connection with autocommit off and {@code reWriteBatchedInserts=true}. */
    static Connection connectRewritingBatches() throws SQLException {
        return connect("reWriteBatchedInserts=true");
    }

    private static Connection connect(String extra) throws SQLException {
        String url = url();
        String params = "ApplicationName=keel-benchmarks" + (extra.isEmpty() ? "" : "&" + extra);
        Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + params);
        c.setAutoCommit(false);
        return c;
    }

    /** Keel on the database under test, its schema already migrated by the runner. */
    static Keel keel() {
        return keelBuilder().build();
    }

    static KeelBuilder keelBuilder() {
        return Keel.builder().jdbcUrl(url()).migrate(false).maxPoolSize(4).applicationName("keel-benchmarks");
    }

    /** Empties {@code table} (and, before a large load, checkpoints) and commits. */
    static void empty(Connection c, String table, int rowsToCome) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + table);
        }
        c.commit();
        if (rowsToCome >= CHECKPOINT_FROM_ROWS) {
            checkpoint(c);
        }
    }

    /** Best effort: a server that refuses CHECKPOINT (no pg_checkpoint role) runs without. */
    static void checkpoint(Connection c) throws SQLException {
        if (checkpointRefused) {
            return;
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            checkpointRefused = true;
        } finally {
            c.setAutoCommit(false);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long n = rs.getLong(1);
            c.commit();
            return n;
        }
    }

    /** Fails the benchmark when a method did not write or read exactly the rows it was given. */
    static void expectRows(String what, long expected, long actual) {
        if (expected != actual) {
            throw new IllegalStateException(what + ": " + actual + " rows, expected " + expected
                    + ". A method that loses rows must not be measured.");
        }
    }
}
