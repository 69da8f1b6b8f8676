package dev.keel.internal.graph;

import dev.keel.Keel;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphStore;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.SnapshotInfo;
import dev.keel.graph.SnapshotWriter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.JSONB;

/** The graph store on PostgreSQL. */
public final class PgGraphStore implements GraphStore {
    public PgGraphStore(javax.sql.DataSource pool, dev.keel.internal.MetricsCollector metrics) {
    }

    @Override public UUID save(GraphSnapshot snapshot) { throw new UnsupportedOperationException(); }
    @Override public SnapshotWriter writer(String name, String algorithm, JSONB metadata) { throw new UnsupportedOperationException(); }
    @Override public GraphSnapshot load(UUID id) { throw new UnsupportedOperationException(); }
    @Override public void stream(UUID id, GraphVisitor visitor) { throw new UnsupportedOperationException(); }
    @Override public Optional<SnapshotInfo> info(UUID id) { throw new UnsupportedOperationException(); }
    @Override public Optional<SnapshotInfo> latest(String name) { throw new UnsupportedOperationException(); }
    @Override public List<SnapshotInfo> list(String name, String algorithm) { throw new UnsupportedOperationException(); }
    @Override public boolean delete(UUID id) { throw new UnsupportedOperationException(); }
}
