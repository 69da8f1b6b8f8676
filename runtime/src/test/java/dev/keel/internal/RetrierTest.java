package dev.keel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keel.KeelException;
import dev.keel.RetryListener;
import dev.keel.RetryPolicy;
import dev.keel.error.CommitOutcomeUnknownException;
import dev.keel.error.ConstraintViolationException;
import dev.keel.error.ConstraintViolationException.ConstraintKind;
import dev.keel.error.RetryableConflictException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private final FakeTime time = new FakeTime();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void successfulWorkRunsOnceWithoutSleeping() {
        Retrier retrier = new Retrier(policy().build());
        assertThat(retrier.call("op", false, () -> "done")).isEqualTo("done");
        assertThat(time.sleeps).isEmpty();
        assertThat(retrier.retries()).isZero();
    }

    @Test
    void retryableConflictIsRetriedUntilTheWorkSucceeds() {
        Retrier retrier = new Retrier(policy().build());
        AtomicInteger attempts = new AtomicInteger();
        String result = retrier.call("op", false, () -> {
            if (attempts.incrementAndGet() < 3) {
                throw conflict(attempts.get());
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
        assertThat(time.sleeps).hasSize(2);
        assertThat(retrier.retries()).isEqualTo(2);
    }

    @Test
    void sleepsGrowExponentiallyUpToMaxBackoff() {
        Retrier retrier = new Retrier(policy().maxAttempts(7).initialBackoff(ms(10)).maxBackoff(ms(50)).multiplier(2)
                .random(Randoms.TOP).build());
        catchThrowable(() -> retrier.call("op", false, alwaysConflict(new AtomicInteger())));
        assertThat(time.sleeps).containsExactly(ms(10), ms(20), ms(40), ms(50), ms(50), ms(50));
    }

    @Test
    void jitteredSleepsStayBetweenZeroAndTheirCap() {
        RetryPolicy p = policy().maxAttempts(10).maxElapsed(Duration.ofHours(1)).initialBackoff(ms(10))
                .maxBackoff(ms(200)).random(new Random(7)).build();
        Retrier retrier = new Retrier(p);
        for (int run = 0; run < 50; run++) {
            time.sleeps.clear();
            catchThrowable(() -> retrier.call("op", false, alwaysConflict(new AtomicInteger())));
            assertThat(time.sleeps).hasSize(9);
            for (int i = 0; i < time.sleeps.size(); i++) {
                assertThat(time.sleeps.get(i)).isBetween(Duration.ZERO, p.backoffCap(i + 1));
            }
        }
    }

    @Test
    void givesUpAfterMaxAttemptsWithEarlierFailuresSuppressedInOrder() {
        Retrier retrier = new Retrier(policy().maxAttempts(4).build());
        List<RetryableConflictException> thrown = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            RetryableConflictException e = conflict(attempts.incrementAndGet());
            thrown.add(e);
            throw e;
        }));
        assertThat(attempts).hasValue(4);
        assertThat(failure).isSameAs(thrown.get(3));
        assertThat(failure.getSuppressed()).containsExactly(thrown.get(0), thrown.get(1), thrown.get(2));
        assertThat(time.sleeps).hasSize(3);
    }

    @Test
    void neverSleepsPastTheDeadline() {
        // Each attempt takes 10 ms and each sleep 30 ms: 0-10 run, 10-40 sleep, 40-50 run, 50-80 sleep, 80-90 run;
        // a third sleep would end at 120 ms, past the 100 ms budget, so the retrier stops after three attempts.
        Retrier retrier = new Retrier(policy().maxAttempts(100).maxElapsed(ms(100)).initialBackoff(ms(30))
                .maxBackoff(ms(30)).multiplier(1).random(Randoms.TOP).build());
        AtomicInteger attempts = new AtomicInteger();
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            time.advance(ms(10));
            throw conflict(attempts.incrementAndGet());
        }));
        assertThat(failure).isInstanceOf(RetryableConflictException.class);
        assertThat(attempts).hasValue(3);
        assertThat(time.sleepEnds).allSatisfy(end -> assertThat(end).isLessThanOrEqualTo(ms(100)));
        assertThat(failure.getSuppressed()).hasSize(2);
    }

    @Test
    void randomSleepsNeverEndPastTheDeadline() {
        for (long seed = 0; seed < 200; seed++) {
            FakeTime t = new FakeTime();
            Retrier retrier = new Retrier(RetryPolicy.builder().nanoClock(t::now).sleeper(t::sleep)
                    .maxAttempts(1_000).maxElapsed(ms(250)).initialBackoff(ms(5)).maxBackoff(ms(100))
                    .random(new Random(seed)).build());
            catchThrowable(() -> retrier.call("op", false, () -> {
                t.advance(ms(3));
                throw conflict(1);
            }));
            assertThat(t.sleepEnds).allSatisfy(end -> assertThat(end).isLessThanOrEqualTo(ms(250)));
        }
    }

    @Test
    void workOutlastingTheDeadlineIsNotRetried() {
        Retrier retrier = new Retrier(policy().maxElapsed(ms(100)).build());
        AtomicInteger attempts = new AtomicInteger();
        catchThrowable(() -> retrier.call("op", false, () -> {
            time.advance(ms(150));
            throw conflict(attempts.incrementAndGet());
        }));
        assertThat(attempts).hasValue(1);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void commitOutcomeUnknownIsNotRetriedForWorkThatIsNotIdempotent() {
        Retrier retrier = new Retrier(policy().build());
        AtomicInteger attempts = new AtomicInteger();
        CommitOutcomeUnknownException unknown = new CommitOutcomeUnknownException("commit: unknown", "08006", null);
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            attempts.incrementAndGet();
            throw unknown;
        }));
        assertThat(failure).isSameAs(unknown);
        assertThat(attempts).hasValue(1);
        assertThat(retrier.retries()).isZero();
    }

    @Test
    void commitOutcomeUnknownIsRetriedForIdempotentWork() {
        Retrier retrier = new Retrier(policy().build());
        AtomicInteger attempts = new AtomicInteger();
        String result = retrier.call("op", true, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new CommitOutcomeUnknownException("commit: unknown", "08006", null);
            }
            return "again";
        });
        assertThat(result).isEqualTo("again");
        assertThat(attempts).hasValue(2);
        assertThat(retrier.retries()).isEqualTo(1);
    }

    @Test
    void constraintViolationPropagatesAtOnce() {
        Retrier retrier = new Retrier(policy().build());
        AtomicInteger attempts = new AtomicInteger();
        ConstraintViolationException violation = new ConstraintViolationException("insert: unique", "23505", null,
                ConstraintKind.UNIQUE, "t_pkey", "public", "t", null);
        Throwable failure = catchThrowable(() -> retrier.call("op", true, () -> {
            attempts.incrementAndGet();
            throw violation;
        }));
        assertThat(failure).isSameAs(violation);
        assertThat(attempts).hasValue(1);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void nonRetryableFailureAfterRetriesCarriesTheEarlierOnes() {
        Retrier retrier = new Retrier(policy().build());
        AtomicInteger attempts = new AtomicInteger();
        RetryableConflictException first = conflict(1);
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw first;
            }
            throw new KeelException("op failed [42P01]", "42P01", null);
        }));
        assertThat(failure).hasMessage("op failed [42P01]");
        assertThat(failure.getSuppressed()).containsExactly(first);
    }

    @Test
    void applicationExceptionsPropagateUnchanged() {
        Retrier retrier = new Retrier(policy().build());
        IllegalStateException own = new IllegalStateException("business rule");
        AtomicInteger attempts = new AtomicInteger();
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            attempts.incrementAndGet();
            throw own;
        }));
        assertThat(failure).isSameAs(own);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void errorsPropagateUnchanged() {
        Retrier retrier = new Retrier(policy().build());
        AssertionError error = new AssertionError("boom");
        assertThat(catchThrowable(() -> retrier.call("op", false, () -> {
            throw error;
        }))).isSameAs(error);
    }

    @Test
    void rawSerializationFailureFromJdbcIsRecognisedAndRetried() {
        Retrier retrier = new Retrier(policy().maxAttempts(2).build());
        SQLException raw = new SQLException("could not serialize access", "40001");
        Throwable failure = catchThrowable(() -> retrier.call("transfer", false, () -> {
            throw raw;
        }));
        assertThat(failure).isInstanceOf(RetryableConflictException.class);
        assertThat(failure.getCause()).isSameAs(raw);
        assertThat(((KeelException) failure).sqlState()).isEqualTo("40001");
        assertThat(failure.getMessage()).startsWith("transfer: ");
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(retrier.retries()).isEqualTo(1);
    }

    @Test
    void checkedExceptionsBecomeKeelExceptions() {
        Retrier retrier = new Retrier(policy().build());
        Exception checked = new Exception("checked");
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            throw checked;
        }));
        assertThat(failure).isExactlyInstanceOf(KeelException.class).hasCause(checked);
        assertThat(((KeelException) failure).category()).isEqualTo(KeelException.Category.OTHER);
    }

    @Test
    void listenersSeeEveryRetryAndTheGiveUp() {
        List<String> events = new ArrayList<>();
        RetryListener listener = new RetryListener() {
            @Override
            public void onRetry(int attempt, Duration delay, KeelException cause) {
                events.add("retry " + attempt + " after " + delay.toMillis() + "ms: " + cause.getMessage());
            }

            @Override
            public void onGiveUp(int attempts, KeelException last) {
                events.add("give up after " + attempts + ": " + last.getMessage());
            }
        };
        Retrier retrier = new Retrier(policy().maxAttempts(3).initialBackoff(ms(10)).maxBackoff(ms(100))
                .random(Randoms.TOP).build(), List.of(listener));
        catchThrowable(() -> retrier.call("op", false, alwaysConflict(new AtomicInteger())));
        assertThat(events).containsExactly(
                "retry 1 after 10ms: conflict 1",
                "retry 2 after 20ms: conflict 2",
                "give up after 3: conflict 3");
    }

    @Test
    void listenersAreNotToldAboutFailuresThatAreNeverRetried() {
        List<String> events = new ArrayList<>();
        RetryListener listener = new RetryListener() {
            @Override
            public void onGiveUp(int attempts, KeelException last) {
                events.add("give up");
            }
        };
        Retrier retrier = new Retrier(policy().build(), List.of(listener));
        catchThrowable(() -> retrier.call("op", false, () -> {
            throw new KeelException("op failed", null, null);
        }));
        assertThat(events).isEmpty();
    }

    @Test
    void aFailingListenerDoesNotChangeTheOutcome() {
        RetryListener broken = new RetryListener() {
            @Override
            public void onRetry(int attempt, Duration delay, KeelException cause) {
                throw new IllegalStateException("listener bug");
            }
        };
        Retrier retrier = new Retrier(policy().build(), List.of(broken));
        AtomicInteger attempts = new AtomicInteger();
        assertThat(retrier.call("op", false, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw conflict(1);
            }
            return 42;
        })).isEqualTo(42);
    }

    @Test
    void interruptedSleepRestoresTheFlagAndThrowsTheLastFailure() {
        List<String> events = new ArrayList<>();
        RetryListener listener = new RetryListener() {
            @Override
            public void onGiveUp(int attempts, KeelException last) {
                events.add("give up after " + attempts);
            }
        };
        Retrier retrier = new Retrier(policy().sleeper(d -> {
            throw new InterruptedException();
        }).build(), List.of(listener));
        AtomicInteger attempts = new AtomicInteger();
        RetryableConflictException only = conflict(1);
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            attempts.incrementAndGet();
            throw only;
        }));
        assertThat(failure).isSameAs(only);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(attempts).hasValue(1);
        assertThat(events).containsExactly("give up after 1");
        assertThat(retrier.retries()).isZero();
    }

    @Test
    void workInterruptedItselfKeepsTheInterruptFlag() {
        Retrier retrier = new Retrier(policy().build());
        Throwable failure = catchThrowable(() -> retrier.call("op", false, () -> {
            throw new InterruptedException("stop");
        }));
        assertThat(failure).isInstanceOf(KeelException.class).hasCauseInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void noneRunsTheWorkOnce() {
        Retrier retrier = new Retrier(RetryPolicy.none().toBuilder().sleeper(time::sleep).build());
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> retrier.call("op", false, alwaysConflict(attempts)))
                .isInstanceOf(RetryableConflictException.class);
        assertThat(attempts).hasValue(1);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void retriesAreCountedAcrossCalls() {
        Retrier retrier = new Retrier(policy().maxAttempts(3).build());
        catchThrowable(() -> retrier.call("op", false, alwaysConflict(new AtomicInteger())));
        catchThrowable(() -> retrier.call("op", false, alwaysConflict(new AtomicInteger())));
        assertThat(retrier.retries()).isEqualTo(4);
    }

    private RetryPolicy.Builder policy() {
        return RetryPolicy.builder().nanoClock(time::now).sleeper(time::sleep).maxAttempts(5)
                .maxElapsed(Duration.ofSeconds(10)).initialBackoff(ms(20)).maxBackoff(Duration.ofSeconds(1));
    }

    private static Retrier.Work<Object> alwaysConflict(AtomicInteger attempts) {
        return () -> {
            throw conflict(attempts.incrementAndGet());
        };
    }

    private static RetryableConflictException conflict(int n) {
        return new RetryableConflictException("conflict " + n, "40001", null);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** A clock that moves only when told to, and a sleeper that moves it instead of waiting. */
    static final class FakeTime {
        private long nanos = 1_000_000_000L;
        private final long origin = nanos;
        final List<Duration> sleeps = new ArrayList<>();
        /** When each sleep ended, measured from the clock's origin. */
        final List<Duration> sleepEnds = new ArrayList<>();

        long now() {
            return nanos;
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }

        void sleep(Duration d) {
            sleeps.add(d);
            advance(d);
            sleepEnds.add(Duration.ofNanos(nanos - origin));
        }
    }

    /** Random sources with a fixed draw, so backoffs are predictable. */
    static final class Randoms {
        static final RandomGenerator TOP = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long origin, long bound) {
                return bound - 1;
            }
        };
    }
}
