package dev.keel.graph;

/**
 * A node reached from a start node by following outgoing edges.
 *
 * @param nodeId the node's id
 * @param depth  the fewest edges between the start node and this one (1 for a direct successor)
 */
public record Hop(long nodeId, int depth) {
}
