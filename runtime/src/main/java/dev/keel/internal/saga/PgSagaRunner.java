package dev.keel.internal.saga;

import dev.keel.Keel;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.StoreContext;
import dev.keel.internal.db.tables.records.SagasRecord;
import dev.keel.saga.SagaDefinition;
import dev.keel.saga.SagaRunner;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SagaRunner}: one dispatcher thread claims sagas (up to twice as many as there are workers, so the next
 * one is waiting when a worker frees up) and renews the leases of those in hand; {@code workers} threads each run one
 * {@link SagaExecution} at a time. A claimed saga still waiting for a worker when the runner stops is handed back
 * without running. While the database does not answer, the
 * dispatcher backs off (100 ms doubling to 5 s) and the workers drop what they hold; nothing uncommitted is lost,
 * because it runs again from its last commit.
 */
final class PgSagaRunner implements SagaRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PgSagaRunner.class);
    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final String HOST = host();

    private final StoreContext context;
    private final SagaDefinition<?> def;
    private final Set<PgSagaRunner> registry;
    private final String owner;
    private int workers = 1;
    private Duration lease = Duration.ofSeconds(10);
    private Duration poll = Duration.ofMillis(250);
    private int maxRecoveries = 10;
    private boolean twice;

    private final Map<UUID, SagaExecution<?>> inHand = new ConcurrentHashMap<>();
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicLong finished = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;
    private Semaphore free;
    private ExecutorService pool;
    private Thread dispatcher;

    PgSagaRunner(StoreContext context, SagaDefinition<?> def, Set<PgSagaRunner> registry) {
        this.context = context;
        this.def = def;
        this.registry = registry;
        this.owner = HOST + ":" + ProcessHandle.current().pid() + ":" + def.name() + ":" + NUMBER.incrementAndGet();
    }

    @Override
    public synchronized SagaRunner workers(int n) {
        beforeStart();
        if (n < 1 || n > 256) {
            throw new InvalidInputException("must be 1..256, was " + n, "workers");
        }
        workers = n;
        return this;
    }

    @Override
    public synchronized SagaRunner lease(Duration d) {
        beforeStart();
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new InvalidInputException("must be 1 s .. 10 min, was " + d, "lease");
        }
        lease = d;
        return this;
    }

    @Override
    public synchronized SagaRunner pollInterval(Duration d) {
        beforeStart();
        if (d == null || d.compareTo(Duration.ofMillis(10)) < 0 || d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidInputException("must be 10 ms .. 1 min, was " + d, "pollInterval");
        }
        poll = d;
        return this;
    }

    @Override
    public synchronized SagaRunner maxRecoveries(int n) {
        beforeStart();
        if (n < 1 || n > 1000) {
            throw new InvalidInputException("must be 1..1000, was " + n, "maxRecoveries");
        }
        maxRecoveries = n;
        return this;
    }

    @Override
    public synchronized SagaRunner everyStepTwice() {
        beforeStart();
        twice = true;
        return this;
    }

    @Override
    public synchronized SagaRunner start() {
        beforeStart();
        if (workers >= context.maxPoolSize()) {
            throw new InvalidInputException("must be fewer than Keel's maxPoolSize (" + context.maxPoolSize()
                    + "), so claims, renewals and checkpoints still get a connection; was " + workers, "workers");
        }
        // Twice the workers: a worker that finishes a saga finds the next one already claimed, instead of waiting for
        // the dispatcher's claim to commit; and the claims come in batches, one commit for several sagas.
        free = new Semaphore(2 * workers);
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "keel-saga-" + def.name() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        dispatcher = new Thread(this::dispatch, "keel-saga-" + def.name() + "-claims");
        dispatcher.setDaemon(true);
        registry.add(this);
        dispatcher.start();
        LOG.info("Saga runner {} started: {} worker(s), lease {}", owner, workers, lease);
        return this;
    }

    private void beforeStart() {
        if (dispatcher != null) {
            throw new IllegalStateException("saga runner " + owner + " is already started");
        }
    }

    private void dispatch() {
        long backoff = 0;
        long renewEvery = lease.toNanos() / 3;
        long nextRenewal = System.nanoTime() + renewEvery;
        while (!stopping) {
            try {
                if (System.nanoTime() >= nextRenewal) {
                    renew();
                    nextRenewal = System.nanoTime() + renewEvery;
                }
                int want = free.availablePermits();
                boolean more = false;
                // Claim in batches of at least the workers' number while every worker has a saga to go on with:
                // each claim is a commit, and one per finished saga would cost a quarter of a 3-step saga's
                // commits again. Claim at once when a worker would otherwise wait.
                if (want > 0 && (want >= workers || inHand.size() <= workers)) {
                    long started = System.nanoTime();
                    List<SagasRecord> claimed = Claims.claim(keel().dsl(), def.name(), owner, lease, want);
                    context.metrics().sagaClaim(System.nanoTime() - started);
                    for (SagasRecord r : claimed) {
                        submit(r);
                    }
                    more = claimed.size() == want;
                }
                if (backoff > 0) {
                    LOG.info("Saga runner {}: the database answers again", owner);
                    backoff = 0;
                }
                if (!more) {
                    long untilRenewal = Math.max(1, nextRenewal - System.nanoTime());
                    pause(Math.min(poll.toNanos(), untilRenewal));
                }
            } catch (RuntimeException e) {
                if (stopping) {
                    break;
                }
                backoff = backoff == 0 ? 100 : Math.min(5_000, backoff * 2);
                LOG.warn("Saga runner {}: {}; retrying in {} ms", owner, e.toString(), backoff);
                pause(TimeUnit.MILLISECONDS.toNanos(backoff));
            }
        }
    }

    private void submit(SagasRecord r) {
        free.acquireUninterruptibly();
        SagaExecution<?> e = execution(def, r);
        inHand.put(r.getId(), e);
        pool.execute(() -> {
            try {
                e.run();
            } finally {
                inHand.remove(r.getId(), e);
                free.release();
                wakeups.release();
            }
        });
    }

    private <T> SagaExecution<T> execution(SagaDefinition<T> d, SagasRecord r) {
        return new SagaExecution<>(this, d, r);
    }

    private void renew() {
        List<Fence.Lease> held = inHand.values().stream().map(e -> e.lease).toList();
        Set<UUID> renewed = Claims.renew(keel().dsl(), owner, lease, held);
        for (Fence.Lease l : held) {
            if (!renewed.contains(l.sagaId())) {
                SagaExecution<?> e = inHand.get(l.sagaId());
                if (e != null && e.lease.equals(l)) {
                    e.lost();
                }
            }
        }
    }

    /** Waits up to {@code nanos}, or until a worker frees up or the runner stops. */
    private void pause(long nanos) {
        try {
            if (wakeups.tryAcquire(nanos, TimeUnit.NANOSECONDS)) {
                wakeups.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    void release(Fence.Lease l) {
        try {
            Claims.release(keel().dsl(), l);
        } catch (RuntimeException e) {
            LOG.debug("Saga {}: lease not handed back ({}); it expires", l.sagaId(), e.toString());
        }
    }

    Keel keel() {
        return context.keel();
    }

    DataSource pool() {
        return context.pool();
    }

    boolean stopping() {
        return stopping;
    }

    int maxRecoveries() {
        return maxRecoveries;
    }

    long leaseMillis() {
        return lease.toMillis();
    }

    boolean everyStepTwiceMode() {
        return twice;
    }

    void finishedOne() {
        finished.incrementAndGet();
        context.metrics().sagaFinished();
    }

    dev.keel.internal.MetricsCollector metrics() {
        return context.metrics();
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public long finished() {
        return finished.get();
    }

    @Override
    public void close() {
        Thread d;
        synchronized (this) {
            d = dispatcher;
        }
        if (d == null || !closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        wakeups.release();
        try {
            d.join(lease.toMillis());
            pool.shutdown();
            if (!pool.awaitTermination(lease.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Saga runner {}: steps still running after {}; their leases are handed back", owner, lease);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Whatever is still in hand is handed back; a step still running is fenced out by that.
            inHand.values().forEach(e -> release(e.lease));
            registry.remove(this);
            LOG.info("Saga runner {} stopped after finishing {} saga(s)", owner, finished.get());
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
