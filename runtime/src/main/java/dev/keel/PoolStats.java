package dev.keel;

/** The connection pool at one moment: connections in use, idle, open in all, threads waiting, and the cap. */
public record PoolStats(int active, int idle, int total, int waiting, int max) {
}
