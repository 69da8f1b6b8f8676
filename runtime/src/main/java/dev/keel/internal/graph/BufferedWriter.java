package dev.keel.internal.graph;

import dev.keel.graph.EdgeState;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.graph.SnapshotWriter;
import dev.keel.internal.bulk.BadValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.JSONB;

/**
 * A streaming save that holds its first rows in memory, up to the small-snapshot limit, checking each as it comes.
 * If the snapshot ends within the limit, {@link #commit} saves it the small way; the row after the limit opens a
 * large save, which is handed the held rows in order and every row after them.
 */
final class BufferedWriter implements SnapshotWriter {
    private final DataSource pool;
    private final String name;
    private final String algorithm;
    private final JSONB metadata;
    private final int limit;
    private final BooleanSupplier clearLeftovers;
    private final Supplier<SnapshotWriter> large;
    private List<NodeState> nodes = new ArrayList<>();
    private List<EdgeState> edges = new ArrayList<>();
    private SnapshotWriter delegate;
    private boolean done;

    BufferedWriter(DataSource pool, String name, String algorithm, JSONB metadata, int limit,
                   BooleanSupplier clearLeftovers, Supplier<SnapshotWriter> large) {
        this.clearLeftovers = clearLeftovers;
        this.pool = pool;
        this.name = name;
        this.algorithm = algorithm;
        this.metadata = metadata;
        this.limit = limit;
        this.large = large;
    }

    @Override
    public void node(NodeState node) {
        ensureOpen();
        if (delegate != null) {
            delegate.node(node);
            return;
        }
        NodeState n = requireNonNull(node, "node");
        try {
            SnapshotRows.check(n);
        } catch (BadValue e) {
            int index = nodes.size();
            close();
            throw Staging.badNode(name, index, n, e);
        }
        nodes.add(n);
        overflowIfFull();
    }

    @Override
    public void edge(EdgeState edge) {
        ensureOpen();
        if (delegate != null) {
            delegate.edge(edge);
            return;
        }
        EdgeState e = requireNonNull(edge, "edge");
        try {
            SnapshotRows.check(e);
        } catch (BadValue bad) {
            int index = edges.size();
            close();
            throw Staging.badEdge(name, index, e, bad);
        }
        edges.add(e);
        overflowIfFull();
    }

    private <T> T requireNonNull(T row, String what) {
        try {
            return Objects.requireNonNull(row, what);
        } catch (NullPointerException e) {
            close();
            throw PgGraphStore.propagate("save graph snapshot " + name, e);
        }
    }

    private void overflowIfFull() {
        if (nodes.size() + edges.size() <= limit) {
            return;
        }
        SnapshotWriter w = large.get();
        delegate = w;
        List<NodeState> heldNodes = nodes;
        List<EdgeState> heldEdges = edges;
        nodes = null;
        edges = null;
        heldNodes.forEach(w::node);
        heldEdges.forEach(w::edge);
    }

    @Override
    public long rowsWritten() {
        return delegate != null ? delegate.rowsWritten() : (long) nodes.size() + edges.size();
    }

    @Override
    public SnapshotInfo commit() {
        ensureOpen();
        if (delegate != null) {
            done = true;
            return delegate.commit();
        }
        List<NodeState> n = nodes;
        List<EdgeState> e = edges;
        close();
        return SharedSave.save(pool, name, algorithm, metadata, n, e, clearLeftovers.getAsBoolean());
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            nodes = null;
            edges = null;
            if (delegate != null) {
                delegate.close();
            }
        }
    }

    private void ensureOpen() {
        if (done) {
            throw new IllegalStateException("this snapshot writer is closed");
        }
    }
}
