package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.benchmarks.data.GraphData;
import dev.keel.embedded.EmbeddedPostgres;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphStore;
import dev.keel.graph.SnapshotInfo;
import java.util.Locale;

/**
 * Finds where a graph save's two paths cross: saves the same checkpoint (n nodes, 3n edges) into shared storage
 * and into partitions of its own, alternating, one warm-up and five measured rounds per size, on a durable embedded
 * PostgreSQL (or the JDBC URL given as the first argument), and prints the median time of each:
 *
 * <pre>java -cp benchmarks/target/keel-benchmarks.jar dev.keel.benchmarks.GraphThresholdProbe [JDBC-URL]</pre>
 *
 * {@code GraphStore.SHARED_MAX_ROWS} is set from its output.
 */
public final class GraphThresholdProbe {
    private static final String PROPERTY = "keel.graph.sharedMaxRows";
    private static final int[] NODES = {100, 250, 500, 1_000, 1_500, 2_500, 5_000, 10_000};
    private static final int ROUNDS = 5;

    private GraphThresholdProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            run(args[0]);
            return;
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().durable(true).start()) {
            run(pg.jdbcUrl());
        }
    }

    private static void run(String url) throws Exception {
        TargetDatabase.prepare(url);
        System.setProperty(TargetDatabase.URL_PROPERTY, url);
        try (Keel shared = keel(Integer.MAX_VALUE); Keel partitioned = keel(0)) {
            System.out.println("| rows (nodes + 3 × edges) | shared storage | own partitions | shared ÷ own (time) |");
            System.out.println("|---:|---:|---:|---:|");
            for (int n : NODES) {
                GraphSnapshot g = GraphData.checkpoint(GraphData.NAME, n, 3 * n);
                double[] s = new double[ROUNDS];
                double[] p = new double[ROUNDS];
                for (int round = -1; round < ROUNDS; round++) {
                    boolean sharedFirst = (round & 1) == 0;
                    double a = time(sharedFirst ? shared : partitioned, g);
                    double b = time(sharedFirst ? partitioned : shared, g);
                    if (round >= 0) {
                        s[round] = sharedFirst ? a : b;
                        p[round] = sharedFirst ? b : a;
                    }
                }
                double ms = PairedTargets.median(s) * 1e3;
                double mp = PairedTargets.median(p) * 1e3;
                System.out.printf(Locale.ROOT, "| %,d | %.1f ms | %.1f ms | %.2f |%n", 4 * n, ms, mp, ms / mp);
            }
        }
    }

    /** A Keel whose graph store sends snapshots of up to {@code sharedMaxRows} rows to shared storage. */
    private static Keel keel(int sharedMaxRows) {
        System.setProperty(PROPERTY, Integer.toString(sharedMaxRows));
        try {
            Keel keel = TargetDatabase.keel();
            keel.graphs(); // the store reads the property when it is built
            return keel;
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    /** Seconds for one save; earlier snapshots are deleted first, outside the time. */
    private static double time(Keel keel, GraphSnapshot g) {
        GraphStore graphs = keel.graphs();
        for (SnapshotInfo info : graphs.list(GraphData.NAME, null)) {
            graphs.delete(info.id());
        }
        long start = System.nanoTime();
        SnapshotInfo info = graphs.save(GraphData.NAME, g.algorithm(), g.metadata(), g.nodes(), g.edges());
        double seconds = (System.nanoTime() - start) / 1e9;
        TargetDatabase.expectRows("stored nodes", g.nodes().size(), info.nodeCount());
        return seconds;
    }
}
