package dev.keel.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Names as a history, and how small snapshots live in shared storage: same checks, same API, space reused. */
@KeelTest
class GraphHistoryAndSharedStorageIT {
    static Keel keel;
    static GraphStore graphs;
    static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(4).build();
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

    static GraphSnapshot graph(String name, int nodes, int edgesPerNode) {
        return GraphStoreIT.randomGraph(name, nodes, nodes * edgesPerNode, nodes);
    }

    static GraphSnapshot large(String name) {
        return graph(name, GraphStore.SHARED_MAX_ROWS / 2 + 1, 1);
    }

    @Test
    void loadByNameGivesTheLatestAndHistoryListsEveryVersionNewestFirst() {
        UUID v1 = graphs.save(graph("run", 50, 2));
        UUID v2 = graphs.save(large("run"));
        GraphSnapshot v3 = graph("run", 60, 3);
        UUID v3id = graphs.save(v3);

        GraphSnapshot latest = graphs.load("run");
        assertThat(latest.info().id()).isEqualTo(v3id);
        assertThat(latest.nodes()).isEqualTo(v3.nodes());
        assertThat(latest.edges()).isEqualTo(v3.edges());
        assertThat(graphs.history("run")).extracting(SnapshotInfo::id).containsExactly(v3id, v2, v1);
        assertThat(graphs.history("run")).extracting(SnapshotInfo::version).containsExactly(3, 2, 1);
        assertThat(graphs.history("nothing")).isEmpty();
        assertThatThrownBy(() -> graphs.load("nothing")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nothing");
    }

    @Test
    void keepDeletesOlderVersionsOfBothKindsInOneCallAndVersionsAreNeverReused() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(graphs.save(i == 1 ? large("ckpt") : graph("ckpt", 40, 2)));
        }
        UUID other = graphs.save(graph("other", 10, 1));

        assertThat(graphs.keep("ckpt", 2)).isEqualTo(3);
        assertThat(graphs.history("ckpt")).extracting(SnapshotInfo::version).containsExactly(5, 4);
        assertThat(graphs.keep("ckpt", 2)).isZero();
        assertThat(graphs.keep("ckpt", 10)).isZero();
        assertThat(graphs.info(other)).isPresent();
        for (UUID gone : ids.subList(0, 3)) {
            assertThat(rows("keel.graph_nodes", gone)).as("nodes of %s", gone).isZero();
            assertThat(rows("keel.graph_edges", gone)).isZero();
        }
        assertThat(exists("keel.graph_nodes_" + ids.get(1).toString().replace("-", ""))).isFalse();

        // Deleting the latest does not hand its number out again.
        graphs.delete(ids.get(4));
        assertThat(graphs.info(graphs.save(graph("ckpt", 5, 1))).orElseThrow().version()).isEqualTo(6);

