package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.benchmarks.PairedTargets.Op;
import dev.keel.benchmarks.PairedTargets.Result;
import dev.keel.benchmarks.PairedTargets.Side;
import dev.keel.benchmarks.PairedTargets.Step;
import dev.keel.benchmarks.data.GraphData;
import dev.keel.graph.Direction;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphStore;
import dev.keel.graph.Hop;
import dev.keel.graph.Neighbour;
import dev.keel.graph.SnapshotInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The graph store's speed targets, measured in pairs by {@link PairedTargets}: saves of an algorithm's checkpoint
 * at three sizes against a hand-written binary COPY of the same rows ({@link GraphCopyYardstick}), the neighbour and
 * k-hop queries on a snapshot of n edges against hand-written SQL on the same index, and checkpoints per second with
 * eight savers against one.
 */
final class GraphPairedTargets {
    /** Saves per timed side at each size, so that one side lasts long enough to time. */
    private static final int SMALL_SAVES = 40;
    private static final int MEDIUM_SAVES = 4;
    private static final int QUERIES = 5_000;
    private static final int KHOPS = 600;
    private static final int SAVERS = 8;
    /** Checkpoints per saver per timed side (fewer for the smallest runs, which only show that targets run). */
    private final int checkpoints;

    private final PairedTargets pairs;
    private final int n;
    private final Consumer<String> progress;
    private final Blackhole blackhole = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    GraphPairedTargets(PairedTargets pairs, int n, Consumer<String> progress) {
        this.pairs = pairs;
        this.n = n;
        this.progress = progress;
        this.checkpoints = n < 10_000 ? 5 : 30;
    }

    List<Result> run() throws Exception {
        List<Result> out = new ArrayList<>();
        out.add(save(Math.min(100, n), 3 * Math.min(100, n), SMALL_SAVES, 0.5));
        out.add(save(Math.min(10_000, n), 3 * Math.min(10_000, n), MEDIUM_SAVES, 0.9));
        out.add(save(n, n, 1, 1.8));
        out.add(saveAgainstFirstSchemaIndexes());
        out.addAll(queries());
        out.add(savers());
        return out;
    }

    // ---- saves ------------------------------------------------------------------------------------------------

    private Result save(int nodes, int edges, int times, double atLeast) throws Exception {
        String what = String.format("GraphStore.save of %,d nodes + %,d edges ÷ pgjdbc COPY binary of the same rows "
                + "into tables with the same indexes, one transaction (time ÷ time)", nodes, edges);
        progress.accept(what);
        GraphSnapshot g = GraphData.checkpoint(GraphData.NAME, nodes, edges);
        try (Keel keel = TargetDatabase.keel(); GraphCopyYardstick copy = new GraphCopyYardstick()) {
            GraphStore graphs = keel.graphs();
            UUID[] saved = new UUID[1];
            Op[] mine = new Op[times];
            Op[] yardstick = new Op[times];
            for (int i = 0; i < times; i++) {
                mine[i] = new Op(() -> deleteAll(graphs, nodes + edges),
                        () -> saved[0] = graphs.save(g),
                        () -> TargetDatabase.expectRows("stored edges", edges,
                                graphs.info(saved[0]).orElseThrow().edgeCount()));
                yardstick[i] = new Op(() -> copy.empty(nodes + edges), () -> copy.copy(g), () -> copy.verify(g));
            }
            try {
                return pairs.measure(what, nodes + edges, atLeast, Side.of((long) times * (nodes + edges), mine),
                        Side.of((long) times * (nodes + edges), yardstick), true);
            } finally {
                deleteAll(graphs, 0);
            }
        }
    }

