package dev.keel.codegen.internal;

import dev.keel.embedded.DatabaseChoice;
import dev.keel.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * A PostgreSQL with the migrations applied: the embedded server (started here, stopped on close) unless a JDBC
 * URL is given, in which case that database is migrated and left running. The migrations run as the
 * application's Flyway runs them (see {@link FlywaySettings}); a migration may create its own schemas.
 */
public final class MigratedDatabase implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;
    private final long startMillis;
    private final long migrateMillis;
    private final int migrationsApplied;
    private final List<String> historyTables;
    private final String serverVersion;

    private MigratedDatabase(EmbeddedPostgres embedded, String jdbcUrl, long startMillis, long migrateMillis,
                             int migrationsApplied, List<String> historyTables, String serverVersion) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.startMillis = startMillis;
        this.migrateMillis = migrateMillis;
        this.migrationsApplied = migrationsApplied;
        this.historyTables = historyTables;
        this.serverVersion = serverVersion;
    }

    /**
     * Starts (or connects to) the database and migrates it.
     *
     * @throws MigrationFailure when a migration fails or runs out of time; the database is stopped first
     */
    public static MigratedDatabase start(DatabaseTarget target, FlywaySettings flyway, ClassLoader classLoader,
                                         BuildLog log) {
        long t0 = System.nanoTime();
        DatabaseChoice choice = DatabaseChoice.resolve(target.jdbcUrl(), "jdbcUrl", Map.of(), false);
        EmbeddedPostgres embedded = null;
        String url;
        if (choice.source() == DatabaseChoice.Source.EXPLICIT_URL) {
            url = choice.jdbcUrl();
        } else {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().version(target.version()).shutdownHook(false);
            if (target.binaries() != null) {
                b.binaries(target.binaries());
            }
            embedded = b.start();
            url = embedded.jdbcUrl();
        }
        long t1 = System.nanoTime();
        AtomicReference<String> running = new AtomicReference<>();
        FlywayLog.install(log);
        try (ClosingDataSource dataSource = new ClosingDataSource(url);
             MigrationWatchdog watchdog = new MigrationWatchdog(url, flyway.migrationTimeout())) {
            FluentConfiguration config = flyway.configure(classLoader, dataSource);
            config.callbacks(withTracker(config.getCallbacks(), running));
            Flyway f = config.load();
            int applied;
            try {
                applied = f.migrate().migrationsExecuted;
            } catch (FlywayException e) {
                if (watchdog.fired()) {
                    throw MigrationFailure.hung(running.get(), watchdog.timeout(), watchdog.diagnosis(), e);
                }
                throw MigrationFailure.from(e, embedded == null ? null : embedded.serverVersion());
            }
            long t2 = System.nanoTime();
            List<String> history;
            String version;
            try (Connection c = DriverManager.getConnection(url)) {
                history = historyTables(c, f.getConfiguration().getTable());
                version = c.getMetaData().getDatabaseProductVersion();
            }
            return new MigratedDatabase(embedded, url, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, applied,
                    history, version);
        } catch (SQLException e) {
            closeQuietly(embedded, e);
            throw new IllegalStateException("Cannot read the migrated database: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(embedded, e);
            throw e;
        }
    }

    /** The application's callbacks, plus one that remembers which migration is running. */
    private static Callback[] withTracker(Callback[] existing, AtomicReference<String> running) {
        List<Callback> all = new ArrayList<>(List.of(existing));
        all.add(new Callback() {
            @Override
            public boolean supports(Event event, Context context) {
                return event == Event.BEFORE_EACH_MIGRATE;
            }

            @Override
            public boolean canHandleInTransaction(Event event, Context context) {
                return true;
            }

            @Override
            public void handle(Event event, Context context) {
                if (context.getMigrationInfo() != null) {
                    running.set(context.getMigrationInfo().getScript());
                }
            }

            @Override
            public String getCallbackName() {
                return "keel-migration-tracker";
            }
        });
        return all.toArray(Callback[]::new);
    }

    /** Every {@code schema.table} where Flyway's history table (named {@code table}) ended up. */
    private static List<String> historyTables(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relname = ? AND c.relkind IN ('r', 'p')""")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "." + table);
                }
            }
        }
        return out;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The server's version as it reports it, e.g. {@code 18.1}. */
    public String serverVersion() {
        return serverVersion;
    }

    /** {@code schema.table} of Flyway's history table, wherever the settings put it. */
    public List<String> historyTables() {
        return historyTables;
    }

    public long startMillis() {
        return startMillis;
    }

    public long migrateMillis() {
        return migrateMillis;
    }

    public int migrationsApplied() {
        return migrationsApplied;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    private static void closeQuietly(EmbeddedPostgres embedded, Throwable primary) {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (RuntimeException suppressed) {
                primary.addSuppressed(suppressed);
            }
        }
    }
}
