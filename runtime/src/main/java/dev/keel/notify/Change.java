package dev.keel.notify;

import java.time.Instant;

/**
 * One event of a {@link ChangeFeed}: its channel, its number in that channel's gap-free sequence (1, 2, 3, …),
 * the payload and when it was written. Immutable.
 */
public record Change(String channel, long sequence, String payload, Instant createdAt) {
}