    /**
     * The save target as it stood before the query indexes: against {@code bench.graph_nodes} and
     * {@code bench.graph_edges}, which have only the primary key and the (snapshot_id, from_node) index, while the
     * save also builds the edges' to_node index and the nodes' distance and activation indexes. It shows what those
     * three indexes cost a large save.
     */
    private Result saveAgainstFirstSchemaIndexes() throws Exception {
        String what = "GraphStore.save of n nodes + n edges ÷ pgjdbc COPY binary into tables with only the primary "
                + "key and the from_node index (the save builds three indexes more; time ÷ time)";
        progress.accept(what);
        InsertBenchmarks nodes = new InsertBenchmarks();
        nodes.shape = "nodes";
        nodes.rows = n;
        InsertBenchmarks edges = new InsertBenchmarks();
        edges.shape = "edges";
        edges.rows = n;
        GraphWriteBenchmarks graph = new GraphWriteBenchmarks();
        graph.shape = "graph";
        graph.rows = n;
        nodes.open();
        edges.open();
        graph.open();
        try {
            Side yardstick = Side.of(2L * n, new Op(nodes::emptyTable, nodes::copyBinary, nodes::verifyRowCount),
                    new Op(edges::emptyTable, edges::copyBinary, edges::verifyRowCount));
            Side mine = Side.of(2L * n, new Op(graph::deleteSnapshots, graph::graphStoreSave, graph::verifyRowCounts));
            return pairs.measure(what, 2 * n, 1.3, mine, yardstick, true);
        } finally {
            graph.close();
            edges.close();
            nodes.close();
        }
    }

    private static void deleteAll(GraphStore graphs, int rowsToCome) throws SQLException {
        for (SnapshotInfo info : graphs.list(GraphData.NAME, null)) {
            graphs.delete(info.id());
        }
        if (rowsToCome >= TargetDatabase.CHECKPOINT_FROM_ROWS) {
            try (Connection c = TargetDatabase.connect()) {
                TargetDatabase.checkpoint(c);
            }
        }
    }

    // ---- queries ----------------------------------------------------------------------------------------------

    private List<Result> queries() throws Exception {
        GraphSnapshot g = GraphData.snapshot("edges", n);
        int nodes = g.nodes().size();
        progress.accept("GraphStore.neighbours and khop on a snapshot of " + n + " edges ÷ hand-written SQL");
        try (Keel keel = TargetDatabase.keel(); Connection c = TargetDatabase.connect()) {
            GraphStore graphs = keel.graphs();
            deleteAll(graphs, 0);
            UUID id = graphs.save(g);
            c.setAutoCommit(true);
            try (java.sql.Statement analyze = c.createStatement()) {
                analyze.execute("ANALYZE keel.graph_nodes"); // as autovacuum soon would
                analyze.execute("ANALYZE keel.graph_edges");
            }
            Step none = () -> { };
            List<Result> out = new ArrayList<>();
            try (PreparedStatement out1 = c.prepareStatement("SELECT from_node, to_node, edge_type, weight, "
                    + "properties::text FROM keel.graph_edges WHERE snapshot_id = ? AND from_node = ?");
                 PreparedStatement hop = c.prepareStatement("""
                         WITH RECURSIVE hop(node, depth) AS (
                             SELECT to_node, 1 FROM keel.graph_edges WHERE snapshot_id = ? AND from_node = ?
                           UNION
                             SELECT e.to_node, h.depth + 1 FROM hop h
                               JOIN keel.graph_edges e ON e.snapshot_id = ? AND e.from_node = h.node
                              WHERE h.depth < 3)
                         SELECT node, min(depth) FROM hop WHERE node <> ? GROUP BY node ORDER BY 2, 1 LIMIT 1000
                         """)) {
                Side mineNeighbours = Side.of(QUERIES, new Op(none, () -> {
                    for (int i = 0; i < QUERIES; i++) {
                        List<Neighbour> r = graphs.neighbours(id, node(i, nodes), Direction.OUT);
                        blackhole.consume(r);
                    }
                }, none));
                Side sqlNeighbours = Side.of(QUERIES, new Op(none, () -> {
                    for (int i = 0; i < QUERIES; i++) {
                        out1.setObject(1, id);
                        out1.setLong(2, node(i, nodes));
                        try (ResultSet rs = out1.executeQuery()) {
                            while (rs.next()) {
                                blackhole.consume(rs.getLong(1));
                                blackhole.consume(rs.getLong(2));
                                blackhole.consume(rs.getString(3));
                                blackhole.consume(rs.getDouble(4));
                                blackhole.consume(rs.getString(5));
                            }
                        }
                    }
                }, none));
                out.add(pairs.measure("GraphStore.neighbours(OUT) ÷ hand-written SELECT on the same index, "
                        + QUERIES + " nodes, snapshot of n edges (calls/s)", n, 0.8, mineNeighbours, sqlNeighbours,
                        false));
                Side mineKhop = Side.of(KHOPS, new Op(none, () -> {
                    for (int i = 0; i < KHOPS; i++) {
                        List<Hop> r = graphs.khop(id, node(i, nodes), 3, 1_000);
                        blackhole.consume(r);
                    }
                }, none));
                Side sqlKhop = Side.of(KHOPS, new Op(none, () -> {
                    for (int i = 0; i < KHOPS; i++) {
                        long start = node(i, nodes);
                        hop.setObject(1, id);
                        hop.setLong(2, start);
                        hop.setObject(3, id);
                        hop.setLong(4, start);
                        try (ResultSet rs = hop.executeQuery()) {
                            while (rs.next()) {
                                blackhole.consume(rs.getLong(1));
                                blackhole.consume(rs.getInt(2));
                            }
                        }
                    }
                }, none));
                out.add(pairs.measure("GraphStore.khop(k=3) ÷ hand-written recursive SQL on the same index, "
                        + KHOPS + " start nodes, snapshot of n edges (calls/s)", n, 0.8, mineKhop, sqlKhop, false));
            } finally {
                graphs.delete(id);
            }
            return out;
        }
    }

