package dev.keel.graph;

/**
 * A node next to another one in a stored snapshot, and the edge between them.
 *
 * @param nodeId    the neighbour's id: the edge's {@code to} end for an outgoing edge, its {@code from} end for an
 *                  incoming one
 * @param direction {@link Direction#OUT} or {@link Direction#IN}, as seen from the node asked about
 * @param edge      the stored edge, as saved
 */
public record Neighbour(long nodeId, Direction direction, EdgeState edge) {
}
