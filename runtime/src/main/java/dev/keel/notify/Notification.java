package dev.keel.notify;

import java.time.Instant;

/**
 * One notification as PostgreSQL delivered it: the channel, the payload (empty, never {@code null}, when none was
 * sent), the process id of the backend that sent it and when Keel's reading thread received it. Immutable.
 */
public record Notification(String channel, String payload, int senderPid, Instant receivedAt) {
}
