package dev.keel.internal.graph;

import dev.keel.graph.EdgeState;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.graph.SnapshotWriter;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/** A streaming save fed from one thread. */
final class StreamingWriter implements SnapshotWriter {
    private final Staging staging;
    private final Semaphore slot;
    private boolean done;

    StreamingWriter(Staging staging, Semaphore slot) {
        this.staging = staging;
        this.slot = slot;
    }

    @Override
    public void node(NodeState node) {
        ensureOpen();
        try {
            staging.node(Objects.requireNonNull(node, "node"));
        } catch (SQLException | RuntimeException e) {
            throw fail(e);
        }
    }

    @Override
    public void edge(EdgeState edge) {
        ensureOpen();
        try {
            staging.edge(Objects.requireNonNull(edge, "edge"));
        } catch (SQLException | RuntimeException e) {
            throw fail(e);
        }
    }

    @Override
    public long rowsWritten() {
        return staging.nodeCount() + staging.edgeCount();
    }

    @Override
    public SnapshotInfo commit() {
        ensureOpen();
        try {
            return staging.publish();
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            try {
                staging.close();
            } finally {
                slot.release();
            }
        }
    }

    private RuntimeException fail(Exception e) {
        close();
        return PgGraphStore.propagate("save graph snapshot " + staging.name, e);
    }

    private void ensureOpen() {
        if (done) {
            throw new IllegalStateException("this snapshot writer is closed");
        }
    }
}
