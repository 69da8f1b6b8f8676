package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.benchmarks.data.GraphData;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
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
import org.openjdk.jmh.infra.Blackhole;

/** {@code GraphStore.load} and {@code stream} of a snapshot saved once per trial; each checks what it read. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GraphReadBenchmarks {
    @Param({"nodes", "edges"})
    public String shape;

    @Param({"100", "10000", "1000000"})
    public int rows;

    private Keel keel;
    private UUID id;

    @Setup(Level.Trial)
    public void save() {
        keel = TargetDatabase.keel();
        for (SnapshotInfo info : keel.graphs().list(GraphData.NAME, null)) {
            keel.graphs().delete(info.id());
        }
        id = keel.graphs().save(GraphData.snapshot(shape, rows));
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            keel.graphs().delete(id);
        } finally {
            keel.close();
        }
    }

    /** Into memory: a {@link GraphSnapshot} with every node and edge. */
    @Benchmark
    public GraphSnapshot graphStoreLoad() {
        GraphSnapshot g = keel.graphs().load(id);
        TargetDatabase.expectRows("GraphStore.load nodes", GraphData.nodes(shape, rows), g.nodes().size());
        TargetDatabase.expectRows("GraphStore.load edges", GraphData.edges(shape, rows), g.edges().size());
        return g;
    }

    /** Through a visitor, with bounded memory. */
    @Benchmark
    public void graphStoreStream(Blackhole bh) {
        long[] counts = new long[2];
        keel.graphs().stream(id, new GraphVisitor() {
            @Override
            public void node(NodeState node) {
                bh.consume(node);
                counts[0]++;
            }

            @Override
            public void edge(EdgeState edge) {
                bh.consume(edge);
                counts[1]++;
            }
        });
        TargetDatabase.expectRows("GraphStore.stream nodes", GraphData.nodes(shape, rows), counts[0]);
        TargetDatabase.expectRows("GraphStore.stream edges", GraphData.edges(shape, rows), counts[1]);
    }
}
