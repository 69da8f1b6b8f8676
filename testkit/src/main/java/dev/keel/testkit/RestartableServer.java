package dev.keel.testkit;

import dev.keel.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An embedded PostgreSQL of a test's own that can be stopped and started again on the same data directory and
 * port, for tests of what clients see while the server is away. Unlike the JVM's shared {@link TestServer}, it is
 * safe to take down. Durable (fsync and synchronous_commit on) unless {@link #durable(boolean)} says otherwise.
 *
 * <p>{@link #stop()} shuts the server down as {@code pg_ctl stop -m fast} does: sessions are ended, committed work
 * is kept. {@link #start()} brings it back on the same port; the data directory is kept until {@link #close()}.
 * Not thread-safe: one test thread drives it.
 */
public final class RestartableServer implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private final Map<String, String> serverConfig = new LinkedHashMap<>();
    private boolean durable = true;
    private EmbeddedPostgres server;

    private RestartableServer(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** A new server on a free port, with a fresh temporary data directory; not yet started. */
    public static RestartableServer create(String hint) {
        try {
            Path dir = Files.createTempDirectory("keel-restartable-" + hint.replaceAll("[^A-Za-z0-9]", "_"));
            try (ServerSocket s = new ServerSocket(0)) {
                return new RestartableServer(dir, s.getLocalPort());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare a restartable server", e);
        }
    }

    /** fsync and synchronous_commit on (the default) or off; takes effect at the next {@link #start()}. */
    public RestartableServer durable(boolean on) {
        this.durable = on;
        return this;
    }

    /** A postgresql.conf setting for every later {@link #start()}. */
    public RestartableServer serverConfig(String name, String value) {
        serverConfig.put(name, value);
        return this;
    }

    /** Starts the server (again); returns how long starting took. */
    public Duration start() {
        if (server != null) {
            throw new IllegalStateException("server on port " + port + " is already running");
        }
        long t0 = System.nanoTime();
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().dataDirectory(dataDirectory).port(port)
                .durable(durable);
        serverConfig.forEach(b::serverConfig);
        server = b.start();
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Stops the server, ending every session; committed work stays in the data directory. */
    public Duration stop() {
        if (server == null) {
            throw new IllegalStateException("server on port " + port + " is not running");
        }
        long t0 = System.nanoTime();
        try {
            server.close();
        } finally {
            server = null;
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    public boolean isRunning() {
        return server != null;
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A JDBC URL for {@code database} as the superuser, valid across restarts. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database + "?user=" + EmbeddedPostgres.SUPERUSER;
    }

    /** Runs SQL as the superuser on {@code database}, on a connection of its own. */
    public void execute(String database, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database)); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** Creates an empty database. */
    public void createDatabase(String name) {
        execute("postgres", "CREATE DATABASE " + TestServer.quote(name));
    }

    /** Stops the server if it runs and removes the data directory. */
    @Override
    public void close() throws IOException {
        try {
            if (server != null) {
                stop();
            }
        } finally {
            deleteTree(dataDirectory);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
