package dev.keel.internal;

import dev.keel.KeelInfo;
import dev.keel.PoolStats;
import dev.keel.error.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every Keel of this JVM, by name: an entry is reserved when {@code build()} starts (STARTING), opened when Keel
 * is ready and removed when it closes. Names are unique among open Keels. Thread-safe.
 */
public final class Registry {
    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>(); // guarded by Registry.class
    private static final AtomicInteger UNNAMED = new AtomicInteger();

    private Registry() {
    }

    /** A name for a Keel built without one: its pool name and a number, unique in this JVM. */
    public static String defaultName(String poolName) {
        return poolName + "#" + UNNAMED.incrementAndGet();
    }

    /** Reserves {@code config.name()}; refused when an open Keel has that name. */
    public static synchronized Entry reserve(KeelConfig config) {
        Entry existing = ENTRIES.get(config.name());
        if (existing != null) {
            throw new InvalidInputException("'" + config.name() + "' is the name of a Keel that is still open (owner "
                    + existing.owner + ", opened at " + existing.openedAt + "); close it or choose another name", "name");
        }
        Entry e = new Entry(config);
        ENTRIES.put(config.name(), e);
        return e;
    }

    /** What every open Keel looks like now, oldest first. */
    public static List<KeelInfo> snapshot() {
        List<Entry> entries;
        synchronized (Registry.class) {
            entries = new ArrayList<>(ENTRIES.values());
        }
        List<KeelInfo> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.info());
        }
        out.sort(Comparator.comparing(KeelInfo::openedAt));
        return List.copyOf(out);
    }

    /** The class that called {@code build()}: the first frame outside Keel's own entry classes. */
    public static String caller() {
        return StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(c -> !c.equals("dev.keel.KeelBuilder") && !c.equals("dev.keel.Keel")
                        && !c.equals(Registry.class.getName()))
                .findFirst().orElse("unknown"));
    }

    /** One Keel's entry; its live parts are read through the suppliers given to {@link #open}. */
    public static final class Entry {
        private final KeelConfig config;
        private final String owner;
        private final Instant openedAt = Instant.now();
        private volatile KeelInfo.State state = KeelInfo.State.STARTING;
        private volatile String database;
        private volatile String serverVersion;
        private volatile Supplier<PoolStats> pool;
        private volatile Supplier<KeelInfo.Listener> listener = () -> null;

        private Entry(KeelConfig config) {
            this.config = config;
            this.owner = config.owner();
            this.pool = () -> new PoolStats(0, 0, 0, 0, config.maxPoolSize());
        }

        /** Keel is ready: from now on the entry reads the pool and listener live. */
        public void open(javax.sql.DataSource dataSource, Supplier<PoolStats> pool,
                         Supplier<KeelInfo.Listener> listener) {
            try (java.sql.Connection c = dataSource.getConnection();
                 java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT current_database(), current_setting('server_version')")) {
                rs.next();
                this.database = rs.getString(1);
                this.serverVersion = rs.getString(2);
            } catch (java.sql.SQLException e) {
                // shown as unknown; the registry must not stop a Keel from starting
            }
            this.pool = pool;
            this.listener = listener;
            this.state = KeelInfo.State.OPEN;
        }

        /** Keel closed (or failed to start): the entry disappears and the name is free again. */
        public void remove() {
            state = KeelInfo.State.CLOSED;
            synchronized (Registry.class) {
                ENTRIES.remove(config.name(), this);
            }
        }

        KeelInfo info() {
            KeelInfo.State s = state;
            PoolStats p = s == KeelInfo.State.CLOSED ? new PoolStats(0, 0, 0, 0, config.maxPoolSize()) : pool.get();
            KeelInfo.Listener l = s == KeelInfo.State.OPEN || s == KeelInfo.State.DEGRADED ? safely(listener) : null;
            if (s == KeelInfo.State.OPEN && (p.waiting() > 0 || (l != null && "RECONNECTING".equals(l.state())))) {
                s = KeelInfo.State.DEGRADED;
            }
            return new KeelInfo(config.name(), DatabaseUrl.redact(config.jdbcUrl()), database, serverVersion, s, owner,
                    openedAt, config.minIdle(), p, l);
        }

        private static KeelInfo.Listener safely(Supplier<KeelInfo.Listener> listener) {
            try {
                return listener.get();
            } catch (IllegalStateException closing) {
                return null;
            }
        }
    }
}
