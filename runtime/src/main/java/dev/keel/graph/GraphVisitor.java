package dev.keel.graph;

/** Receives a stored snapshot piece by piece: the header, every node, then every edge. */
public interface GraphVisitor {
    default void header(SnapshotInfo info) {
    }

    void node(NodeState node);

    void edge(EdgeState edge);
}
