package dev.keel.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.error.InvalidInputException;
import dev.keel.internal.notify.Backoff;
import dev.keel.internal.notify.NotifyArguments;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NotifyArgumentsTest {

    @Test
    void channelsAreIdentifiersOfAtMost63Characters() {
        assertThat(NotifyArguments.channel("Orders_2")).isEqualTo("Orders_2");
        assertThat(NotifyArguments.channel("_" + "a".repeat(62))).hasSize(63);
        for (String bad : new String[] {null, "", "2nd", "a b", "a;drop", "a\"b", "a".repeat(64), "café"}) {
            assertThatThrownBy(() -> NotifyArguments.channel(bad)).as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("channel: ");
        }
        assertThatThrownBy(() -> NotifyArguments.feed("a".repeat(51))).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void payloadsAreCountedInUtf8BytesUpTo7999() {
        assertThat(NotifyArguments.payload(null)).isEmpty();
        assertThat(NotifyArguments.payload("x".repeat(7999))).hasSize(7999);
        assertThatThrownBy(() -> NotifyArguments.payload("x".repeat(8000))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("8000 bytes");
        assertThatThrownBy(() -> NotifyArguments.payload("€".repeat(2667))) // 3 bytes each: 8001
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("8001 bytes");
        assertThatThrownBy(() -> NotifyArguments.payload("a\0b")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void reconnectDelaysGrowWithJitterUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        for (int i = 0; i < 200; i++) {
            assertThat(b.delay(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(b.delay(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(b.delay(40)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
        }
    }
}
