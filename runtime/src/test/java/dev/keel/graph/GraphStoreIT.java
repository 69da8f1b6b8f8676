package dev.keel.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@KeelTest
class GraphStoreIT {
    private static Keel keel;
    private static GraphStore graphs;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(6).build();
        graphs = keel.graphs();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void empty() {
        for (SnapshotInfo s : graphs.list()) {
            graphs.delete(s.id());
        }
    }

    static GraphSnapshot randomGraph(String name, int nodeCount, int edgeCount, long seed) {
        Random rnd = new Random(seed);
        List<NodeState> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            long id = i * 7L + 3;
            JSONB props = i % 10 == 0 ? JSONB.valueOf("{\"label\": \"n" + i + "\", \"tags\": [\"ü\", " + i + "]}")
                    : JSONB.valueOf("{}");
            nodes.add(new NodeState(id, rnd.nextFloat(), props, rnd.nextBoolean(),
                    i % 3 == 0 ? null : rnd.nextFloat() * 100, i == 0 ? null : (long) rnd.nextInt(i) * 7 + 3));
        }
        List<EdgeState> edges = new ArrayList<>(edgeCount);
        for (int i = 0; i < edgeCount; i++) {
            long from = rnd.nextInt(nodeCount) * 7L + 3;
            long to = rnd.nextInt(nodeCount) * 7L + 3;
            edges.add(new EdgeState(from, to, i % 4 == 0 ? null : "type" + (i % 3), rnd.nextGaussian(),
                    i % 50 == 0 ? JSONB.valueOf("{\"w\": " + i + "}") : JSONB.valueOf("{}")));
        }
        return GraphSnapshot.of(name, "bfs", JSONB.valueOf("{\"seed\": " + seed + "}"), nodes, edges);
    }

    @Test
    void aHundredThousandNodesRoundTripNodeForNodeAndEdgeForEdge() {
        GraphSnapshot in = randomGraph("roundtrip", 100_000, 250_000, 42);

        UUID id = graphs.save(in);
        GraphSnapshot out = graphs.load(id);

        assertThat(out.info().id()).isEqualTo(id);
        assertThat(out.info().version()).isEqualTo(1);
        assertThat(out.info().nodeCount()).isEqualTo(100_000);
        assertThat(out.info().edgeCount()).isEqualTo(250_000);
        assertThat(out.info().createdAt()).isNotNull();
        assertThat(out.name()).isEqualTo("roundtrip");
        assertThat(out.algorithm()).isEqualTo("bfs");
        assertThat(out.metadata()).isEqualTo(in.metadata());
        assertThat(out.nodes()).hasSize(in.nodes().size());
        for (int i = 0; i < in.nodes().size(); i++) {
            assertThat(out.nodes().get(i)).as("node %d", i).isEqualTo(in.nodes().get(i));
        }
        for (int i = 0; i < in.edges().size(); i++) {
            assertThat(out.edges().get(i)).as("edge %d", i).isEqualTo(in.edges().get(i));
        }
        assertThat(out.edges()).hasSize(in.edges().size());
        // Stored through the partitioned parents, as one partition per snapshot.
        assertThat(keel.dsl().fetchOne("SELECT count(*) FROM keel.graph_nodes WHERE snapshot_id = '" + id + "'")
                .get(0, Long.class)).isEqualTo(100_000L);
        assertThat(keel.dsl().fetchOne("SELECT count(*) FROM keel.graph_edges WHERE snapshot_id = '" + id + "'")
                .get(0, Long.class)).isEqualTo(250_000L);
        assertThat(keel.dsl().fetchOne("SELECT count(*) FROM keel.graph_nodes_default").get(0, Long.class)).isZero();
    }

    @Test
    void aPoolOfOneLoadsOnOneConnectionAndRefusesSavesAtOnce() {
        GraphSnapshot in = randomGraph("one", 40_000, 30_000, 11); // enough rows for a load on two connections
        UUID id = graphs.save(in);
        try (Keel single = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(1).migrate(false).build()) {
            GraphSnapshot one = single.graphs().load(id);
            GraphSnapshot two = graphs.load(id);
            assertThat(one.nodes()).containsExactlyElementsOf(in.nodes());
            assertThat(one.edges()).containsExactlyElementsOf(in.edges());
            assertThat(two.nodes()).containsExactlyElementsOf(in.nodes());
            assertThat(two.edges()).containsExactlyElementsOf(in.edges());

            assertThatThrownBy(() -> single.graphs().save(in))
                    .isInstanceOf(KeelException.class).hasMessageContaining("maxPoolSize 1");
        }
        assertThat(graphs.list()).extracting(SnapshotInfo::id).containsExactly(id);
    }

    @Test
    void theStreamingWriterAcceptsNodesAndEdgesInAnyOrder() {
        GraphSnapshot in = randomGraph("streamed", 1_000, 3_000, 7);
        SnapshotInfo info;
        try (SnapshotWriter w = graphs.writer("streamed", "pagerank", null)) {
            for (int i = 0; i < 3_000; i++) {
                w.edge(in.edges().get(i));
                if (i < 1_000) {
                    w.node(in.nodes().get(i));
                }
            }
            assertThat(w.rowsWritten()).isEqualTo(4_000);
            info = w.commit();
        }
        List<NodeState> nodes = new ArrayList<>();
        List<EdgeState> edges = new ArrayList<>();
        SnapshotInfo[] header = new SnapshotInfo[1];
        graphs.stream(info.id(), new GraphVisitor() {
            @Override public void header(SnapshotInfo h) { header[0] = h; }
            @Override public void node(NodeState n) { nodes.add(n); }
            @Override public void edge(EdgeState e) { edges.add(e); }
        });
        assertThat(header[0]).isEqualTo(info);
        assertThat(nodes).isEqualTo(in.nodes());
        assertThat(edges).isEqualTo(in.edges());
        assertThat(info.algorithm()).isEqualTo("pagerank");
        assertThat(info.metadata()).isEqualTo(JSONB.valueOf("{}"));
    }

    @Test
    void concurrentSavesOfOneNameGetDistinctVersionsAndNoneIsLost() throws Exception {
        int threads = 8;
        int each = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<UUID>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                Callable<List<UUID>> work = () -> {
                    List<UUID> ids = new ArrayList<>();
                    for (int k = 0; k < each; k++) {
                        ids.add(graphs.save(randomGraph("shared", 200, 400, seed * 100 + k)));
                    }
                    return ids;
                };
                futures.add(pool.submit(work));
            }
            Set<UUID> ids = new HashSet<>();
            for (Future<List<UUID>> f : futures) {
                ids.addAll(f.get(120, TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(threads * each);
        } finally {
            pool.shutdownNow();
        }
        List<SnapshotInfo> saved = graphs.list("shared", null);
        assertThat(saved).hasSize(threads * each);
        assertThat(saved).extracting(SnapshotInfo::version).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(1, threads * each).boxed().toList());
        assertThat(graphs.latest("shared")).map(SnapshotInfo::version).contains(threads * each);
    }

    @Test
    void anEdgeToAMissingNodeIsRejectedAndNothingIsStored() {
        GraphSnapshot good = randomGraph("dangling", 500, 1_000, 3);
        List<EdgeState> edges = new ArrayList<>(good.edges());
        edges.set(777, new EdgeState(3, 999_999, "knows", 1.0, null));
        GraphSnapshot bad = GraphSnapshot.of("dangling", "bfs", null, good.nodes(), edges);

        assertThatThrownBy(() -> graphs.save(bad))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("edge 3 -> 999999 names node 999999, which is not in the snapshot");
        assertNothingStored();
    }

    @Test
    void duplicateNodeIdsAreRejectedAndNothingIsStored() {
        GraphSnapshot good = randomGraph("dupes", 500, 0, 3);
        List<NodeState> nodes = new ArrayList<>(good.nodes());
        nodes.add(NodeState.of(nodes.get(10).id()));

        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("dupes", "bfs", null, nodes, List.of())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node id " + nodes.get(10).id() + " appears more than once");
        assertNothingStored();
    }

    @Test
    void streamedSavesAreCheckedInTheDatabase() {
        // Nodes that are not a collection cannot be checked in memory first; the staged tables are checked instead.
        GraphSnapshot good = randomGraph("streamed", 500, 1_000, 4);
        Iterable<NodeState> nodes = () -> good.nodes().iterator();
        List<EdgeState> dangling = new ArrayList<>(good.edges());
        dangling.set(321, new EdgeState(999_998, 3, null, 1.0, null));
        assertThatThrownBy(() -> graphs.save("streamed", "bfs", null, nodes, dangling))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("edge 999998 -> 3 names node 999998, which is not in the snapshot");

        List<NodeState> twice = new ArrayList<>(good.nodes());
        twice.add(NodeState.of(good.nodes().get(42).id()));
        assertThatThrownBy(() -> graphs.save("streamed", "bfs", null, () -> twice.iterator(), good.edges()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node id " + good.nodes().get(42).id() + " appears more than once");
        assertNothingStored();

        SnapshotInfo saved = graphs.save("streamed", "bfs", null, nodes, good.edges());
        assertThat(saved.nodeCount()).isEqualTo(500);
        assertThat(saved.edgeCount()).isEqualTo(1_000);
    }

    @Test
    void badValuesAreRejectedBeforeAnythingIsStored() {
        GraphSnapshot good = randomGraph("bad", 100, 100, 5);
        List<NodeState> nodes = new ArrayList<>(good.nodes());
        nodes.set(40, new NodeState(nodes.get(40).id(), Float.NaN, null, false, null, null));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("bad", "bfs", null, nodes, good.edges())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node 40 (0-based").hasMessageContaining("activation level NaN");

        List<EdgeState> edges = new ArrayList<>(good.edges());
        edges.set(9, new EdgeState(edges.get(9).from(), edges.get(9).to(), null, 1, JSONB.valueOf("[1, 2]")));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("bad", "bfs", null, good.nodes(), edges)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("edge 9 (0-based").hasMessageContaining("must be a JSON object");

        // JSON syntax is PostgreSQL's to check; its refusal still names the edge or node, and stores nothing.
        edges.set(9, new EdgeState(edges.get(9).from(), edges.get(9).to(), null, 1, JSONB.valueOf("{\"a\": tru}")));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("bad", "bfs", null, good.nodes(), edges)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.sqlState()).isEqualTo("22P02"))
                .hasMessageContaining("edge 9 (0-based)").hasMessageContaining("invalid input syntax for type json");
        List<NodeState> badJson = new ArrayList<>(good.nodes());
        badJson.set(70, new NodeState(badJson.get(70).id(), 0.5f, JSONB.valueOf("{\"k\": }"), false, null, null));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("bad", "bfs", null, badJson, good.edges())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node 70 (0-based)").hasMessageContaining("invalid input syntax for type json");

        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("bad", "bfs", JSONB.valueOf("[1]"), List.of(),
                List.of()))).isInstanceOf(InvalidInputException.class).hasMessageContaining("metadata must be a JSON object");
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("bad", null, null, List.of(), List.of())))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.name()).isEqualTo("algorithm"));
        assertNothingStored();
    }

    @Test
    void aWriterClosedWithoutCommitStoresNothing() {
        try (SnapshotWriter w = graphs.writer("abandoned", "bfs", null)) {
            w.node(NodeState.of(1));
            w.node(NodeState.of(2));
            w.edge(EdgeState.of(1, 2));
        }
        assertNothingStored();
    }

    @Test
    void latestListAndDelete() {
        UUID a1 = graphs.save(randomGraph("a", 10, 10, 1));
        UUID a2 = graphs.save(randomGraph("a", 10, 10, 2));
        UUID b1 = graphs.save(GraphSnapshot.of("b", "dfs", null, List.of(NodeState.of(1)), List.of()));

        assertThat(graphs.latest("a")).map(SnapshotInfo::id).contains(a2);
        assertThat(graphs.latest("nope")).isEmpty();
        assertThat(graphs.list()).extracting(SnapshotInfo::id).containsExactlyInAnyOrder(a1, a2, b1);
        assertThat(graphs.list(null, "dfs")).extracting(SnapshotInfo::id).containsExactly(b1);
        assertThat(graphs.info(a1)).map(SnapshotInfo::version).contains(1);

        assertThat(graphs.delete(a2)).isTrue();
        assertThat(graphs.delete(a2)).isFalse();
        assertThatThrownBy(() -> graphs.load(a2)).isInstanceOf(NotFoundException.class);
        assertThat(graphs.latest("a")).map(SnapshotInfo::id).contains(a1);
        assertThat(graphs.load(a1).nodes()).hasSize(10);
        assertThat(keel.dsl().fetchOne("SELECT to_regclass('keel.graph_nodes_" + a2.toString().replace("-", "")
                + "') IS NULL").get(0, Boolean.class)).isTrue();
    }

    @Test
    void anEmptyGraphSavesAndLoads() {
        UUID id = graphs.save(GraphSnapshot.of("empty", "none", null, List.of(), List.of()));
        GraphSnapshot back = graphs.load(id);
        assertThat(back.nodes()).isEmpty();
        assertThat(back.edges()).isEmpty();
    }

    @Test
    void aVisitorThatThrowsLeavesThePoolUsable() {
        UUID id = graphs.save(randomGraph("big", 50_000, 50_000, 9));
        for (int i = 0; i < 8; i++) {
            assertThatThrownBy(() -> graphs.stream(id, new GraphVisitor() {
                int seen;
                @Override public void node(NodeState n) {
                    if (++seen == 1_000) {
                        throw new IllegalStateException("enough");
                    }
                }
                @Override public void edge(EdgeState e) { }
            })).isInstanceOf(IllegalStateException.class).hasMessage("enough");
        }
        assertThat(graphs.load(id).nodes()).hasSize(50_000);
        assertThat(keel.health().isHealthy()).isTrue();
    }

    @Test
    void leftoversOfADeadSaveAreDroppedButALiveSavesTablesAreKept() throws Exception {
        String dead = UUID.randomUUID().toString().replace("-", "");
        UUID liveId = UUID.randomUUID();
        String live = liveId.toString().replace("-", "");
        try (Connection owner = DriverManager.getConnection(db.jdbcUrl());
             Statement st = owner.createStatement()) {
            st.execute("CREATE TABLE keel.graph_nodes_" + dead + " (LIKE keel.graph_nodes)");
            st.execute("CREATE TABLE keel.graph_edges_" + dead + " (LIKE keel.graph_edges)");
            st.execute("CREATE TABLE keel.graph_nodes_" + live + " (LIKE keel.graph_nodes)");
            st.execute("SELECT pg_advisory_lock(" + 0x4B45454C + ", " + liveId.hashCode() + ")");

            // A large save clears leftovers each time, a small one on its store's first small save.
            try (Keel fresh = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).migrate(false).build()) {
                fresh.graphs().save(GraphSnapshot.of("after", "bfs", null, List.of(NodeState.of(1)), List.of()));
            }

            assertThat(exists("keel.graph_nodes_" + dead)).isFalse();
            assertThat(exists("keel.graph_edges_" + dead)).isFalse();
            assertThat(exists("keel.graph_nodes_" + live)).isTrue();
            st.execute("DROP TABLE keel.graph_nodes_" + live);
        }
    }

    @Test
    void readmeExample() {
        // readme:start graphs
        GraphStore graphs = keel.graphs();
        UUID id = graphs.save(GraphSnapshot.of("routes", "dijkstra", JSONB.valueOf("{\"source\": 1}"),
                List.of(new NodeState(1, 1.0f, null, true, 0f, null),
                        new NodeState(2, 0.5f, JSONB.valueOf("{\"city\": \"Kraków\"}"), true, 4.5f, 1L)),
                List.of(new EdgeState(1, 2, "road", 4.5, null))));

        GraphSnapshot back = graphs.load(id);                   // nodes and edges in saved order
        SnapshotInfo latest = graphs.latest("routes").orElseThrow();   // version 1, 2, … per name
        List<SnapshotInfo> all = graphs.list("routes", null);

        try (SnapshotWriter w = graphs.writer("routes", "dijkstra", null)) {   // larger than memory: stream
            w.node(NodeState.of(1));
            w.node(NodeState.of(2));
            w.edge(EdgeState.of(1, 2));
            w.commit();                                         // checks ids and edge ends, then publishes
        }
        graphs.delete(id);
        // readme:end graphs
        assertThat(back.nodes()).hasSize(2);
        assertThat(latest.version()).isEqualTo(1);
        assertThat(all).hasSize(1);
        assertThat(graphs.latest("routes")).map(SnapshotInfo::version).contains(2);
        assertThat(graphs.info(id)).isEmpty();
    }

    @Test
    void readmeQueriesExample() {
        GraphStore graphs = keel.graphs();
        List<NodeState> nodes = List.of(new NodeState(1, 1.0f, null, true, 0f, null),
                new NodeState(2, 0.8f, null, true, 1f, 1L), new NodeState(3, 0.4f, null, true, 2f, 2L),
                new NodeState(4, 0.1f, null, false, null, null));
        List<EdgeState> edges = List.of(EdgeState.of(1, 2), EdgeState.of(2, 3), EdgeState.of(3, 1),
                EdgeState.of(3, 4));
        UUID older = graphs.save(GraphSnapshot.of("bfs-run", "bfs", null, nodes, edges));
        UUID id = graphs.save(GraphSnapshot.of("bfs-run", "bfs", null, nodes.subList(0, 3), edges.subList(0, 3)));
        // readme:start graph-queries
        List<Neighbour> next = graphs.neighbours(id, 2, Direction.OUT);      // each with its edge
        List<EdgeState> between = graphs.edges(id, 2, 3);
        List<Hop> near = graphs.khop(id, 1, 3, 100);                         // node ids with their depth
        List<NodeState> path = graphs.pathTo(id, 3);                         // root first: 1, 2, 3
        try (Stream<NodeState> reached = graphs.nodes(id, NodeFilter.all().visited(true).distanceAtMost(1))) {
            reached.forEach(n -> System.out.println(n.id()));
        }
        try (Stream<NodeChange> changes = graphs.diff(older, id)) {           // added, removed, changed
            changes.forEach(c -> System.out.println(c.kind() + " " + c.nodeId()));
        }

        GraphSnapshot latest = graphs.load("bfs-run");                        // the newest version of a name
        List<SnapshotInfo> versions = graphs.history("bfs-run");              // newest first
        int deleted = graphs.keep("bfs-run", 1);                              // drop all but the newest
        // readme:end graph-queries
        assertThat(next).extracting(Neighbour::nodeId).containsExactly(3L);
        assertThat(between).hasSize(1);
        assertThat(near).containsExactly(new Hop(2, 1), new Hop(3, 2));
        assertThat(path).extracting(NodeState::id).containsExactly(1L, 2L, 3L);
        assertThat(latest.info().id()).isEqualTo(id);
        assertThat(versions).extracting(SnapshotInfo::id).containsExactly(id, older);
        assertThat(deleted).isOne();
        assertThat(graphs.info(older)).isEmpty();
    }

    private static boolean exists(String table) {
        return keel.dsl().fetchOne("SELECT to_regclass('" + table + "') IS NOT NULL").get(0, Boolean.class);
    }

    private static void assertNothingStored() {
        assertThat(graphs.list()).isEmpty();
        assertThat(keel.dsl().fetchOne("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'keel' AND c.relname ~ '^graph_(nodes|edges)_[0-9a-f]{32}$'").get(0, Long.class))
                .as("no staging table is left").isZero();
        assertThat(keel.dsl().fetchOne("SELECT count(*) FROM keel.graph_nodes").get(0, Long.class)).isZero();
    }
}
