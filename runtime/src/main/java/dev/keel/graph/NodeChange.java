package dev.keel.graph;

/**
 * How one node differs between two snapshots; see {@link GraphStore#diff}.
 *
 * @param kind   added, removed or changed
 * @param before the node in the first snapshot; null when it was added
 * @param after  the node in the second snapshot; null when it was removed
 */
public record NodeChange(Kind kind, NodeState before, NodeState after) {
    /** What happened to the node. */
    public enum Kind {
        /** Only in the second snapshot. */
        ADDED,
        /** Only in the first snapshot. */
        REMOVED,
        /** In both, with a different activation level, properties, visited flag, distance or parent. */
        CHANGED
    }

    /** The node's id. */
    public long nodeId() {
        return after != null ? after.id() : before.id();
    }
}
