package dev.keel.graph;

/**
 * A snapshot being saved one node or edge at a time, in any order, with bounded memory. Nothing is visible to
 * readers until {@link #commit()} returns; {@link #close()} without commit discards everything written.
 * Not thread-safe: feed it from one thread.
 */
public interface SnapshotWriter extends AutoCloseable {
    void node(NodeState node);

    void edge(EdgeState edge);

    /** Nodes and edges accepted so far. */
    long rowsWritten();

    /**
     * Checks the graph (unique node ids, no edge to a missing node), then publishes it with the next version
     * for its name.
     *
     * @throws dev.keel.error.InvalidInput when a check fails; nothing is stored
     */
    SnapshotInfo commit();

    /** Discards the snapshot unless committed. */
    @Override
    void close();
}
