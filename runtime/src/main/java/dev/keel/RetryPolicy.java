package dev.keel;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * How often, and how patiently, Keel runs a transaction again after a retryable failure.
 *
 * <h2>What is retried</h2>
 * Only failures that PostgreSQL says a fresh attempt can resolve: {@code RetryableConflictException}
 * (serialization failure 40001, deadlock 40P01, lock not available 55P03). A
 * {@code CommitOutcomeUnknownException} is retried only for work the caller declared idempotent. Everything else
 * (constraint violations, timeouts, lost connections, the application's own exceptions) is thrown at once.
 *
 * <h2>Bounds</h2>
 * A unit of work runs at most {@link #maxAttempts()} times, and no retry starts whose backoff would end after
 * {@link #maxElapsed()} has passed since the first attempt began: Keel never sleeps past that deadline. When it
 * stops, the last failure is thrown with the earlier attempts' failures attached as suppressed exceptions.
 *
 * <h2>Backoff</h2>
 * Exponential with full jitter: before retry {@code n} (1-based) Keel sleeps a uniformly random time in
 * {@code [0, min(maxBackoff, initialBackoff * multiplier^(n-1))]}. Full jitter spreads competing transactions out,
 * which is what resolves the conflicts in the first place.
 *
 * <h2>Building</h2>
 * {@link #defaults()} suits OLTP work; {@link #none()} disables retries. Otherwise
 * {@code RetryPolicy.builder()…build()}; {@code build()} checks every setting and throws
 * {@link IllegalArgumentException} naming the setting and its allowed range. The clock, sleeper and random source
 * are replaceable so that tests can run retries without real time passing.
 *
 * <h2>Thread-safety</h2>
 * Immutable and thread-safe, provided the injected clock, sleeper and random source are (the defaults are). One
 * policy is meant to be shared by every transaction of an application.
 */
public final class RetryPolicy {

    /** Sleeps between attempts; replaceable so that tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Blocks the calling thread for {@code duration}.
         *
         * @throws InterruptedException when the thread is interrupted while sleeping
         */
        void sleep(Duration duration) throws InterruptedException;

        /** Sleeps with {@link Thread#sleep}; the default. */
        static Sleeper threadSleep() {
            return duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }
    }

    private static final RetryPolicy DEFAULTS = builder().build();
    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration maxElapsed;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.maxElapsed = b.maxElapsed;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.nanoClock = b.nanoClock;
        this.sleeper = b.sleeper;
        this.random = b.random;
    }

    /**
     * The recommended policy: 5 attempts within 10 seconds, backing off from 20 ms up to 1 s, doubling.
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** Runs the work once and never retries. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** A builder starting from {@link #defaults()}' settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy's settings and collaborators. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.maxElapsed = maxElapsed;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.multiplier = multiplier;
        b.nanoClock = nanoClock;
        b.sleeper = sleeper;
        b.random = random;
        return b;
    }

    /** How many times the work runs at most, counting the first attempt; at least 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** How long after the first attempt began a retry may still start; positive. */
    public Duration maxElapsed() {
        return maxElapsed;
    }

    /** The cap on the sleep before the first retry. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** The cap on any sleep between attempts. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The factor by which the cap grows from one retry to the next; at least 1. */
    public double multiplier() {
        return multiplier;
    }

    /** The monotonic clock, in nanoseconds, against which {@link #maxElapsed()} is measured. */
    public LongSupplier nanoClock() {
        return nanoClock;
    }

    /** What sleeps between attempts. */
    public Sleeper sleeper() {
        return sleeper;
    }

    /**
     * The upper bound of the sleep before retry number {@code retry} (1-based):
     * {@code min(maxBackoff, initialBackoff * multiplier^(retry-1))}.
     */
    public Duration backoffCap(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1, was " + retry);
        }
        long initial = nanos(initialBackoff);
        long max = nanos(maxBackoff);
        if (initial == 0) {
            return Duration.ZERO;
        }
        double cap = initial * Math.pow(multiplier, retry - 1);
        return Duration.ofNanos(cap >= max ? max : (long) cap);
    }

    /**
     * A fresh random sleep before retry number {@code retry} (1-based), uniform in {@code [0, backoffCap(retry)]}.
     */
    public Duration backoff(int retry) {
        long cap = backoffCap(retry).toNanos();
        if (cap == 0) {
            return Duration.ZERO;
        }
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        return Duration.ofNanos(r.nextLong(0, cap == Long.MAX_VALUE ? cap : cap + 1));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", maxElapsed=" + maxElapsed + ", backoff="
                + initialBackoff + ".." + maxBackoff + " x" + multiplier + ", full jitter]";
    }

    /** Durations beyond ~292 years do not fit in a long of nanoseconds; they mean "forever" here. */
    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * Collects settings for a {@link RetryPolicy}; starts from {@link RetryPolicy#defaults()}' values. Not
     * thread-safe; {@link #build()} copies, so the builder may be reused.
     */
    public static final class Builder {
        private int maxAttempts = 5;
        private Duration maxElapsed = Duration.ofSeconds(10);
        private Duration initialBackoff = Duration.ofMillis(20);
        private Duration maxBackoff = Duration.ofSeconds(1);
        private double multiplier = 2.0;
        private LongSupplier nanoClock = System::nanoTime;
        private Sleeper sleeper = Sleeper.threadSleep();
        private RandomGenerator random;

        private Builder() {
        }

        /** How many times the work runs at most, the first attempt included: 1 (no retries) or more. Default 5. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** No retry starts whose backoff would end later than this after the first attempt began. Default 10 s. */
        public Builder maxElapsed(Duration maxElapsed) {
            this.maxElapsed = maxElapsed;
            return this;
        }

        /** The cap on the sleep before the first retry: 0 up to {@code maxBackoff}. Default 20 ms. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        /** The cap on any sleep: at least {@code initialBackoff}. Default 1 s. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** How the cap grows per retry: a finite number, at least 1.0 (1.0 keeps it constant). Default 2.0. */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /** A monotonic clock in nanoseconds, like {@link System#nanoTime()} (the default). */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
            return this;
        }

        /** What sleeps between attempts. Default {@link Sleeper#threadSleep()}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * The source of jitter; it must be thread-safe if the policy is shared between threads. {@code null}, the
         * default, uses {@link ThreadLocalRandom} of the calling thread.
         */
        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        /**
         * Checks the settings and returns the policy.
         *
         * @throws IllegalArgumentException naming the first impossible setting and its allowed range
         */
        public RetryPolicy build() {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and " + Integer.MAX_VALUE
                        + ", was " + maxAttempts);
            }
            require(maxElapsed, "maxElapsed");
            if (maxElapsed.isZero() || maxElapsed.isNegative()) {
                throw new IllegalArgumentException("maxElapsed must be greater than 0, was " + maxElapsed);
            }
            require(maxBackoff, "maxBackoff");
            if (maxBackoff.isNegative()) {
                throw new IllegalArgumentException("maxBackoff must be 0 or more, was " + maxBackoff);
            }
            require(initialBackoff, "initialBackoff");
            if (initialBackoff.isNegative() || initialBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("initialBackoff must be between 0 and maxBackoff (" + maxBackoff
                        + "), was " + initialBackoff);
            }
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number of at least 1.0, was "
                        + multiplier);
            }
            require(nanoClock, "nanoClock");
            require(sleeper, "sleeper");
            return new RetryPolicy(this);
        }

        private static void require(Object value, String setting) {
            if (value == null) {
                throw new IllegalArgumentException(setting + " must not be null");
            }
        }
    }
}
