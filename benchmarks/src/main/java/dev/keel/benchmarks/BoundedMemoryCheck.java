package dev.keel.benchmarks;

import dev.keel.BulkResult;
import dev.keel.BulkStrategy;
import dev.keel.Keel;
import dev.keel.benchmarks.db.tables.records.GraphNodesRecord;
import dev.keel.benchmarks.data.Shape;
import dev.keel.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Shows that a bulk load of any size runs in bounded memory: streams N rows of the graph_nodes shape (10M by
 * default) through {@code keel.bulk(...)} by COPY, or by the strategy named second, and prints the heap's peak.
 * Run it with a small heap:
 *
 * <pre>java -Xmx256m -cp benchmarks/target/keel-benchmarks.jar dev.keel.benchmarks.BoundedMemoryCheck 10000000 [MULTI_ROW]</pre>
 *
 * It exits with status 1 when PostgreSQL did not store exactly N rows.
 */
public final class BoundedMemoryCheck {
    private BoundedMemoryCheck() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000_000;
        BulkStrategy strategy = args.length > 1 ? BulkStrategy.valueOf(args[1]) : BulkStrategy.COPY;
        @SuppressWarnings("unchecked")
        Shape<GraphNodesRecord> nodes = (Shape<GraphNodesRecord>) Shape.named("nodes");
        try (EmbeddedPostgres pg = EmbeddedPostgres.ephemeral()) {
            String url = pg.jdbcUrl("postgres");
            TargetDatabase.prepare(url);
            try (Keel keel = Keel.builder().jdbcUrl(url).migrate(false).build()) {
                resetPeaks();
                Stream<GraphNodesRecord> input = IntStream.range(0, rows).mapToObj(i -> nodes.record(i, rows));
                BulkResult r = keel.bulk(nodes.table()).strategy(strategy).load(input);
                long stored = keel.dsl().fetchCount(nodes.table());
                long maxHeap = Runtime.getRuntime().maxMemory();
                System.out.printf("%,d rows by %s in %.1f s (%,.0f rows/s); stored %,d; heap peak at most %,d MiB "
                        + "(the sum of each heap pool's peak) of %,d MiB max%n",
                        r.rows(), r.strategy(), r.elapsed().toMillis() / 1000.0, r.rowsPerSecond(), stored,
                        peakHeap() >> 20, maxHeap >> 20);
                if (stored != rows) {
                    System.exit(1);
                }
            }
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
