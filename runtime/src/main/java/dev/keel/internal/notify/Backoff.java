package dev.keel.internal.notify;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between reconnect attempts: exponential from {@code first}, capped at {@code max}, with jitter (each
 * delay is drawn between half and all of its step) so that many clients cut off together do not return together.
 */
public record Backoff(Duration first, Duration max) {

    public Duration delay(int attempt) {
        long step = first.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(step, max.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