        assertThatThrownBy(() -> graphs.keep("ckpt", 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lastN must be 1 or more, was 0");
        assertThat(graphs.history("ckpt")).hasSize(2);
    }

    @Test
    void aSmallSnapshotCreatesNoTableAndALargeOneGetsItsOwnPartitions() {
        long tablesBefore = tables();
        GraphSnapshot small = graph("small", GraphStore.SHARED_MAX_ROWS / 4, 3); // exactly at the limit
        UUID s = graphs.save(small);
        assertThat(tables()).isEqualTo(tablesBefore);
        assertThat(shared(s)).isTrue();
        assertThat(rows("keel.graph_nodes_default", s)).isEqualTo(small.nodes().size());

        UUID l = graphs.save(graph("large", GraphStore.SHARED_MAX_ROWS / 4 + 1, 3)); // one node over
        assertThat(shared(l)).isFalse();
        assertThat(exists("keel.graph_nodes_" + l.toString().replace("-", ""))).isTrue();
        assertThat(rows("keel.graph_nodes_default", l)).isZero();
        // Ids tell the kinds apart by their top bit, as the default partitions' CHECK constraints require.
        assertThat(s.getMostSignificantBits()).isNotNegative();
        assertThat(l.getMostSignificantBits()).isNegative();
    }

    @Test
    void smallSnapshotsGetTheSameChecksAndStoreNothingWhenOneFails() {
        GraphSnapshot good = graph("checked", 100, 2);
        List<EdgeState> dangling = new ArrayList<>(good.edges());
        dangling.set(17, new EdgeState(3, 999_999, null, 1, null));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("checked", "bfs", null, good.nodes(), dangling)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("edge 3 -> 999999 names node 999999, which is not in the snapshot");
        List<NodeState> twice = new ArrayList<>(good.nodes());
        twice.add(NodeState.of(good.nodes().get(5).id()));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("checked", "bfs", null, twice, List.of())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("appears more than once");
        List<NodeState> nan = new ArrayList<>(good.nodes());
        nan.set(40, new NodeState(nan.get(40).id(), 0, null, false, Float.POSITIVE_INFINITY, null));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("checked", "bfs", null, nan, good.edges())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("node 40 (0-based")
                .hasMessageContaining("distance Infinity is not a finite number");
        // JSON syntax is PostgreSQL's to check, during the COPY; the error still names the edge.
        List<EdgeState> badJson = new ArrayList<>(good.edges());
        badJson.set(150, new EdgeState(badJson.get(150).from(), badJson.get(150).to(), null, 1,
                JSONB.valueOf("{\"a\": nope}")));
        assertThatThrownBy(() -> graphs.save(GraphSnapshot.of("checked", "bfs", null, good.nodes(), badJson)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.sqlState()).isEqualTo("22P02"))
                .hasMessageContaining("edge 150 (0-based)");
        assertThat(graphs.list()).isEmpty();
        assertThat(count("SELECT count(*) FROM keel.graph_nodes_default")).isZero();
        assertThat(count("SELECT count(*) FROM keel.graph_edges_default")).isZero();
        // Nor does a failed save use up a version.
        assertThat(graphs.info(graphs.save(good)).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void streamedSavesAndWritersPickThePathByTheRowsThatCome() {
        GraphSnapshot small = graph("streamed", 200, 2);
        SnapshotInfo a = graphs.save("streamed", "bfs", null, () -> small.nodes().iterator(),
                () -> small.edges().iterator());
        GraphSnapshot big = large("streamed");
        SnapshotInfo b = graphs.save("streamed", "bfs", null, () -> big.nodes().iterator(),
                () -> big.edges().iterator());
        SnapshotInfo c;
        try (SnapshotWriter w = graphs.writer("streamed", "bfs", null)) {
            small.nodes().forEach(w::node);
            small.edges().forEach(w::edge);
            c = w.commit();
        }
        SnapshotInfo d;
        try (SnapshotWriter w = graphs.writer("streamed", "bfs", null)) {
            big.edges().forEach(w::edge); // edges first: the writer accepts any order
            big.nodes().forEach(w::node);
            assertThat(w.rowsWritten()).isEqualTo(big.nodes().size() + big.edges().size());
            d = w.commit();
        }
        assertThat(List.of(shared(a.id()), shared(b.id()), shared(c.id()), shared(d.id())))
                .containsExactly(true, false, true, false);
        for (SnapshotInfo info : List.of(a, c)) {
            GraphSnapshot back = graphs.load(info.id());
            assertThat(back.nodes()).isEqualTo(small.nodes());
            assertThat(back.edges()).isEqualTo(small.edges());
        }
        for (SnapshotInfo info : List.of(b, d)) {
            GraphSnapshot back = graphs.load(info.id());
            assertThat(back.nodes()).isEqualTo(big.nodes());
            assertThat(back.edges()).isEqualTo(big.edges());
        }
        try (SnapshotWriter w = graphs.writer("streamed", "bfs", null)) {
            w.node(NodeState.of(1));
            assertThatThrownBy(() -> w.node(new NodeState(2, Float.NaN, null, false, null, null)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("node 1 (0-based, id 2)");
        }
        assertThat(graphs.history("streamed")).hasSize(4);
    }

    @Test
    void aPoolOfOneSavesSmallSnapshots() {
        try (Keel single = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(1).migrate(false).build()) {
            GraphSnapshot g = graph("one", 100, 3);
            UUID id = single.graphs().save(g);
            assertThat(single.graphs().load(id).edges()).isEqualTo(g.edges());
            assertThatThrownBy(() -> single.graphs().save(large("one"))).hasMessageContaining("maxPoolSize 1");
        }
    }

    @Test
    void spaceOfDeletedSmallSnapshotsIsReusedOnceVacuumHasRun() throws SQLException {
        // Autovacuum runs on the default partitions once 2% of their rows are dead (V5); VACUUM stands in for it.
        long[] sizes = new long[5];
        for (int round = 0; round < sizes.length; round++) {
            List<UUID> ids = IntStream.range(0, 20).mapToObj(i -> graphs.save(graph("churn", 250, 3))).toList();
            ids.forEach(graphs::delete);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement()) {
                st.execute("VACUUM keel.graph_nodes_default, keel.graph_edges_default");
            }
            sizes[round] = count("SELECT pg_total_relation_size('keel.graph_nodes_default') "
                    + "+ pg_total_relation_size('keel.graph_edges_default')");
        }
        assertThat(count("SELECT count(*) FROM keel.graph_edges_default")).isZero();
        // After the second round the files stop growing: later rounds write into the space vacuum freed (index
        // pages a vacuum frees are recycled by the next one, hence a second round's worth of room).
        assertThat(sizes[4]).as("bytes after each round: %s", java.util.Arrays.toString(sizes))
                .isLessThanOrEqualTo(sizes[1] + sizes[1] / 10);
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname = 'graph_nodes_default' AND reloptions::text "
                + "LIKE '%autovacuum_vacuum_scale_factor=0.02%'")).isOne();
    }

    private static boolean shared(UUID id) {
        return count("SELECT shared::int FROM keel.graph_snapshots WHERE id = '" + id + "'") == 1;
    }

    private static long rows(String table, UUID id) {
        return count("SELECT count(*) FROM " + table + " WHERE snapshot_id = '" + id + "'");
    }

    private static long tables() {
        return count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'keel'");
    }

    private static boolean exists(String table) {
        return count("SELECT (to_regclass('" + table + "') IS NOT NULL)::int") == 1;
    }

    private static long count(String sql) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
