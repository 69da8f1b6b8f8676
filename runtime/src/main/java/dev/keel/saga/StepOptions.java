package dev.keel.saga;

import dev.keel.error.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How one step (and its compensation) is retried and bounded. Immutable; each method returns a copy.
 *
 * @param attempts how many times the action (or compensation) may throw before it has failed for good (1..1000)
 * @param backoff  the wait before the second attempt, doubled for each later one, capped at {@code maxBackoff}
 * @param maxBackoff the longest wait between attempts
 * @param timeout  how long one attempt may take, or {@link Duration#ZERO} for no limit. An attempt that takes
 *                 longer is rolled back and the saga ends {@link SagaStatus#TIMED_OUT} after compensation. Keel
 *                 bounds the attempt's statements with PostgreSQL's {@code statement_timeout} and checks the time
 *                 when the action returns; it does not interrupt the action's thread.
 */
public record StepOptions(int attempts, Duration backoff, Duration maxBackoff, Duration timeout) {
    private static final StepOptions DEFAULTS = new StepOptions(3, Duration.ofMillis(200), Duration.ofSeconds(30),
            Duration.ZERO);

    public StepOptions {
        if (attempts < 1 || attempts > 1000) {
            throw new InvalidInputException("must be 1..1000, was " + attempts, "attempts");
        }
        check(backoff, "backoff");
        check(maxBackoff, "maxBackoff");
        check(timeout, "timeout");
    }

    /** Three attempts, 200 ms backoff doubling up to 30 s, no timeout. */
    public static StepOptions defaults() {
        return DEFAULTS;
    }

    public StepOptions attempts(int n) {
        return new StepOptions(n, backoff, maxBackoff, timeout);
    }

    public StepOptions backoff(Duration first) {
        return new StepOptions(attempts, first, maxBackoff, timeout);
    }

    public StepOptions maxBackoff(Duration max) {
        return new StepOptions(attempts, backoff, max, timeout);
    }

    public StepOptions timeout(Duration perAttempt) {
        return new StepOptions(attempts, backoff, maxBackoff, perAttempt);
    }

    /** The wait after the {@code failures}-th failure (1-based). */
    public Duration backoffAfter(int failures) {
        Duration d = backoff;
        for (int i = 1; i < failures && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private static void check(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidInputException("must be 0 to 1 day, was " + d, name);
        }
    }
}
