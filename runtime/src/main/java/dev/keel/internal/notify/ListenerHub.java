package dev.keel.internal.notify;

import dev.keel.internal.KeelConfig;
import dev.keel.notify.Notification;
import dev.keel.notify.NotificationListener;
import dev.keel.notify.Reconnected;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keel's listener connection and its reading thread. The thread alone touches the connection: it waits for
 * notifications at most {@link #POLL} at a time, sends a heartbeat every {@link #HEARTBEAT}, and the socket
 * timeout ({@link #SOCKET_TIMEOUT}) fails a heartbeat that gets no answer, so a dead network is noticed within
 * {@link #DETECTION_BOUND}. It then reconnects with {@link Backoff}, LISTENs every channel again and tells every
 * listener what window it may have missed. LISTEN and UNLISTEN from other threads are queued to it.
 */
final class ListenerHub implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(100);
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DETECTION_BOUND = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ListenerHub.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    enum State { CONNECTING, CONNECTED, RECONNECTING, CLOSED }

    private record Command(String channel, boolean listen, CompletableFuture<Void> done) { }

    private final KeelConfig config;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private final Map<String, List<PgSubscription>> channels = new TreeMap<>(); // guarded by this
    private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService listeners = Executors.newCachedThreadPool(r -> daemon(r, "keel-notify-"));
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Thread reader;
    private volatile State state = State.CONNECTING;
    private volatile int backendPid;

    ListenerHub(KeelConfig config) {
        this.config = config;
        this.reader = daemon(this::read, "keel-listener-");
        reader.start();
    }

    PgSubscription listen(String channel, NotificationListener listener) {
        PgSubscription sub = new PgSubscription(this, channel, listener, listeners, failures::incrementAndGet);
        boolean first;
        synchronized (this) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("Keel is closed");
            }
            List<PgSubscription> subs = channels.computeIfAbsent(channel, c -> new ArrayList<>());
            first = subs.isEmpty();
            subs.add(sub);
        }
        if (first) {
            send(new Command(channel, true, new CompletableFuture<>()));
        }
        return sub;
    }

    void remove(PgSubscription sub) {
        boolean last;
        synchronized (this) {
            List<PgSubscription> subs = channels.get(sub.channel());
            if (subs == null || !subs.remove(sub)) {
                return;
            }
            last = subs.isEmpty();
            if (last) {
                channels.remove(sub.channel());
            }
        }
        if (last && state != State.CLOSED) {
            send(new Command(sub.channel(), false, new CompletableFuture<>()));
        }
    }

    State state() {
        return state;
    }

    int backendPid() {
        return backendPid;
    }

    long failures() {
        return failures.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    synchronized List<String> channels() {
        return List.copyOf(channels.keySet());
    }

    /**
     * Queues a LISTEN/UNLISTEN and waits until the reading thread has run it, or found the connection down; while
     * it is reconnecting, returns at once.
     */
    private void send(Command c) {
        commands.add(c);
        if (state == State.RECONNECTING) {
            return; // the reconnect LISTENs every channel, and the new listener hears onReconnected then
        }
        try {
            c.done().get(SOCKET_TIMEOUT.toMillis() + config.acquireTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the connection is down: the channel is LISTENed (or not) again when it is back
        }
    }

    private void read() {
        ListenerConnection conn = null;
        Instant lastContact = Instant.now();
        int attempts = 0;
        boolean lost = false;
        while (closing.getCount() > 0) {
            if (conn == null) {
                attempts++;
                try {
                    conn = ListenerConnection.open(config, SOCKET_TIMEOUT);
                    for (String channel : channels()) {
                        conn.listen(channel);
                    }
                    backendPid = conn.backendPid();
                    moveTo(State.CONNECTED);
                    if (lost) {
                        reconnects.incrementAndGet();
                        Reconnected r = new Reconnected(lastContact, Instant.now(), attempts);
                        LOG.info("Listener connection is back after {} attempt(s); notifications between {} and {} "
                                + "may have been missed", attempts, r.from(), r.to());
                        forEach(s -> s.reconnected(r));
                    }
                    lastContact = Instant.now();
                    attempts = 0;
                    lost = false;
                } catch (SQLException | RuntimeException e) {
                    if (conn != null) {
                        conn.close();
                        conn = null;
                    }
                    if (!lost) {
                        lost = true;
                        lostConnection(lastContact, e);
                    }
                    sleep(backoff.delay(attempts));
                    continue;
                }
            }
            try {
                runCommands(conn);
                PGNotification[] received = conn.poll((int) POLL.toMillis());
                for (PGNotification n : received) {
                    dispatch(new Notification(n.getName(), n.getParameter(), n.getPID(), Instant.now()));
                }
                if (received.length > 0) {
                    lastContact = Instant.now();
                }
                if (Duration.between(lastContact, Instant.now()).compareTo(HEARTBEAT) >= 0) {
                    conn.heartbeat();
                    lastContact = Instant.now();
                }
            } catch (SQLException | RuntimeException e) {
                conn.close();
                conn = null;
                lost = true;
                lostConnection(lastContact, e);
            }
        }
        if (conn != null) {
            conn.close();
        }
        commands.forEach(c -> c.done().complete(null));
    }

    private void runCommands(ListenerConnection conn) throws SQLException {
        Command c;
        while ((c = commands.poll()) != null) {
            boolean wanted;
            synchronized (this) {
                wanted = channels.containsKey(c.channel());
            }
            try {
                if (c.listen() && wanted) {
                    conn.listen(c.channel());
                } else if (!c.listen() && !wanted) {
                    conn.unlisten(c.channel());
                }
            } finally {
                c.done().complete(null);
            }
        }
    }

    private void lostConnection(Instant lastContact, Exception cause) {
        moveTo(State.RECONNECTING);
        backendPid = 0;
        commands.forEach(c -> c.done().complete(null)); // callers need not wait: reconnecting LISTENs everything
        if (closing.getCount() > 0) {
            LOG.warn("Listener connection lost (last answer at {}): {}; reconnecting", lastContact, cause.toString());
            forEach(s -> s.connectionLost(lastContact, cause));
        }
    }

    private synchronized void moveTo(State next) {
        if (state != State.CLOSED) {
            state = next;
        }
    }

    private void dispatch(Notification n) {
        List<PgSubscription> subs;
        synchronized (this) {
            List<PgSubscription> current = channels.get(n.channel());
            subs = current == null ? List.of() : List.copyOf(current);
        }
        subs.forEach(s -> s.deliver(n));
    }

    private void forEach(java.util.function.Consumer<PgSubscription> action) {
        List<PgSubscription> all = new ArrayList<>();
        synchronized (this) {
            channels.values().forEach(all::addAll);
        }
        all.forEach(action);
    }

    private void sleep(Duration d) {
        try {
            closing.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing.countDown();
        }
    }

    /** Stops the reading thread (within {@link #POLL}, or the socket timeout mid-heartbeat) and every listener. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            channels.values().forEach(subs -> subs.forEach(PgSubscription::stop));
            channels.clear();
        }
        closing.countDown();
        try {
            reader.join(SOCKET_TIMEOUT.toMillis() + POLL.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listeners.shutdown();
    }

    private static Thread daemon(Runnable r, String prefix) {
        Thread t = new Thread(r, prefix + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
