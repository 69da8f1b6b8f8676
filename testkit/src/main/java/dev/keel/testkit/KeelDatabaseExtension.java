package dev.keel.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The engine behind {@link KeelTest}; see there for what it guarantees. */
public final class KeelDatabaseExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KeelDatabaseExtension.class);
    private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();
    /** How long closed connections' server processes get to exit before they count as left open. */
    private static final Duration LINGER = Duration.ofSeconds(3);

    @Override
    public void beforeAll(ExtensionContext context) {
        TestServer server = server(context);
        KeelTest config = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), KeelTest.class)
                .orElse(null);
        String template = config == null || config.migrations().length == 0 ? null
                : template(server, List.of(config.migrations()), List.of(config.schemas()));
        String name = server.newDatabaseName(context.getRequiredTestClass().getSimpleName());
        server.createDatabase(name, template);
        context.getStore(NS).put(TestDatabase.class, new TestDatabase(server, name));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestDatabase db = database(context);
        List<Throwable> leaked = db.tracking().openConnections();
        List<String> inTransaction = db.server().sessions(db.name(), true);
        db.tracking().closeAll();
        if (!leaked.isEmpty() || !inTransaction.isEmpty()) {
            AssertionFailedError failure = new AssertionFailedError("Test left resources open on " + db.name() + ": "
                    + leaked.size() + " unclosed connection(s) from TestDatabase.dataSource(), "
                    + inTransaction.size() + " open transaction(s)"
                    + (inTransaction.isEmpty() ? "" : ":\n  " + String.join("\n  ", inTransaction)));
            leaked.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        TestDatabase db = context.getStore(NS).remove(TestDatabase.class, TestDatabase.class);
        if (db == null) {
            return;
        }
        // A pool that was just closed has sent its connections' Terminate messages, but their server processes may
        // not have exited yet: give them a moment before calling them leaked.
        List<String> sessions = db.server().sessions(db.name(), false);
        for (long end = System.nanoTime() + LINGER.toNanos(); !sessions.isEmpty() && System.nanoTime() < end; ) {
            Thread.sleep(20);
            sessions = db.server().sessions(db.name(), false);
        }
        db.server().dropDatabase(db.name());
        if (!sessions.isEmpty()) {
            throw new AssertionFailedError("Test class left " + sessions.size() + " connection(s) open on "
                    + db.name() + " (close every pool and Keel instance it made):\n  " + String.join("\n  ", sessions));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestDatabase.class || type == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestDatabase db = database(context);
        return parameter.getParameter().getType() == TestServer.class ? db.server() : db;
    }

    private static TestDatabase database(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            TestDatabase db = c.getStore(NS).get(TestDatabase.class, TestDatabase.class);
            if (db != null) {
                return db;
            }
        }
        throw new ParameterResolutionException("No Keel test database: annotate the class with @KeelTest");
    }

    private static TestServer server(ExtensionContext context) {
        ServerHolder holder = context.getRoot().getStore(NS)
                .getOrComputeIfAbsent(ServerHolder.class, k -> new ServerHolder(), ServerHolder.class);
        return holder.get();
    }

    /** Migrates a template once per JVM for each distinct set of migrations. */
    private static String template(TestServer server, List<String> migrations, List<String> schemas) {
        String key = migrations + "|" + schemas;
        return TEMPLATES.computeIfAbsent(key, k -> {
            String name = server.newDatabaseName("template");
            server.createDatabase(name, null);
            Flyway.configure(KeelDatabaseExtension.class.getClassLoader())
                    .dataSource(server.jdbcUrl(name), null, null)
                    .locations(migrations.toArray(String[]::new))
                    .schemas(schemas.toArray(String[]::new))
                    .createSchemas(true)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            return name;
        });
    }

    /** The JVM's server, started on first use and stopped when the test plan ends. */
    private static final class ServerHolder implements ExtensionContext.Store.CloseableResource {
        private TestServer server;
        private TestAbortedException aborted;

        synchronized TestServer get() {
            if (aborted != null) {
                throw aborted;
            }
            if (server == null) {
                try {
                    server = TestServer.start(System.getenv());
                } catch (TestAbortedException e) {
                    aborted = e;
                    throw e;
                }
            }
            return server;
        }

        @Override
        public synchronized void close() throws Exception {
            if (server != null) {
                for (String template : TEMPLATES.values()) {
                    server.dropDatabase(template);
                }
                TEMPLATES.clear();
                server.close();
            }
        }
    }

}
