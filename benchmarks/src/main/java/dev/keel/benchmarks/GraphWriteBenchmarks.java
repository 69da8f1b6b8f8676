package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.benchmarks.data.GraphData;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.SnapshotInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code GraphStore.save} of an in-memory snapshot (see {@link GraphData} for what it holds). Snapshots from
 * earlier operations are deleted before each one, and the stored node and edge counts checked after it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GraphWriteBenchmarks {
    @Param({"nodes", "edges", "graph"})
    public String shape;

    @Param({"100", "10000", "1000000"})
    public int rows;

    private Keel keel;
    private Connection conn;
    private GraphSnapshot snapshot;
    private UUID saved;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        keel = TargetDatabase.keel();
        conn = TargetDatabase.connect();
        snapshot = GraphData.snapshot(shape, rows);
    }

    @Setup(Level.Invocation)
    public void deleteSnapshots() throws SQLException {
        for (SnapshotInfo info : keel.graphs().list(GraphData.NAME, null)) {
            keel.graphs().delete(info.id());
        }
        saved = null;
        if (rows >= TargetDatabase.CHECKPOINT_FROM_ROWS) {
            TargetDatabase.checkpoint(conn);
        }
    }

    @TearDown(Level.Invocation)
    public void verifyRowCounts() throws SQLException {
        if (saved == null) {
            throw new IllegalStateException("GraphStore.save returned no id");
        }
        SnapshotInfo info = keel.graphs().info(saved)
                .orElseThrow(() -> new IllegalStateException("snapshot " + saved + " was not stored"));
        TargetDatabase.expectRows("GraphStore node count", GraphData.nodes(shape, rows), info.nodeCount());
        TargetDatabase.expectRows("GraphStore edge count", GraphData.edges(shape, rows), info.edgeCount());
        try (PreparedStatement ps = conn.prepareStatement("SELECT (SELECT count(*) FROM keel.graph_nodes WHERE "
                + "snapshot_id = ?), (SELECT count(*) FROM keel.graph_edges WHERE snapshot_id = ?)")) {
            ps.setObject(1, saved);
            ps.setObject(2, saved);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                TargetDatabase.expectRows("rows in keel.graph_nodes", GraphData.nodes(shape, rows), rs.getLong(1));
                TargetDatabase.expectRows("rows in keel.graph_edges", GraphData.edges(shape, rows), rs.getLong(2));
            }
        }
        conn.commit();
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        try {
            deleteSnapshots();
        } finally {
            conn.close();
            keel.close();
        }
    }

    @Benchmark
    public UUID graphStoreSave() {
        saved = keel.graphs().save(snapshot);
        return saved;
    }
}
