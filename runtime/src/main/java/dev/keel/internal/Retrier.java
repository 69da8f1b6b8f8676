package dev.keel.internal;

import dev.keel.KeelException;
import dev.keel.RetryListener;
import dev.keel.RetryPolicy;
import dev.keel.error.CommitOutcomeUnknownException;
import dev.keel.error.RetryableConflictException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a unit of work, typically a whole transaction, under a {@link RetryPolicy}.
 *
 * <p>What is retried: a {@link RetryableConflictException}, and a {@link CommitOutcomeUnknownException} when the
 * caller declared the work idempotent. Failures are recognised through {@link ErrorTranslator}, so a raw
 * {@code SQLException} or jOOQ exception with SQLSTATE 40001 counts as well. Anything else propagates at once: an
 * {@link Error}, or an exception of the application's own that has nothing to do with the database, unchanged;
 * database failures and checked exceptions as the {@link KeelException} that {@link ErrorTranslator} makes of them.
 *
 * <p>Bounds: at most {@link RetryPolicy#maxAttempts()} attempts, and no sleep that would end past
 * {@link RetryPolicy#maxElapsed()} after the first attempt began. When the retrier stops, the exception it throws
 * carries the failures of the earlier attempts, oldest first, as suppressed exceptions. If the thread is interrupted
 * while sleeping, the interrupt flag is restored and the last failure is thrown.
 *
 * <p>Thread-safe: one retrier serves any number of threads; {@link #retries()} counts across all of them.
 */
public final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** A unit of work that may fail with any exception; it must be safe to run again from the start. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    private final RetryPolicy policy;
    private final List<RetryListener> listeners;
    private final AtomicLong retries = new AtomicLong();

    public Retrier(RetryPolicy policy, List<RetryListener> listeners) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.listeners = List.copyOf(listeners);
    }

    public Retrier(RetryPolicy policy) {
        this(policy, List.of());
    }

    /** How many retries (attempts after a first one) this retrier has started, over its whole life. */
    public long retries() {
        return retries.get();
    }

    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code work} until it returns, fails with something not retried, or the policy's bounds are reached.
     *
     * @param operation  what the work does, for messages, for example {@code "transaction"}
     * @param idempotent whether running the work twice is harmless, which allows retrying after a lost COMMIT
     * @param work       the unit of work
     * @return what the work returned
     */
    public <T> T call(String operation, boolean idempotent, Work<T> work) {
        Objects.requireNonNull(work, "work");
        long start = policy.nanoClock().getAsLong();
        long budget = nanos(policy.maxElapsed());
        List<KeelException> earlier = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Throwable failure;
            try {
                return work.run();
            } catch (Error e) {
                throw withEarlier(e, earlier);
            } catch (RuntimeException e) {
                if (ErrorTranslator.isForeign(e)) {
                    throw withEarlier(e, earlier);
                }
                failure = e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failure = e;
            }
            KeelException k = ErrorTranslator.translate(operation, failure);
            if (!retryable(k, idempotent)) {
                throw withEarlier(k, earlier);
            }
            if (attempt >= policy.maxAttempts()) {
                return giveUp(attempt, k, earlier);
            }
            Duration delay = policy.backoff(attempt);
            long elapsed = policy.nanoClock().getAsLong() - start;
            if (elapsed >= budget || delay.toNanos() > budget - elapsed) {
                return giveUp(attempt, k, earlier);
            }
            notifyRetry(attempt, delay, k);
            try {
                policy.sleeper().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return giveUp(attempt, k, earlier);
            }
            earlier.add(k);
            retries.incrementAndGet();
        }
    }

    private static boolean retryable(KeelException k, boolean idempotent) {
        return k instanceof RetryableConflictException || idempotent && k instanceof CommitOutcomeUnknownException;
    }

    private <T> T giveUp(int attempts, KeelException last, List<KeelException> earlier) {
        for (RetryListener l : listeners) {
            try {
                l.onGiveUp(attempts, last);
            } catch (RuntimeException e) {
                LOG.warn("RetryListener {} failed in onGiveUp; ignored", l, e);
            }
        }
        throw withEarlier(last, earlier);
    }

    private void notifyRetry(int attempt, Duration delay, KeelException cause) {
        for (RetryListener l : listeners) {
            try {
                l.onRetry(attempt, delay, cause);
            } catch (RuntimeException e) {
                LOG.warn("RetryListener {} failed in onRetry; ignored", l, e);
            }
        }
    }

    private static <X extends Throwable> X withEarlier(X last, List<KeelException> earlier) {
        for (Throwable e : earlier) {
            if (e != last) {
                last.addSuppressed(e);
            }
        }
        return last;
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