    /** The i-th node asked about: spread over the snapshot, the same for both sides. */
    private static long node(int i, int nodes) {
        return (i * 7_919L) % nodes;
    }

    // ---- savers -----------------------------------------------------------------------------------------------

    private Result savers() throws Exception {
        String what = "Checkpoints/s of a 1,000-node graph (+ 3,000 edges), " + SAVERS + " savers (names of their "
                + "own) ÷ 1 saver";
        progress.accept(what);
        GraphSnapshot g = GraphData.checkpoint(GraphData.NAME, 1_000, 3_000);
        try (Keel keel = TargetDatabase.keelBuilder().maxPoolSize(2 * SAVERS).build()) {
            GraphStore graphs = keel.graphs();
            ExecutorService threads = Executors.newFixedThreadPool(SAVERS);
            try {
                Step clear = () -> {
                    for (SnapshotInfo info : graphs.list()) {
                        if (info.name().startsWith(GraphData.NAME)) {
                            graphs.delete(info.id());
                        }
                    }
                };
                Side eight = Side.of((long) SAVERS * checkpoints, new Op(clear, () -> {
                    List<Future<?>> running = new ArrayList<>();
                    for (int t = 0; t < SAVERS; t++) {
                        String name = GraphData.NAME + "-" + t;
                        running.add(threads.submit(() -> saveCheckpoints(graphs, g, name)));
                    }
                    for (Future<?> f : running) {
                        f.get();
                    }
                }, none(graphs, SAVERS * checkpoints)));
                Side one = Side.of(checkpoints, new Op(clear, () -> saveCheckpoints(graphs, g, GraphData.NAME + "-0"),
                        none(graphs, checkpoints)));
                try {
                    return pairs.measure(what, 4_000, Double.NaN, eight, one, false);
                } finally {
                    clear.run();
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private Void saveCheckpoints(GraphStore graphs, GraphSnapshot g, String name) {
        for (int k = 0; k < checkpoints; k++) {
            graphs.save(name, g.algorithm(), g.metadata(), g.nodes(), g.edges());
        }
        return null;
    }

    /** Checks that {@code expected} checkpoints were stored. */
    private static Step none(GraphStore graphs, int expected) {
        return () -> TargetDatabase.expectRows("checkpoints stored", expected, graphs.list().stream()
                .filter(i -> i.name().startsWith(GraphData.NAME)).count());
    }
}
