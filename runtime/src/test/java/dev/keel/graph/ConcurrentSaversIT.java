package dev.keel.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Eight threads save snapshots at once, half of them under one shared name and half under names of their own, small
 * ones into shared storage and large ones into partitions of their own, while two readers watch: every snapshot a
 * reader can see is whole, and no row is visible without its snapshot.
 */
@KeelTest
class ConcurrentSaversIT {
    static final int THREADS = 8;
    static final int SAVES = 4; // per thread; the second is large
    static Keel keel;
    static String url;

    @BeforeAll
    static void start(TestDatabase db) {
        url = db.jdbcUrl();
        keel = Keel.builder().jdbcUrl(url).maxPoolSize(10).build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    /** Snapshot {@code k} of thread {@code t}: its size and content follow from (t, k). */
    static GraphSnapshot snapshot(String name, int t, int k) {
        int nodes = k == 1 ? GraphStore.SHARED_MAX_ROWS / 2 + 1 : 150 + 10 * t;
        GraphSnapshot g = GraphStoreIT.randomGraph(name, nodes, nodes, t * 100L + k);
        return GraphSnapshot.of(name, "bfs", JSONB.valueOf("{\"t\": " + t + ", \"k\": " + k + "}"), g.nodes(),
                g.edges());
    }

    /** A number field of snapshot metadata; jsonb keeps its own key order, so it is looked up by name. */
    static int field(JSONB metadata, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\": (\\d+)").matcher(metadata.data());
        assertThat(m.find()).as("%s in %s", key, metadata).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static String name(int t) {
        return t % 2 == 0 ? "together" : "alone-" + t;
    }

    @Test
    void versionsAreUniqueAndGaplessPerNameAndNoSaveIsSeenHalfDone() throws Exception {
        GraphStore graphs = keel.graphs();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2);
        AtomicBoolean saving = new AtomicBoolean(true);
        Map<UUID, int[]> saved = new ConcurrentHashMap<>();
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger orphanChecks = new AtomicInteger();
        try {
            List<Future<?>> savers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                savers.add(pool.submit(() -> {
                    for (int k = 0; k < SAVES; k++) {
                        saved.put(graphs.save(snapshot(name(thread), thread, k)), new int[] {thread, k});
                    }
                    return null;
                }));
            }
            // Reader 1: every listed snapshot loads whole and equals what its saver sent.
            Future<?> loader = pool.submit(() -> {
                while (saving.get()) {
                    for (SnapshotInfo info : graphs.list()) {
                        GraphSnapshot back = graphs.load(info.id());
                        int t = field(back.metadata(), "t");
                        int k = field(back.metadata(), "k");
                        GraphSnapshot sent = snapshot(info.name(), t, k);
                        assertThat(back.nodes()).isEqualTo(sent.nodes());
                        assertThat(back.edges()).isEqualTo(sent.edges());
                        checked.incrementAndGet();
                    }
                }
                return null;
            });
            // Reader 2: no node or edge is visible through the tables without its snapshot's row. (The converse,
            // a row without all its nodes, is what reader 1 checks through the API: one plain SQL statement over the
            // parents may be planned before a large save attaches its partitions and run after it commits.)
            Future<?> orphans = pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    while (saving.get()) {
                        try (ResultSet rs = st.executeQuery("""
                                SELECT (SELECT count(*) FROM keel.graph_nodes n WHERE NOT EXISTS
                                            (SELECT 1 FROM keel.graph_snapshots s WHERE s.id = n.snapshot_id))
                                     + (SELECT count(*) FROM keel.graph_edges e WHERE NOT EXISTS
                                            (SELECT 1 FROM keel.graph_snapshots s WHERE s.id = e.snapshot_id))
                                """)) {
                            rs.next();
                            assertThat(rs.getLong(1)).as("rows without their snapshot").isZero();
                            orphanChecks.incrementAndGet();
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            try {
                for (Future<?> f : savers) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                saving.set(false);
            }
            loader.get(60, TimeUnit.SECONDS);
            orphans.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(saved).hasSize(THREADS * SAVES);
        assertThat(checked.get()).as("snapshots the reader loaded while saves ran").isPositive();
        assertThat(orphanChecks.get()).isPositive();

        Map<String, List<Integer>> versions = graphs.list().stream().collect(Collectors.groupingBy(
                SnapshotInfo::name, Collectors.mapping(SnapshotInfo::version, Collectors.toList())));
        assertThat(versions.get("together")).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, THREADS / 2 * SAVES).boxed().toList());
        for (int t = 1; t < THREADS; t += 2) {
            assertThat(versions.get(name(t))).containsExactlyInAnyOrder(1, 2, 3, 4);
        }
        // Each thread's own saves of one name got increasing versions, in the order it saved them.
        for (int t = 1; t < THREADS; t += 2) {
            int thread = t;
            List<Integer> inOrder = saved.entrySet().stream().filter(e -> e.getValue()[0] == thread)
                    .sorted((a, b) -> Integer.compare(a.getValue()[1], b.getValue()[1]))
                    .map(e -> graphs.info(e.getKey()).orElseThrow().version()).toList();
            assertThat(inOrder).containsExactly(1, 2, 3, 4);
        }
        long large = graphs.list().stream().filter(i -> i.nodeCount() > GraphStore.SHARED_MAX_ROWS / 2).count();
        assertThat(large).isEqualTo(THREADS);
        for (Map.Entry<UUID, int[]> e : saved.entrySet()) {
            GraphSnapshot back = graphs.load(e.getKey());
            GraphSnapshot sent = snapshot(back.name(), e.getValue()[0], e.getValue()[1]);
            assertThat(back.nodes()).isEqualTo(sent.nodes());
            assertThat(back.edges()).isEqualTo(sent.edges());
        }
    }
}
