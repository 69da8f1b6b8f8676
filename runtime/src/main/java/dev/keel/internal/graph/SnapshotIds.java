package dev.keel.internal.graph;

import java.util.UUID;

/**
 * Snapshot ids tell the two kinds of storage apart by their top bit: clear for a snapshot in shared storage (the
 * default partitions, whose CHECK constraints admit only such ids), set for one with partitions of its own. So
 * attaching a partition never has to scan the default partition for rows that would belong to it.
 */
final class SnapshotIds {
    private SnapshotIds() {
    }

    /** A random id for a snapshot in shared storage. */
    static UUID shared() {
        UUID r = UUID.randomUUID();
        return new UUID(r.getMostSignificantBits() & Long.MAX_VALUE, r.getLeastSignificantBits());
    }

    /** A random id for a snapshot with partitions of its own. */
    static UUID partitioned() {
        UUID r = UUID.randomUUID();
        return new UUID(r.getMostSignificantBits() | Long.MIN_VALUE, r.getLeastSignificantBits());
    }

    /** The suffix of a snapshot's partition names: its id as 32 hex digits. */
    static String hex(UUID id) {
        return id.toString().replace("-", "");
    }
}
