package dev.keel.internal;

import dev.keel.KeelException;
import dev.keel.KeelMetrics;
import dev.keel.PoolStats;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/**
 * Counts what Keel executes. Installed as a jOOQ {@link ExecuteListener} on every DSLContext Keel hands out, so
 * no call is wrapped by hand. Statement times are kept in a ring of the most recent {@value #WINDOW} for the
 * percentile. Thread-safe.
 */
public final class MetricsCollector implements ExecuteListener {
    private static final long serialVersionUID = 1L;
    static final int WINDOW = 4096;
    private static final String START = "keel.start";

    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final Map<KeelException.Category, AtomicLong> failures = new EnumMap<>(KeelException.Category.class);
    private final AtomicLongArray recent = new AtomicLongArray(WINDOW);
    private final AtomicLong recentIndex = new AtomicLong();
    private transient LongSupplier retries = () -> 0;
    private final AtomicLong sagaSteps = new AtomicLong();
    private final AtomicLong sagaStepFailures = new AtomicLong();
    private final AtomicLong sagasFinished = new AtomicLong();
    private final AtomicLong sagaLeasesLost = new AtomicLong();
    private final AtomicLong sagaClaims = new AtomicLong();
    private final AtomicLongArray recentClaims = new AtomicLongArray(WINDOW);

    public MetricsCollector() {
        for (KeelException.Category c : KeelException.Category.values()) {
            failures.put(c, new AtomicLong());
        }
    }

    public void retriesFrom(LongSupplier supplier) {
        this.retries = supplier;
    }

    @Override
    public void executeStart(ExecuteContext ctx) {
        ctx.data(START, System.nanoTime());
    }

    @Override
    public void executeEnd(ExecuteContext ctx) {
        Object start = ctx.data(START);
        if (start instanceof Long s) {
            record(System.nanoTime() - s);
        }
    }

    @Override
    public void exception(ExecuteContext ctx) {
        Throwable t = ctx.exception() != null ? ctx.exception() : ctx.sqlException();
        if (t != null) {
            failed(ErrorTranslator.translate("statement", t).category());
        }
    }

    /** Records one statement's duration (also used by paths jOOQ does not run, such as COPY). */
    public void record(long nanos) {
        queries.incrementAndGet();
        totalNanos.addAndGet(nanos);
        recent.set((int) (recentIndex.getAndIncrement() % WINDOW), nanos);
    }

    public void failed(KeelException.Category category) {
        failures.get(category).incrementAndGet();
    }

    public void committed() {
        committed.incrementAndGet();
    }

    public void rolledBack() {
        rolledBack.incrementAndGet();
    }

    /** A saga step or compensation committed. */
    public void sagaStep() {
        sagaSteps.incrementAndGet();
    }

    public void sagaStepFailed() {
        sagaStepFailures.incrementAndGet();
    }

    public void sagaFinished() {
        sagasFinished.incrementAndGet();
    }

    public void sagaLeaseLost() {
        sagaLeasesLost.incrementAndGet();
    }

    /** A saga runner's claim statement ran (whether or not it found sagas), taking {@code nanos}. */
    public void sagaClaim(long nanos) {
        recentClaims.set((int) (sagaClaims.getAndIncrement() % WINDOW), nanos);
    }

    public KeelMetrics snapshot(PoolStats pool) {
        long n = queries.get();
        double p99 = p99Millis(recent, recentIndex.get());
        Map<KeelException.Category, Long> failed = new EnumMap<>(KeelException.Category.class);
        failures.forEach((k, v) -> failed.put(k, v.get()));
        return new KeelMetrics(n, Map.copyOf(failed), committed.get(), rolledBack.get(), retries.getAsLong(),
                n == 0 ? 0 : totalNanos.get() / 1e6 / n, p99, pool, new KeelMetrics.Sagas(sagaSteps.get(),
                        sagaStepFailures.get(), sagasFinished.get(), sagaLeasesLost.get(), sagaClaims.get(),
                        p99Millis(recentClaims, sagaClaims.get())));
    }

    /** The 99th percentile, in milliseconds, of the times in {@code ring} after {@code count} were recorded. */
    private static double p99Millis(AtomicLongArray ring, long count) {
        int filled = (int) Math.min(count, ring.length());
        long[] sample = new long[filled];
        for (int i = 0; i < filled; i++) {
            sample[i] = ring.get(i);
        }
        Arrays.sort(sample);
        return filled == 0 ? 0 : sample[Math.min(filled - 1, (int) Math.ceil(filled * 0.99) - 1)] / 1e6;
    }
}
