package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.document.AccessLog;
import dev.keel.document.CollectionInfo;
import dev.keel.document.CollectionOptions;
import dev.keel.document.DocumentCollection;
import dev.keel.document.DocumentSettings;
import dev.keel.document.DocumentStore;
import dev.keel.document.PurgeResult;
import dev.keel.document.SubjectErasure;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.StoreContext;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/** The document store on PostgreSQL; see {@link DocumentStore}. Thread-safe. */
public final class PgDocumentStore implements DocumentStore, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgDocumentStore.class);
    /** The actor recorded for export and erasure when the caller names none. */
    static final String SYSTEM_ACTOR = "keel";
    private final DataSource pool;
    private final Session session;
    private final Map<String, CollectionTable> tables = new ConcurrentHashMap<>();
    private final PgAccessLog accessLog;
    private final Subjects subjects;
    private final Retention retention;
    private final Backups backups;
    private final java.util.List<java.util.concurrent.ScheduledExecutorService> schedules =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DocumentSettings settings;
    private final AccessRecorder access;
    private final java.util.concurrent.Future<?> periodicPurge;
    private volatile boolean closed;

    public PgDocumentStore(StoreContext context) {
        this.pool = context.pool();
        this.settings = context.config().documents();
        this.session = Session.pool(pool);
        this.accessLog = new PgAccessLog(pool);
        this.access = new AccessRecorder(accessLog, settings.logsWrites(), settings.logsReads());
        this.subjects = new Subjects(pool);
        this.retention = new Retention(pool, 1000, Duration.ofSeconds(30), Duration.ofSeconds(2),
                settings.accessLogRetention());
        this.backups = new Backups(pool);
        Duration every = settings.purgeInterval();
        this.periodicPurge = every == null ? null : context.workers().submit(() -> {
            purgeLoop(every);
            return null;
        });
    }

    /** Purges every {@code interval} until interrupted (Keel's close cancels it). */
    private void purgeLoop(Duration interval) {
        Thread me = Thread.currentThread();
        String name = me.getName();
        me.setName("keel-docs-purge");
        try {
            while (!closed && !me.isInterrupted()) {
                try {
                    Thread.sleep(interval.toMillis(), interval.toNanosPart() % 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
                purgeOnce(interval);
            }
        } finally {
            me.setName(name);
        }
    }

    private void purgeOnce(Duration interval) {
        try {
            PurgeResult p = purgeExpired();
            if (p.total() > 0) {
                LOG.info("purged {} expired documents: {}", p.total(), p.deleted());
            }
        } catch (RuntimeException e) {
            if (!closed && !Thread.currentThread().isInterrupted()) {
                LOG.warn("scheduled purge failed; next in {}", interval, e);
            }
        }
    }

    @Override
    public <T> DocumentCollection<T> collection(String name, Class<T> type, CollectionOptions options) {
        dev.keel.document.DocumentId.checkCollectionName(name);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        CollectionTable table = new CollectionTable(name, options);
        table.indexDdl(); // validates the index paths before any SQL
        CollectionTable known = tables.get(name);
        if (known == null || known.options() != options) {
            session.atomic("create collection " + name, c -> {
                Catalog.ensure(c, table);
                return null;
            });
            tables.put(name, table);
        }
        return new PgDocumentCollection<>(table, type, session, access);
    }

    @Override
    public <T> DocumentCollection<T> collection(String name, Class<T> type) {
        dev.keel.document.DocumentId.checkCollectionName(name);
        CollectionTable known = tables.get(name);
        if (known != null) {
            return new PgDocumentCollection<>(known, type, session, access);
        }
        CollectionOptions recorded = session.atomic("read catalog", c -> Catalog.options(c, name))
                .orElse(CollectionOptions.defaults());
        return collection(name, type, recorded);
    }

    @Override
    public DocumentCollection<JsonNode> collection(String name) {
        return collection(name, JsonNode.class);
    }

    @Override
    public List<CollectionInfo> collections() {
        return session.atomic("list collections", Catalog::list);
    }

    @Override
    public boolean drop(String name) {
        dev.keel.document.DocumentId.checkCollectionName(name);
        CollectionTable t = new CollectionTable(name, CollectionOptions.defaults());
        boolean existed = session.atomic("drop collection " + name, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + t.qualified());
            }
            return Catalog.remove(c, name);
        });
        tables.remove(name);
        return existed;
    }

    private List<CollectionInfo> withSubjects() {
        return collections().stream().filter(i -> i.subjectField() != null).toList();
    }

    @Override
    public long exportSubject(String subjectId, OutputStream out) {
        Subjects.checkSubject(subjectId);
        Objects.requireNonNull(out, "out");
        return access.recorded("export-subject", null, subjectId,
                () -> subjects.export(subjectId, withSubjects(), out));
    }

    @Override
    public SubjectErasure eraseSubject(String subjectId) {
        Subjects.checkSubject(subjectId);
        String pseudonym = settings.pseudonymKey() == null ? null
                : Subjects.pseudonym(settings.pseudonymKey(), subjectId);
        return access.recorded("erase-subject", null, pseudonym != null ? pseudonym : subjectId,
                () -> subjects.erase(subjectId, access.actor(), withSubjects(), pseudonym));
    }

    @Override
    public AccessLog.Scope actingAs(String actor, String address) {
        return access.actingAs(actor, address);
    }

    @Override
    public PurgeResult purgeExpired() {
        return retention.purge(collections());
    }

    @Override
    public AutoCloseable purgeEvery(Duration interval) {
        if (interval == null || interval.toMillis() < 1) {
            throw new dev.keel.error.InvalidInputException("must be at least 1 ms, was " + interval, "interval");
        }
        java.util.concurrent.ScheduledExecutorService s = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "keel-docs-purge");
                    t.setDaemon(true);
                    return t;
                });
        schedules.add(s);
        s.scheduleWithFixedDelay(() -> {
            try {
                PurgeResult p = purgeExpired();
                if (p.total() > 0) {
                    LOG.info("purged {} expired documents: {}", p.total(), p.deleted());
                }
            } catch (RuntimeException e) {
                LOG.warn("scheduled purge failed; next in {}", interval, e);
            }
        }, interval.toMillis(), interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return () -> {
            s.shutdownNow();
            schedules.remove(s);
        };
    }

    /** Stops scheduled purges; idempotent. */
    @Override
    public void close() {
        closed = true;
        if (periodicPurge != null) {
            periodicPurge.cancel(true);
        }
        schedules.forEach(java.util.concurrent.ScheduledExecutorService::shutdownNow);
        schedules.clear();
    }

    @Override
    public Map<String, Long> backup(OutputStream out, String... names) {
        Objects.requireNonNull(out, "out");
        List<CollectionInfo> all = collections();
        List<CollectionInfo> chosen = all;
        if (names.length > 0) {
            java.util.Set<String> known = new java.util.HashSet<>();
            all.forEach(i -> known.add(i.name()));
            for (String n : names) {
                dev.keel.document.DocumentId.checkCollectionName(n);
                if (!known.contains(n)) {
                    throw new dev.keel.error.InvalidInputException("no such collection: " + n, "collection");
                }
            }
            List<String> wanted = List.of(names);
            chosen = all.stream().filter(i -> wanted.contains(i.name())).toList();
        }
        Map<String, CollectionOptions> options = new java.util.HashMap<>();
        for (CollectionInfo i : chosen) {
            options.put(i.name(), session.atomic("read catalog", c -> Catalog.options(c, i.name()))
                    .orElse(CollectionOptions.defaults()));
        }
        return backups.backup(chosen, options, out);
    }

    @Override
    public Map<String, Long> restore(java.io.InputStream in) {
        Objects.requireNonNull(in, "in");
        Map<String, Long> restored = backups.restore(in);
        tables.clear();
        return restored;
    }

    @Override
    public dev.keel.document.DocumentService service() {
        return new PgDocumentService(this);
    }

    @Override
    public AccessLog accessLog() {
        return accessLog;
    }

    /** For tests and the CLI: runs {@code sql} on a pooled connection. */
    void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw ErrorTranslator.translate("statement", e);
        }
    }
}
