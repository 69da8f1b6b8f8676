package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    /** Always draws the top of the requested range, so a backoff equals its cap. */
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

    /** Always draws the bottom of the requested range. */
    static final RandomGenerator BOTTOM = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long origin, long bound) {
            return origin;
        }
    };

    @Test
    void defaultsAllowFiveAttemptsWithinTenSecondsBackingOffFrom20msTo1s() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.maxAttempts()).isEqualTo(5);
        assertThat(p.maxElapsed()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(20));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.multiplier()).isEqualTo(2.0);
    }

    @Test
    void noneAllowsASingleAttempt() {
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void backoffCapGrowsExponentiallyUntilMaxBackoff() {
        RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofSeconds(1))
                .multiplier(2).build();
        List<Long> caps = new ArrayList<>();
        for (int retry = 1; retry <= 9; retry++) {
            caps.add(p.backoffCap(retry).toMillis());
        }
        assertThat(caps).containsExactly(20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L, 1000L);
        assertThat(p.backoffCap(10_000)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void backoffIsFullJitterBetweenZeroAndTheCap() {
        RetryPolicy top = RetryPolicy.builder().random(TOP).build();
        RetryPolicy bottom = RetryPolicy.builder().random(BOTTOM).build();
        for (int retry = 1; retry <= 8; retry++) {
            assertThat(top.backoff(retry)).isEqualTo(top.backoffCap(retry));
            assertThat(bottom.backoff(retry)).isEqualTo(Duration.ZERO);
        }
    }

    @Test
    void randomBackoffsStayWithinZeroAndCapAndSpreadAcrossTheRange() {
        RetryPolicy p = RetryPolicy.builder().random(new Random(42)).build();
        for (int retry = 1; retry <= 8; retry++) {
            long cap = p.backoffCap(retry).toNanos();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 2_000; i++) {
                long d = p.backoff(retry).toNanos();
                assertThat(d).isBetween(0L, cap);
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertThat(min).as("retry %d draws near zero", retry).isLessThan(cap / 10);
            assertThat(max).as("retry %d draws near the cap", retry).isGreaterThan(cap - cap / 10);
        }
    }

    @Test
    void defaultRandomSourceStaysWithinTheCap() {
        RetryPolicy p = RetryPolicy.defaults();
        for (int i = 0; i < 1_000; i++) {
            assertThat(p.backoff(3)).isBetween(Duration.ZERO, Duration.ofMillis(80));
        }
    }

    @Test
    void zeroInitialBackoffMeansNoSleep() {
        RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ZERO).build();
        assertThat(p.backoff(1)).isZero();
        assertThat(p.backoff(50)).isZero();
    }

    @Test
    void constantBackoffWithMultiplierOne() {
        RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(50))
                .multiplier(1).build();
        assertThat(p.backoffCap(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(p.backoffCap(7)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void toBuilderKeepsEverySetting() {
        RetryPolicy p = RetryPolicy.builder().maxAttempts(3).maxElapsed(Duration.ofSeconds(2))
                .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(500)).multiplier(3).build();
        RetryPolicy copy = p.toBuilder().build();
        assertThat(copy.maxAttempts()).isEqualTo(3);
        assertThat(copy.maxElapsed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(copy.initialBackoff()).isEqualTo(Duration.ofMillis(5));
        assertThat(copy.maxBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(copy.multiplier()).isEqualTo(3.0);
        assertThat(copy.nanoClock()).isSameAs(p.nanoClock());
        assertThat(copy.sleeper()).isSameAs(p.sleeper());
        assertThat(p.toString()).contains("maxAttempts=3", "PT2S");
    }

    @Test
    void maxAttemptsBelowOneIsRejectedWithItsRange() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts")
                .hasMessageContaining("between 1 and " + Integer.MAX_VALUE)
                .hasMessageContaining("was 0");
    }

    @Test
    void maxElapsedMustBePositive() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxElapsed(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxElapsed must be greater than 0, was PT0S");
        assertThatThrownBy(() -> RetryPolicy.builder().maxElapsed(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("maxElapsed");
        assertThatThrownBy(() -> RetryPolicy.builder().maxElapsed(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxElapsed must not be null");
    }

    @Test
    void initialBackoffMustLieBetweenZeroAndMaxBackoff() {
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(2))
                .maxBackoff(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialBackoff must be between 0 and maxBackoff (PT1S), was PT2S");
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMillis(-1)).build())
                .hasMessageContaining("initialBackoff must be between 0 and maxBackoff");
    }

    @Test
    void maxBackoffMustNotBeNegative() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxBackoff(Duration.ofMillis(-5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff must be 0 or more");
    }

    @Test
    void multiplierMustBeFiniteAndAtLeastOne() {
        for (double bad : new double[] {0.5, 0, -2, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> RetryPolicy.builder().multiplier(bad).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("multiplier must be a finite number of at least 1.0, was " + bad);
        }
    }

    @Test
    void collaboratorsMustNotBeNull() {
        assertThatThrownBy(() -> RetryPolicy.builder().sleeper(null).build()).hasMessage("sleeper must not be null");
        assertThatThrownBy(() -> RetryPolicy.builder().nanoClock(null).build())
                .hasMessage("nanoClock must not be null");
    }

    @Test
    void retryNumbersStartAtOne() {
        assertThatThrownBy(() -> RetryPolicy.defaults().backoff(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retry must be at least 1");
    }
}
