package dev.keel.graph;

/** Which edges of a node {@link GraphStore#neighbours} follows. */
public enum Direction {
    /** Edges leaving the node: its successors. */
    OUT,
    /** Edges arriving at the node: its predecessors. */
    IN,
    /** Both: outgoing edges first, then incoming ones. */
    BOTH
}
