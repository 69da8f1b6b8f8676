package dev.keel.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.internal.graph.SnapshotQueries;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queries on a stored snapshot, against the same graph stored both ways (shared storage and partitions of its
 * own), each answer checked against the graph computed in memory, and each query's plan checked to use an index.
 */
@KeelTest
class GraphQueriesIT {
    /** Nodes of the large copy: with two edges per node, well over the small-snapshot limit. */
    static final int LARGE = GraphStore.SHARED_MAX_ROWS / 3 + 2_000;
    static final int SMALL = 300;

    static Keel keel;
    static GraphStore graphs;
    static String url;
    static GraphSnapshot small;
    static GraphSnapshot large;
    static UUID smallId;
    static UUID largeId;

    @BeforeAll
    static void start(TestDatabase db) throws SQLException {
        url = db.jdbcUrl();
        keel = Keel.builder().jdbcUrl(url).maxPoolSize(4).build();
        graphs = keel.graphs();
        // Other small snapshots share the default partitions, as they would in use.
        for (int i = 0; i < 30; i++) {
            graphs.save(graph("other-" + i, SMALL, i));
        }
        small = graph("search", SMALL, 0);
        large = graph("search", LARGE, 0);
        smallId = graphs.save(small);
        largeId = graphs.save(large);
        // What autovacuum does soon after a save; the plans below are the ones it leads to.
        execute("ANALYZE keel.graph_nodes; ANALYZE keel.graph_edges");
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    /**
     * Nodes 0..n-1 with edges i -> i+1 and i -> 2i+1 (mod n), a self-loop at 0 and a parallel edge 5 -> 6, so
     * the graph has cycles and many paths to one node; parents form a binary tree, distance is the tree depth.
     */
    static GraphSnapshot graph(String name, int n, int salt) {
        List<NodeState> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int depth = 31 - Integer.numberOfLeadingZeros(i + 1);
            nodes.add(new NodeState(i, ((i * 37 + salt) % 100) / 100f, JSONB.valueOf("{\"i\": " + i + "}"),
                    i % 3 != 2, i % 11 == 10 ? null : (float) depth, i == 0 ? null : (long) (i - 1) / 2));
        }
        List<EdgeState> edges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            edges.add(new EdgeState(i, (i + 1) % n, "next", 1.0, null));
            edges.add(new EdgeState(i, (2L * i + 1) % n, "double", 2.0, null));
        }
        edges.add(new EdgeState(0, 0, "self", 0.5, null));
        edges.add(new EdgeState(5, 6, "again", 3.0, JSONB.valueOf("{\"parallel\": true}")));
        return GraphSnapshot.of(name, "bfs", null, nodes, edges);
    }

    static List<GraphSnapshot> both() {
        return List.of(small, large);
    }

    static UUID id(GraphSnapshot g) {
        return g == small ? smallId : largeId;
    }

    @Test
    void theTwoCopiesAreStoredOneInSharedStorageAndOneInItsOwnPartitions() {
        assertThat(keel.dsl().fetchValue("SELECT shared FROM keel.graph_snapshots WHERE id = '" + smallId + "'"))
                .isEqualTo(true);
        assertThat(keel.dsl().fetchValue("SELECT shared FROM keel.graph_snapshots WHERE id = '" + largeId + "'"))
                .isEqualTo(false);
        assertThat(keel.dsl().fetchValue("SELECT count(*) FROM keel.graph_nodes_default WHERE snapshot_id = '"
                + smallId + "'")).isEqualTo((long) SMALL);
    }

    @Test
    void neighboursFollowEdgesOutInAndBothWays() {
        for (GraphSnapshot g : both()) {
            UUID id = id(g);
            for (long node : new long[] {0, 5, 6, 17, g.nodes().size() - 1L}) {
                List<Neighbour> out = graphs.neighbours(id, node, Direction.OUT);
                List<Neighbour> in = graphs.neighbours(id, node, Direction.IN);
                List<EdgeState> expectedOut = g.edges().stream().filter(e -> e.from() == node).toList();
                List<EdgeState> expectedIn = g.edges().stream().filter(e -> e.to() == node).toList();
                assertThat(out).extracting(Neighbour::edge).as("out of %d", node).isEqualTo(expectedOut);
                assertThat(out).extracting(Neighbour::nodeId).isEqualTo(expectedOut.stream().map(EdgeState::to)
                        .toList());
                assertThat(in).extracting(Neighbour::edge).as("into %d", node).isEqualTo(expectedIn);
                assertThat(in).extracting(Neighbour::nodeId).isEqualTo(expectedIn.stream().map(EdgeState::from)
                        .toList());
                List<Neighbour> all = graphs.neighbours(id, node, Direction.BOTH);
                assertThat(all).hasSize(out.size() + in.size());
                assertThat(all.subList(0, out.size())).isEqualTo(out);
                assertThat(all).extracting(Neighbour::direction).containsOnly(Direction.OUT, Direction.IN);
            }
            assertThat(graphs.neighbours(id, 999_999_999, Direction.BOTH)).isEmpty();
        }
    }

    @Test
    void edgesBetweenTwoNodesIncludeParallelEdgesInSavedOrder() {
        for (GraphSnapshot g : both()) {
            List<EdgeState> five = graphs.edges(id(g), 5, 6);
            assertThat(five).extracting(EdgeState::type).containsExactly("next", "again");
            assertThat(five.get(1).properties()).isEqualTo(JSONB.valueOf("{\"parallel\": true}"));
            assertThat(graphs.edges(id(g), 0, 0)).extracting(EdgeState::type).containsExactly("self");
            assertThat(graphs.edges(id(g), 6, 5)).isEmpty();
        }
    }

    @Test
    void khopMatchesABreadthFirstSearchInMemory() {
        for (GraphSnapshot g : both()) {
            for (int k : new int[] {1, 2, 3, 6}) {
                List<Hop> expected = bfs(g, 1, k);
                assertThat(graphs.khop(id(g), 1, k, 10_000)).as("k=%d", k).isEqualTo(expected);
                assertThat(graphs.khop(id(g), 1, k, 5)).isEqualTo(expected.subList(0, Math.min(5, expected.size())));
            }
        }
    }

    @Test
    void khopTerminatesOnACliqueWherePathsWouldExplode() {
        // 40 nodes, every node linked to every other: 40^12 paths of length 12, but 40 nodes per depth.
        List<NodeState> nodes = new ArrayList<>();
        List<EdgeState> edges = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            nodes.add(NodeState.of(i));
            for (int j = 0; j < 40; j++) {
                edges.add(EdgeState.of(i, j));
            }
        }
        UUID id = graphs.save(GraphSnapshot.of("clique", "none", null, nodes, edges));
        long started = System.nanoTime();
        List<Hop> hops = graphs.khop(id, 0, 12, 100);
        assertThat(hops).hasSize(39).allMatch(h -> h.depth() == 1);
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms").isLessThan(5_000);
    }

    @Test
    void pathToFollowsParentsBackToTheRootAndStopsAtACycle() {
        for (GraphSnapshot g : both()) {
            List<NodeState> path = graphs.pathTo(id(g), 22);
            assertThat(path).extracting(NodeState::id).containsExactly(0L, 1L, 4L, 10L, 22L);
            assertThat(path.get(4)).isEqualTo(g.nodes().get(22));
            assertThat(graphs.pathTo(id(g), 0)).extracting(NodeState::id).containsExactly(0L);
            assertThat(graphs.pathTo(id(g), -1)).isEmpty();
        }
        UUID looped = graphs.save(GraphSnapshot.of("looped", "none", null, List.of(
                new NodeState(1, 0, null, true, 1f, 3L), new NodeState(2, 0, null, true, 2f, 1L),
                new NodeState(3, 0, null, true, 3f, 2L), new NodeState(4, 0, null, true, 4f, 3L),
                new NodeState(5, 0, null, true, 1f, 99L)), List.of()));
        assertThat(graphs.pathTo(looped, 4)).extracting(NodeState::id).containsExactly(1L, 2L, 3L, 4L);
        assertThat(graphs.pathTo(looped, 5)).extracting(NodeState::id).containsExactly(5L); // parent 99 is missing
    }

    @Test
    void nodesStreamWhatTheFilterSelects() {
        List<NodeFilter> filters = List.of(NodeFilter.all(), NodeFilter.all().visited(false),
                NodeFilter.all().visited(true).distanceAtMost(3), NodeFilter.all().distanceBetween(4, 5),
                NodeFilter.all().activationBetween(0.25f, 0.3f), NodeFilter.all().activationAtLeast(0.99f)
                        .visited(true));
        for (GraphSnapshot g : both()) {
            for (NodeFilter f : filters) {
                Set<NodeState> expected = g.nodes().stream().filter(n -> matches(f, n)).collect(Collectors.toSet());
                try (Stream<NodeState> s = graphs.nodes(id(g), f)) {
                    List<NodeState> got = s.toList();
                    assertThat(got).as("%s", f).hasSize(expected.size());
                    assertThat(new HashSet<>(got)).as("%s", f).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void diffStreamsNodesAddedRemovedAndChanged() {
        List<NodeState> next = new ArrayList<>(small.nodes());
        next.remove(7);                                                      // removed: node 7
        next.set(10, new NodeState(11, 0.99f, next.get(10).properties(), true, 1f, 0L));    // changed: node 11
        next.set(20, new NodeState(21, next.get(20).activationLevel(), JSONB.valueOf("{\"i\": -1}"),
                next.get(20).visited(), next.get(20).distance(), next.get(20).parent())); // changed: properties
        next.add(new NodeState(5_000, 0.5f, null, false, null, null));     // added
        UUID after = graphs.save(GraphSnapshot.of("search", "bfs", null, next, List.of()));
        List<NodeChange> changes;
        try (Stream<NodeChange> s = graphs.diff(smallId, after)) {
            changes = s.sorted(Comparator.comparingLong(NodeChange::nodeId)).toList();
        }
        assertThat(changes).extracting(NodeChange::nodeId).containsExactly(7L, 11L, 21L, 5_000L);
        assertThat(changes).extracting(NodeChange::kind).containsExactly(NodeChange.Kind.REMOVED,
                NodeChange.Kind.CHANGED, NodeChange.Kind.CHANGED, NodeChange.Kind.ADDED);
        assertThat(changes.get(0).before()).isEqualTo(small.nodes().get(7));
        assertThat(changes.get(0).after()).isNull();
        assertThat(changes.get(1).before()).isEqualTo(small.nodes().get(11));
        assertThat(changes.get(1).after()).isEqualTo(next.get(10));
        assertThat(changes.get(3).before()).isNull();
        try (Stream<NodeChange> s = graphs.diff(smallId, smallId)) {
            assertThat(s.count()).isZero();
        }
        // Across the two kinds of storage: the large copy has every node of the small one, unchanged, and more.
        try (Stream<NodeChange> s = graphs.diff(smallId, largeId)) {
            assertThat(s.toList()).hasSize(LARGE - SMALL).allMatch(c -> c.kind() == NodeChange.Kind.ADDED);
        }
    }

    @Test
    void unknownSnapshotsAndBadArgumentsAreTypedErrors() {
        UUID missing = UUID.randomUUID();
        assertThatThrownBy(() -> graphs.neighbours(missing, 1, Direction.OUT)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> graphs.edges(missing, 1, 2)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> graphs.khop(missing, 1, 2, 10)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> graphs.pathTo(missing, 1)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> graphs.nodes(missing, NodeFilter.all())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> graphs.diff(smallId, missing)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> graphs.khop(smallId, 1, 0, 10)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("k must be 1 or more, was 0");
        assertThatThrownBy(() -> graphs.khop(smallId, 1, 2, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("limit must be 1 or more");
        assertThatThrownBy(() -> graphs.nodes(smallId, NodeFilter.all().distanceBetween(3, 1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("distance range 3.0 to 1.0 is empty");
        assertThatThrownBy(() -> graphs.nodes(smallId, NodeFilter.all().activationAtLeast(Float.NaN)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a finite number");
        assertThat(keel.health().isHealthy()).isTrue();
    }

    /**
     * The edge queries leave the order to the caller, which puts rows in {@code seq} order: here the stored seqs are
     * rewritten (reversed for node 5's edges, null for one of node 6's, as in a partition saved before seq was
     * recorded), and the answers follow them, not the order the server reads rows in.
     */
    @Test
    void edgesComeInSeqOrderWhateverOrderTheServerReadsThemIn() throws SQLException {
        UUID id = graphs.save(graph("reordered", SMALL, 0));
        try {
            execute("UPDATE keel.graph_edges SET seq = 1000000 - seq WHERE snapshot_id = '" + id + "' "
                    + "AND from_node = 5; UPDATE keel.graph_edges SET seq = NULL WHERE snapshot_id = '" + id + "' AND from_node = 2 "
                    + "AND to_node = 5");
            List<EdgeState> outOf5 = new ArrayList<>(small.edges().stream().filter(e -> e.from() == 5).toList());
            assertThat(outOf5).hasSize(3); // 5 -> 6, 5 -> 11, 5 -> 6 again
            java.util.Collections.reverse(outOf5);
            assertThat(graphs.neighbours(id, 5, Direction.OUT)).extracting(Neighbour::edge).isEqualTo(outOf5);
            assertThat(graphs.edges(id, 5, 6)).extracting(EdgeState::type).containsExactly("again", "next");
            // Into 5: 2 -> 5 (seq 5, now null, so last), 4 -> 5 (seq 8) and 152 -> 5 (seq 305).
            assertThat(graphs.neighbours(id, 5, Direction.IN)).extracting(Neighbour::nodeId)
                    .containsExactly(4L, 152L, 2L);
            assertThat(graphs.neighbours(id, 5, Direction.BOTH)).extracting(Neighbour::nodeId)
                    .containsExactly(6L, 11L, 6L, 4L, 152L, 2L);
        } finally {
            graphs.delete(id);
        }
    }

    @Test
    void aStreamLeftOpenHoldsOneConnectionAndClosingItGivesItBack() {
        for (int i = 0; i < 10; i++) { // more than the pool's four connections
            try (Stream<NodeState> s = graphs.nodes(largeId, NodeFilter.all())) {
                assertThat(s.limit(3).count()).isEqualTo(3);
            }
        }
        try (Stream<NodeChange> s = graphs.diff(smallId, largeId)) {
            assertThat(s.findFirst()).isPresent();
        }
        assertThat(graphs.neighbours(smallId, 1, Direction.OUT)).isNotEmpty();
    }

    // ---- plans ------------------------------------------------------------------------------------------------

    @Test
    void everyQueryReadsThroughAnIndexOfTheSnapshotsOwnStorage() throws SQLException {
        for (UUID id : List.of(smallId, largeId)) {
            String storage = id == smallId ? "_default" : "_" + id.toString().replace("-", "");
            for (boolean generic : new boolean[] {false, true}) {
                String how = (id == smallId ? "shared" : "partitioned") + (generic ? ", generic plan" : "");
                for (String edges : List.of(plan(SnapshotQueries.NEIGHBOURS_OUT, generic, id, 17L),
                        plan(SnapshotQueries.NEIGHBOURS_IN, generic, id, 17L),
                        plan(SnapshotQueries.EDGES, generic, id, 5L, 6L))) {
                    assertIndexOnly(edges, storage, how);
                    assertThat(edges).as(how + ":\n" + edges).doesNotContain("Sort");
                }
                assertIndexOnly(plan(SnapshotQueries.KHOP, generic, id, 1L, id, 3, 1L, 100), storage, how);
                assertIndexOnly(plan(SnapshotQueries.PATH_TO, generic, id, 22L, id), storage, how);
                for (NodeFilter f : List.of(NodeFilter.all().visited(true).distanceAtMost(2),
                        NodeFilter.all().activationBetween(0.5f, 0.505f))) {
                    SnapshotQueries.NodeQuery q = SnapshotQueries.nodeQuery(f);
                    List<Object> params = new ArrayList<>(List.of(id));
                    params.addAll(q.bounds());
                    assertIndexOnly(plan(q.sql(), generic, params.toArray()), storage, how + ", " + f);
                }
            }
        }
        String diff = plan(SnapshotQueries.DIFF_SETTINGS, SnapshotQueries.DIFF, false, smallId, largeId);
        assertThat(diff).contains("Merge Full Join").doesNotContain("Sort").doesNotContain("Hash")
                .doesNotContain("Seq Scan").contains("graph_nodes_default_pkey");
    }

    private static void assertIndexOnly(String plan, String storage, String how) {
        assertThat(plan).as(how + ":\n" + plan).contains("Index").doesNotContain("Seq Scan")
                .contains(storage);
        // Pruned to the snapshot's own storage: no other partition is read.
        Set<String> partitions = new HashSet<>();
        // Partition names (not index names, nor aliases such as graph_edges_1).
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("graph_(?:nodes|edges)(_default|_[0-9a-f]{32})\\b")
                .matcher(plan);
        while (m.find()) {
            partitions.add(m.group(1));
        }
        assertThat(partitions).as(how + ":\n" + plan).containsOnly(storage);
    }

    private static String plan(String sql, boolean generic, Object... params) throws SQLException {
        return plan(null, sql, generic, params);
    }

    /**
     * EXPLAIN of {@code sql} with its parameters: as a custom plan (planned for these values), or as the generic
     * plan a prepared statement switches to after five runs, whose partitions are pruned when it starts.
     */
    private static String plan(String settings, String sql, boolean generic, Object... params) throws SQLException {
        // The simple protocol: PREPARE and EXPLAIN EXECUTE take their values as literals.
        String connect = url + (url.contains("?") ? "&" : "?") + "preferQueryMode=simple";
        try (Connection c = DriverManager.getConnection(connect); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            if (settings != null) {
                st.execute(settings);
            }
            st.execute("SET LOCAL plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan"));
            String numbered = sql;
            for (int i = 1; numbered.contains("?"); i++) {
                numbered = numbered.replaceFirst("\\?", "\\$" + i);
            }
            st.execute("PREPARE q AS " + numbered);
            StringBuilder out = new StringBuilder();
            String values = java.util.Arrays.stream(params).map(p -> p instanceof UUID || p instanceof Boolean
                    ? "'" + p + "'" : p.toString()).collect(Collectors.joining(", "));
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE q(" + values + ")")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            c.rollback();
            return out.toString();
        }
    }

    // ---- the graph in memory ----------------------------------------------------------------------------------

    static List<Hop> bfs(GraphSnapshot g, long start, int k) {
        Map<Long, List<Long>> out = new HashMap<>();
        for (EdgeState e : g.edges()) {
            out.computeIfAbsent(e.from(), x -> new ArrayList<>()).add(e.to());
        }
        Map<Long, Integer> depth = new HashMap<>();
        depth.put(start, 0);
        ArrayDeque<Long> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            long n = queue.poll();
            int d = depth.get(n);
            if (d == k) {
                continue;
            }
            for (long m : out.getOrDefault(n, List.of())) {
                if (!depth.containsKey(m)) {
                    depth.put(m, d + 1);
                    queue.add(m);
                }
            }
        }
        depth.remove(start);
        return depth.entrySet().stream().map(e -> new Hop(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingInt(Hop::depth).thenComparingLong(Hop::nodeId)).toList();
    }

    static boolean matches(NodeFilter f, NodeState n) {
        return (f.visited() == null || f.visited() == n.visited())
                && (f.minDistance() == null || n.distance() != null && n.distance() >= f.minDistance())
                && (f.maxDistance() == null || n.distance() != null && n.distance() <= f.maxDistance())
                && (f.minActivation() == null || n.activationLevel() >= f.minActivation())
                && (f.maxActivation() == null || n.activationLevel() <= f.maxActivation());
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
