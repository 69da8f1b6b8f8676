package dev.keel.cli;

import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.JSONB;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Save and load a random graph: Keel end to end on real data.",
                "Migrates, generates a random graph (the same for the same seed), saves it as a snapshot with a "
                        + "progress bar, streams it back, checks counts and a checksum, and prints rows/s, heap used, "
                        + "the snapshot id and where the data lives. The snapshot stays: see keel graph list."},
        footer = {"", "Examples:", "  keel demo --quick", "  keel demo --nodes 5000000 --edges 15000000 --seed 7",
                "", "Exit 3 when the graph read back differs from the one saved."})
final class DemoCommand implements Callable<Integer> {
    private static final long MIB = 1 << 20;

    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Option(names = "--nodes", paramLabel = "N", description = "Nodes to generate (default 1,000,000; 100,000 with --quick).")
    Long nodes;

    @Option(names = "--edges", paramLabel = "M", description = "Edges to generate (default 3,000,000; 300,000 with --quick).")
    Long edges;

    @Option(names = "--quick", description = "A smaller graph that takes seconds.")
    boolean quick;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "demo",
            description = "Snapshot name (default ${DEFAULT-VALUE}); each run adds a version.")
    String name;

    @Override
    public Integer call() {
        RandomGraph graph = new RandomGraph(seed, nodes != null ? nodes : quick ? 100_000 : 1_000_000,
                edges != null ? edges : quick ? 300_000 : 3_000_000);
        long rows = graph.nodes() + graph.edges();
        HeapWatch heap = new HeapWatch();
        try (DatabaseOptions.Session s = db.open(true, List.of())) {
            JSONB metadata = JSONB.valueOf(String.format("{\"generator\":\"keel demo\",\"seed\":%d,\"nodes\":%d,\"edges\":%d}",
                    seed, graph.nodes(), graph.edges()));
            // Nodes and edges are generated and saved side by side, each on its own thread and connection.
            GraphChecksum writtenNodes = new GraphChecksum();
            GraphChecksum writtenEdges = new GraphChecksum();
            AtomicLong sent = new AtomicLong();
            long start = System.nanoTime();
            SnapshotInfo info;
            try (Progress progress = output.progress("save", rows, " rows", 1)) {
                Iterable<NodeState> nodeRows = counted(graph.nodeRows(), writtenNodes::node, sent, progress, heap);
                Iterable<EdgeState> edgeRows = counted(graph.edgeRows(), writtenEdges::edge, sent, progress, heap);
                info = s.keel().graphs().save(name, "random", metadata, nodeRows, edgeRows);
            }
            GraphChecksum written = writtenNodes.plus(writtenEdges);
            double saveSeconds = seconds(start);

            GraphChecksum read = new GraphChecksum();
            start = System.nanoTime();
            try (Progress progress = output.progress("load", rows, " rows", 1)) {
                s.keel().graphs().stream(info.id(), new GraphVisitor() {
                    @Override
                    public void node(NodeState node) {
                        read.node(node);
                        step(progress, heap, read);
                    }

                    @Override
                    public void edge(EdgeState edge) {
                        read.edge(edge);
                        step(progress, heap, read);
                    }
                });
            }
            double loadSeconds = seconds(start);
            heap.sample();

            boolean countsMatch = info.nodeCount() == graph.nodes() && info.edgeCount() == graph.edges();
            boolean matches = countsMatch && written.matches(read);
            report(s, info, written, read, rows, saveSeconds, loadSeconds, heap, matches);
            if (!matches) {
                throw CliException.dataInvalid(String.format("the graph read back differs from the one saved: wrote %,d "
                                + "nodes, %,d edges (checksum %s); stored %,d and %,d; read back %,d and %,d (checksum %s)",
                        written.nodes(), written.edges(), written.value(), info.nodeCount(), info.edgeCount(),
                        read.nodes(), read.edges(), read.value()));
            }
        }
        return ExitCodes.OK;
    }

    /** {@code rows}, passing each row to {@code seen} and moving the shared progress bar as they are taken. */
    private static <T> Iterable<T> counted(Iterable<T> rows, java.util.function.Consumer<T> seen, AtomicLong sent,
                                           Progress progress, HeapWatch heap) {
        return () -> {
            Iterator<T> it = rows.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public T next() {
                    T row = it.next();
                    seen.accept(row);
                    long done = sent.incrementAndGet();
                    if ((done & 0xfff) == 0) {
                        synchronized (progress) {
                            progress.stepTo(done);
                            if ((done & 0xffff) == 0) {
                                heap.sample();
                            }
                        }
                    }
                    return row;
                }
            };
        };
    }

    private static void step(Progress progress, HeapWatch heap, GraphChecksum rows) {
        long done = rows.nodes() + rows.edges();
        progress.stepTo(done);
        if ((done & 0xffff) == 0) {
            heap.sample();
        }
    }

    private void report(DatabaseOptions.Session s, SnapshotInfo info, GraphChecksum written, GraphChecksum read,
                        long rows, double saveSeconds, double loadSeconds, HeapWatch heap, boolean matches) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("snapshotId", info.id().toString());
        out.put("name", info.name());
        out.put("version", info.version());
        out.put("seed", seed);
        out.put("nodes", read.nodes());
        out.put("edges", read.edges());
        out.put("checksum", read.value());
        out.put("verified", matches);
        out.put("saveSeconds", round(saveSeconds));
        out.put("saveRowsPerSecond", Math.round(rows / saveSeconds));
        out.put("loadSeconds", round(loadSeconds));
        out.put("loadRowsPerSecond", Math.round(rows / loadSeconds));
        out.put("peakHeapMiB", heap.peak() / MIB);
        out.put("retainedHeapMiB", heap.retained() / MIB);
        out.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / MIB);
        out.put("database", s.where());
        String text = String.join(System.lineSeparator(),
                String.format("%s %,d nodes and %,d edges; checksum %s %s.", matches ? "Saved and read back" : "MISMATCH:",
                        read.nodes(), read.edges(), read.value(),
                        matches ? "matches" : "differs from the saved " + written.value()),
                String.format("  save      %,11d rows in %6.1f s  %,9d rows/s", rows, saveSeconds, Math.round(rows / saveSeconds)),
                String.format("  load      %,11d rows in %6.1f s  %,9d rows/s", rows, loadSeconds, Math.round(rows / loadSeconds)),
                String.format("  heap      %,d MiB peak used (garbage included), %,d MiB live after GC, %,d MiB max",
                        heap.peak() / MIB, heap.retained() / MIB, Runtime.getRuntime().maxMemory() / MIB),
                String.format("  snapshot  %s (%s v%d)", info.id(), info.name(), info.version()),
                String.format("  data      %s", s.where()),
                "Next: keel graph list, keel graph export " + info.id() + " demo.jsonl.gz");
        output.result(out, text);
    }

    private static double seconds(long startNanos) {
        return Math.max(System.nanoTime() - startNanos, 1) / 1e9;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** The most heap seen in use, sampled as rows go by (cheap: two reads of the runtime's counters). */
    private static final class HeapWatch {
        private long peak;
        private long retained = -1;

        synchronized void sample() {
            Runtime r = Runtime.getRuntime();
            peak = Math.max(peak, r.totalMemory() - r.freeMemory());
        }

        long peak() {
            sample();
            return peak;
        }

        /** What is still reachable once the work is done: shows that nothing grew with the graph's size. */
        long retained() {
            if (retained < 0) {
                System.gc();
                Runtime r = Runtime.getRuntime();
                retained = r.totalMemory() - r.freeMemory();
            }
            return retained;
        }
    }
}
