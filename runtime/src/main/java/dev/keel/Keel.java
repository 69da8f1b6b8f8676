package dev.keel;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.keel.internal.EnvironmentConfig;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.HealthProbe;
import dev.keel.internal.KeelConfig;
import dev.keel.internal.MetricsCollector;
import dev.keel.internal.MicrometerBinding;
import dev.keel.internal.Migrator;
import dev.keel.internal.Retrier;
import dev.keel.internal.StartupWait;
import dev.keel.internal.StoreContext;
import dev.keel.internal.Stores;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keel's entry point: a pooled connection to one PostgreSQL database, with migrations applied on start,
 * transactions with savepoints and retry, typed errors, health and metrics.
 *
 * <pre>{@code
 * try (Keel keel = Keel.builder().jdbcUrl(url).maxPoolSize(10).build()) {
 *     keel.transaction(tx -> tx.dsl().insertInto(...).execute());
 * }
 * }</pre>
 *
 * <p>Thread-safe: share one instance per database. {@link #close()} closes the pool and is idempotent.
 *
 * <p><b>Transactions and {@link #dsl()}.</b> Statements through {@link #dsl()} each run in their own
 * auto-committed transaction. Inside a transaction, use {@link Tx#dsl()}: calling {@code keel.dsl()} on a thread
 * that has a transaction open (from {@link #begin()} or a callback) throws {@link IllegalStateException} instead
 * of silently running outside that transaction.
 */
public final class Keel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Keel.class);

    private final KeelConfig config;
    private final HikariDataSource pool;
    private final MetricsCollector metrics = new MetricsCollector();
    private final Retrier retrier;
    private final Settings settings = new Settings().withExecuteLogging(false).withRenderSchema(true);
    private final DSLContext dsl;
    private final ThreadLocal<Tx> current = new ThreadLocal<>();
    private final HealthProbe health;
    private final Runnable unbindMeters;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int migrationsApplied;
    private final dev.keel.internal.bulk.TableShapes tableShapes = new dev.keel.internal.bulk.TableShapes();
    private final dev.keel.internal.Workers workers = new dev.keel.internal.Workers();
    private final Stores stores;
    private final dev.keel.internal.Registry.Entry registration;

    Keel(KeelConfig config, dev.keel.internal.Registry.Entry registration) {
        this.registration = registration;
        this.config = config;
        this.retrier = new Retrier(config.retryPolicy(), config.retryListeners());
        metrics.retriesFrom(retrier::retries);
        Properties props = connectionProperties(config);
        StartupWait.await(config.jdbcUrl(), props, config.startupTimeout());
        int applied = 0;
        if (config.migrate()) {
            PGSimpleDataSource direct = new PGSimpleDataSource();
            direct.setURL(config.jdbcUrl());
            if (config.user() != null) {
                direct.setUser(config.user());
            }
            if (config.password() != null) {
                direct.setPassword(config.password());
            }
            applied = Migrator.migrate(direct, config.extraLocations(), config.userSchema(), config.flyway());
        }
        this.pool = new HikariDataSource(hikari(config, props));
        this.dsl = DSL.using(configuration(new GuardedConnectionProvider()));
        this.health = new HealthProbe(this::dsl, this::poolStats, config.acquireTimeout());
        this.migrationsApplied = applied;
        this.stores = new Stores(new StoreContext(this, pool, config, metrics, retrier, workers));
        this.unbindMeters = bindMeters(config);
        registration.open(pool, this::poolStats, () -> notifications().listenerInfo());
        if (config.documents().purgeInterval() != null) {
            documents(); // the document store starts its periodic purge
        }
        LOG.info("Keel started: {}", config);
    }

    /** A builder for Keel's settings. */
    public static KeelBuilder builder() {
        return new KeelBuilder();
    }

    /**
     * Keel configured from the environment: {@code KEEL_JDBC_URL} or {@code DATABASE_URL} (either URL form),
     * {@code KEEL_DB_MAX_CONNECTIONS}, {@code KEEL_DB_MIN_CONNECTIONS}, {@code KEEL_DB_CONNECTION_TIMEOUT_SECONDS},
     * {@code KEEL_DB_IDLE_TIMEOUT_SECONDS} and {@code KEEL_MIGRATE}.
     */
    public static Keel fromEnvironment() {
        return builderFromEnvironment(System.getenv()).build();
    }

    /** A builder preset from {@code env}, to adjust further before {@code build()}. */
    public static KeelBuilder builderFromEnvironment(Map<String, String> env) {
        KeelBuilder b = builder();
        EnvironmentConfig.apply(env, new EnvironmentConfig.Target() {
            @Override public void url(String url, String variable) { b.url(url, variable); }
            @Override public void maxPoolSize(int n) { b.maxPoolSize(n); }
            @Override public void minIdle(int n) { b.minIdle(n); }
            @Override public void acquireTimeout(Duration d) { b.acquireTimeout(d); }
            @Override public void idleTimeout(Duration d) { b.idleTimeout(d); }
            @Override public void migrate(boolean m) { b.migrate(m); }
            @Override public void problem(String p) { b.problem(p); }
        });
        return b;
    }

    /** Statements outside any transaction, each auto-committed. See the class comment about transactions. */
    public DSLContext dsl() {
        return dsl;
    }

    /** The pool, for libraries that need a DataSource. Connections from it are outside Keel's transactions. */
    public DataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} in a READ COMMITTED transaction; see {@link #transactionResult(TxOptions, TxFunction)}. */
    public void transaction(TxCallback work) {
        transaction(TxOptions.defaults(), work);
    }

    public void transaction(TxOptions options, TxCallback work) {
        transactionResult(options, tx -> {
            work.run(tx);
            return null;
        });
    }

    public <T> T transactionResult(TxFunction<T> work) {
        return transactionResult(TxOptions.defaults(), work);
    }

    /**
     * Runs {@code work} in a transaction: commits when it returns, rolls back when it throws. A retryable
     * conflict (serialization failure, deadlock, lock not available) re-runs the whole callback under the retry
     * policy; a commit whose outcome is unknown is re-run only when {@code options.idempotent()}. Runtime
     * exceptions and errors from {@code work} are rethrown as they are (database ones as {@link KeelException}s);
     * checked exceptions are wrapped in a {@link KeelException}.
     */
    public <T> T transactionResult(TxOptions options, TxFunction<T> work) {
        return retrier.call("transaction", options.idempotent(), () -> {
            try (Tx tx = begin(options)) {
                T result;
                try {
                    result = work.apply(tx);
                } catch (Throwable t) {
                    throw propagate("transaction", t);
                }
                tx.commit();
                return result;
            }
        });
    }

    /** Starts a READ COMMITTED read-write transaction; close it, committing first if the work should stay. */
    public Tx begin() {
        return begin(TxOptions.defaults());
    }

    public Tx begin(TxOptions options) {
        ensureOpen();
        if (current.get() != null) {
            throw new IllegalStateException("A transaction is already open on this thread; use tx.nested(...) "
                    + "or a savepoint for nested work");
        }
        Connection c = acquire("begin transaction");
        try {
            c.setAutoCommit(false);
            if (options.isolation() != TxOptions.Isolation.READ_COMMITTED) {
                // The pool sets READ COMMITTED on each new connection and restores it on return, so only another
                // level costs the round trip of pgjdbc's SET SESSION CHARACTERISTICS.
                c.setTransactionIsolation(options.isolation().jdbcLevel);
            }
            c.setReadOnly(options.readOnly());
        } catch (SQLException e) {
            closeQuietly(c);
            throw ErrorTranslator.translate("begin transaction", e);
        }
        Tx tx = new Tx(this, c, DSL.using(configuration(new org.jooq.impl.DefaultConnectionProvider(c))));
        current.set(tx);
        return tx;
    }

    /**
     * A bulk writer for {@code table}, a table of the generated classes (or any jOOQ table); see
     * {@link BulkWriter}.
     */
    public <R extends org.jooq.TableRecord<R>> BulkWriter<R> bulk(org.jooq.Table<R> table) {
        ensureOpen();
        return new BulkWriter<>(this, java.util.Objects.requireNonNull(table, "table"));
    }

    /** The graph snapshot store. */
    public dev.keel.graph.GraphStore graphs() {
        ensureOpen();
        return stores.get(dev.keel.graph.GraphStore.class, dev.keel.internal.graph.PgGraphStore::new);
    }

    /** The durable saga store; see {@link dev.keel.saga.SagaStore}. */
    public dev.keel.saga.SagaStore sagas() {
        ensureOpen();
        return stores.get(dev.keel.saga.SagaStore.class, dev.keel.internal.saga.PgSagaStore::new);
    }

    /**
     * Listens on {@code channel} on Keel's one dedicated listener connection (outside the pool); see
     * {@link dev.keel.notify.NotificationListener} for how the listener is called and {@link dev.keel.notify.Reconnected}
     * for what a reconnect means. Returns once the LISTEN is in effect (or the connection is found down, in which
     * case the listener hears {@code onReconnected} when it is back). Close the subscription to stop.
     *
     * @param channel letters, digits and {@code _}, not starting with a digit, at most 63 characters; case matters
     */
    public dev.keel.notify.Subscription listen(String channel, dev.keel.notify.NotificationListener listener) {
        return notifications().listen(channel, listener);
    }

    /**
     * Sends {@code payload} (at most 7999 bytes in UTF-8, else an {@link dev.keel.error.InvalidInputException}) on
     * {@code channel}, in a transaction of its own. PostgreSQL delivers it to every session listening when it
     * commits, between their transactions; inside a transaction use {@link Tx#notify(String, String)}.
     */
    public void notify(String channel, String payload) {
        notifications().notify(channel, payload);
    }

    /** The durable change feed of {@code channel} (at most 50 characters); see {@link dev.keel.notify.ChangeFeed}. */
    public dev.keel.notify.ChangeFeed changes(String channel) {
        return notifications().changes(channel);
    }

    /** Every open Keel of this JVM, oldest first, as it is now; see {@link KeelInfo}. */
    public static java.util.List<KeelInfo> registry() {
        return dev.keel.internal.Registry.snapshot();
    }

    private dev.keel.internal.notify.PgNotifications notifications() {
        ensureOpen();
        return stores.get(dev.keel.internal.notify.PgNotifications.class, dev.keel.internal.notify.PgNotifications::new);
    }

    /** The document collections: JSONB collections with MongoDB's query language. */
    public dev.keel.document.DocumentStore documents() {
        ensureOpen();
        return stores.get(dev.keel.document.DocumentStore.class, dev.keel.internal.document.PgDocumentStore::new);
    }

    /**
     * How many migrations (Keel's and the application's) this instance applied while starting: 0 when the schema
     * was already current, when another process applied them first, or with {@code migrate(false)}.
     */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    /** Checks the database now (bounded by the acquire timeout); never throws. */
    public HealthStatus health() {
        return health.check();
    }

    /**
     * Checks health every {@code interval} on a daemon thread and tells {@code listener} when the state changes.
     * Close the returned handle to stop; closing Keel stops it too.
     */
    public AutoCloseable monitorHealth(Duration interval, HealthListener listener) {
        return health.monitor(interval, listener);
    }

    /**
     * Counters since start. For Micrometer, give the registry to {@link KeelBuilder#meterRegistry(Object)} or bind
     * a {@link dev.keel.metrics.KeelMeterBinder}.
     */
    public KeelMetrics metricsSnapshot() {
        return metrics.snapshot(poolStats());
    }

    public PoolStats poolStats() {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        if (mx == null) {
            return new PoolStats(0, 0, 0, 0, config.maxPoolSize());
        }
        return new PoolStats(mx.getActiveConnections(), mx.getIdleConnections(), mx.getTotalConnections(),
                mx.getThreadsAwaitingConnection(), config.maxPoolSize());
    }

    dev.keel.internal.Workers workers() {
        return workers;
    }

    dev.keel.internal.bulk.TableShapes tableShapes() {
        return tableShapes;
    }

    MetricsCollector metrics() {
        return metrics;
    }

    KeelConfig config() {
        return config;
    }

    /** Whether this thread has a transaction of this Keel open. */
    boolean hasOpenTransaction() {
        return current.get() != null;
    }

    void unbind(Tx tx) {
        if (current.get() == tx) {
            current.remove();
        }
    }

    /** Closes the pool; idempotent. Transactions still open are rolled back by the database. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            registration.remove();
            try {
                stores.close();
            } finally {
                health.close();
                unbindMeters.run();
                workers.close();
                pool.close();
            }
        }
    }

    /** Keel's meters, when the builder was given a registry; Micrometer is touched only then. */
    private Runnable bindMeters(KeelConfig config) {
        if (config.meterRegistry() == null) {
            return () -> { };
        }
        try {
            return MicrometerBinding.bind(this, config.meterRegistry(), config.poolName());
        } catch (RuntimeException | LinkageError e) {
            health.close();
            workers.close();
            pool.close();
            throw e;
        }
    }

    Connection acquire(String operation) {
        ensureOpen();
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw ErrorTranslator.translate(operation, e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Keel is closed");
        }
    }

    private DefaultConfiguration configuration(ConnectionProvider provider) {
        DefaultConfiguration c = new DefaultConfiguration();
        c.set(provider);
        c.set(SQLDialect.POSTGRES);
        c.set(settings);
        c.set(new DefaultExecuteListenerProvider(metrics), new DefaultExecuteListenerProvider(new TranslatingListener()));
        return c;
    }

    static RuntimeException propagate(String operation, Throwable t) {
        return ErrorTranslator.propagate(operation, t);
    }

    private static Properties connectionProperties(KeelConfig config) {
        Properties p = new Properties();
        if (config.user() != null) {
            p.setProperty("user", config.user());
        }
        if (config.password() != null) {
            p.setProperty("password", config.password());
        }
        p.setProperty("ApplicationName", config.applicationName());
        p.setProperty("connectTimeout", Long.toString(Math.max(1, config.acquireTimeout().toSeconds())));
        if (!config.socketTimeout().isZero()) {
            long ms = config.socketTimeout().toMillis();
            p.setProperty("socketTimeout", Long.toString((ms + 999) / 1000));
        }
        return p;
    }

    private static HikariConfig hikari(KeelConfig config, Properties props) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(config.poolName());
        if (config.meterRegistry() != null) {
            // Hikari takes a tracker only before its pool starts (see KeelBuilder.meterRegistry).
            h.setMetricsTrackerFactory(MicrometerBinding.poolTracker(config.meterRegistry()));
        }
        h.setJdbcUrl(config.jdbcUrl());
        h.setDataSourceProperties(props);
        h.setMaximumPoolSize(config.maxPoolSize());
        h.setMinimumIdle(config.minIdle());
        h.setConnectionTimeout(config.acquireTimeout().toMillis());
        h.setIdleTimeout(config.idleTimeout().toMillis());
        h.setMaxLifetime(config.maxLifetime().toMillis());
        h.setLeakDetectionThreshold(config.leakDetectionThreshold().toMillis());
        h.setInitializationFailTimeout(-1);
        h.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (!config.statementTimeout().isZero()) {
            h.setConnectionInitSql("SET statement_timeout = " + config.statementTimeout().toMillis());
        }
        return h;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    /** keel.dsl()'s connections: refused on a thread that has a transaction open, so work cannot escape it. */
    private final class GuardedConnectionProvider implements ConnectionProvider {
        @Override
        public Connection acquire() {
            if (current.get() != null) {
                throw new IllegalStateException("keel.dsl() was used on a thread with an open transaction; "
                        + "use tx.dsl() so the statement runs inside that transaction");
            }
            return Keel.this.acquire("statement");
        }

        @Override
        public void release(Connection connection) {
            closeQuietly(connection);
        }
    }

    /** Turns jOOQ's DataAccessExceptions into Keel's typed exceptions as they leave a statement. */
    private static final class TranslatingListener implements org.jooq.ExecuteListener {
        private static final long serialVersionUID = 1L;

        @Override
        public void exception(org.jooq.ExecuteContext ctx) {
            RuntimeException e = ctx.exception();
            if (e == null || e instanceof KeelException) {
                return;
            }
            if (ErrorTranslator.isForeign(e)) {
                return; // not a database error, e.g. keel.dsl() refused inside a transaction
            }
            if (e.getCause() instanceof RuntimeException own && ErrorTranslator.isForeign(own)) {
                ctx.exception(own);
            } else {
                ctx.exception(ErrorTranslator.translate(ctx.sql() == null ? "statement" : firstWords(ctx.sql()), e));
            }
        }

        private static String firstWords(String sql) {
            String s = sql.strip();
            return s.length() > 60 ? s.substring(0, 60) + "…" : s;
        }
    }
}
