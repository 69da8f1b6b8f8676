package dev.keel.internal.graph;

import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.graph.Direction;
import dev.keel.graph.EdgeState;
import dev.keel.graph.Hop;
import dev.keel.graph.Neighbour;
import dev.keel.graph.NodeChange;
import dev.keel.graph.NodeFilter;
import dev.keel.graph.NodeState;
import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jooq.JSONB;

/**
 * Queries on one stored snapshot, read in place through the partitioned parents: a snapshot in shared storage is
 * found in the default partitions by the indexes that start with {@code snapshot_id}, one with partitions of its own
 * by partition pruning and then the same indexes on its partitions. The SQL is public so that tests can EXPLAIN
 * exactly what runs. A query that finds nothing checks whether the snapshot exists, so an unknown id is a
 * {@link NotFoundException} rather than an empty answer.
 */
public final class SnapshotQueries {
    /** An edge's columns, then its place in the snapshot ({@code seq}), by which {@link #edges} orders them. */
    private static final String EDGE = "from_node, to_node, edge_type, weight, properties::text, seq";
    private static final String NODE = "node_id, activation_level, properties::text, visited, distance, parent";

    /*
     * The edge queries have no ORDER BY: the server would sort the few rows of one node after reading them from the
     * index, and that sort is a measurable part of a call this short. The rows are put in saved order here instead,
     * by their seq, which costs nothing when they already come in that order (a snapshot saved in one go usually
     * has its rows in heap order, which is the index's order among equal keys).
     */
    /** Parameters: snapshot, node. */
    public static final String NEIGHBOURS_OUT = "SELECT " + EDGE + " FROM keel.graph_edges "
            + "WHERE snapshot_id = ? AND from_node = ?";
    /** Parameters: snapshot, node. */
    public static final String NEIGHBOURS_IN = "SELECT " + EDGE + " FROM keel.graph_edges "
            + "WHERE snapshot_id = ? AND to_node = ?";
    /** Parameters: snapshot, from, to. */
    public static final String EDGES = "SELECT " + EDGE + " FROM keel.graph_edges "
            + "WHERE snapshot_id = ? AND from_node = ? AND to_node = ?";
    /**
     * Parameters: snapshot, start node, snapshot, k, start node, limit. {@code UNION} keeps each (node, depth) once,
     * so a cycle or many paths to one node add no rows, and depth stops at k; the lateral subquery, kept apart by
     * {@code OFFSET 0}, makes each step an index lookup of the nodes just reached.
     */
    public static final String KHOP = """
            WITH RECURSIVE hop(node, depth) AS (
                SELECT e.to_node, 1 FROM keel.graph_edges e WHERE e.snapshot_id = ? AND e.from_node = ?
              UNION
                SELECT n.to_node, h.depth + 1
                  FROM hop h CROSS JOIN LATERAL (
                       SELECT e.to_node FROM keel.graph_edges e
                        WHERE e.snapshot_id = ? AND e.from_node = h.node OFFSET 0) n
                 WHERE h.depth < ?
            )
            SELECT node, min(depth) AS depth FROM hop WHERE node <> ?
             GROUP BY node ORDER BY min(depth), node LIMIT ?
            """;
    /** Parameters: snapshot, node, snapshot. PostgreSQL's CYCLE clause stops at a node met twice. */
    public static final String PATH_TO = """
            WITH RECURSIVE walk AS (
                SELECT n.node_id, n.activation_level, n.properties, n.visited, n.distance, n.parent, 0 AS step
                  FROM keel.graph_nodes n WHERE n.snapshot_id = ? AND n.node_id = ?
              UNION ALL
                SELECT p.node_id, p.activation_level, p.properties, p.visited, p.distance, p.parent, w.step + 1
                  FROM walk w CROSS JOIN LATERAL (
                       SELECT * FROM keel.graph_nodes p
                        WHERE p.snapshot_id = ? AND p.node_id = w.parent OFFSET 0) p
            ) CYCLE node_id SET looped USING trail
            SELECT node_id, activation_level, properties::text, visited, distance, parent
              FROM walk WHERE NOT looped ORDER BY step DESC
            """;
    /**
     * Parameters: before, after. A full merge join of the two snapshots' primary-key index ranges, so both are read
     * once, in node order, without sorting or hashing.
     */
    public static final String DIFF = """
            SELECT a.node_id, a.activation_level, a.properties::text, a.visited, a.distance, a.parent,
                   b.node_id, b.activation_level, b.properties::text, b.visited, b.distance, b.parent
              FROM (SELECT * FROM keel.graph_nodes WHERE snapshot_id = ?) a
              FULL JOIN (SELECT * FROM keel.graph_nodes WHERE snapshot_id = ?) b ON a.node_id = b.node_id
             WHERE a.node_id IS NULL OR b.node_id IS NULL
                OR (a.activation_level, a.properties, a.visited, a.distance, a.parent)
                   IS DISTINCT FROM (b.activation_level, b.properties, b.visited, b.distance, b.parent)
            """;
    /** Run before {@link #DIFF}, in its transaction: a merge join needs no memory beyond a row per side. */
    public static final String DIFF_SETTINGS = "SET LOCAL enable_hashjoin = off; SET LOCAL enable_sort = off";
    /** Rows a stream fetches at a time. */
    static final int FETCH = 1_000;

    private final DataSource pool;

    SnapshotQueries(DataSource pool) {
        this.pool = pool;
    }

    List<Neighbour> neighbours(UUID snapshot, long node, Direction direction) {
        Objects.requireNonNull(snapshot, "snapshotId");
        Objects.requireNonNull(direction, "direction");
        Supplier<String> op = () -> "read the neighbours of node " + node + " in graph snapshot " + snapshot;
        return withConnection(op, snapshot, c -> {
            List<Neighbour> out = new ArrayList<>();
            if (direction != Direction.IN) {
                for (EdgeState e : edges(c, NEIGHBOURS_OUT, snapshot, node)) {
                    out.add(new Neighbour(e.to(), Direction.OUT, e));
                }
            }
            if (direction != Direction.OUT) {
                for (EdgeState e : edges(c, NEIGHBOURS_IN, snapshot, node)) {
                    out.add(new Neighbour(e.from(), Direction.IN, e));
                }
            }
            return out;
        });
    }

    List<EdgeState> edges(UUID snapshot, long from, long to) {
        Objects.requireNonNull(snapshot, "snapshotId");
        return withConnection(() -> "read the edges " + from + " -> " + to + " of graph snapshot " + snapshot,
                snapshot, c -> edges(c, EDGES, snapshot, from, to));
    }

    List<Hop> khop(UUID snapshot, long node, int k, int limit) {
        Objects.requireNonNull(snapshot, "snapshotId");
        if (k < 1 || limit < 1) {
            String what = k < 1 ? "k" : "limit";
            throw new InvalidInputException("khop in graph snapshot " + snapshot + ": " + what + " must be 1 or more, "
                    + "was " + (k < 1 ? k : limit), what);
        }
        Supplier<String> op = () -> "read the nodes within " + k + " hops of node " + node + " in graph snapshot "
                + snapshot;
        return withConnection(op, snapshot, c -> {
            try (PreparedStatement ps = c.prepareStatement(KHOP)) {
                ps.setObject(1, snapshot);
                ps.setLong(2, node);
                ps.setObject(3, snapshot);
                ps.setInt(4, k);
                ps.setLong(5, node);
                ps.setInt(6, limit);
                List<Hop> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Hop(rs.getLong(1), rs.getInt(2)));
                    }
                }
                return out;
            }
        });
    }

    List<NodeState> pathTo(UUID snapshot, long node) {
        Objects.requireNonNull(snapshot, "snapshotId");
        Supplier<String> op = () -> "read the path to node " + node + " in graph snapshot " + snapshot;
        return withConnection(op, snapshot, c -> {
            try (PreparedStatement ps = c.prepareStatement(PATH_TO)) {
                ps.setObject(1, snapshot);
                ps.setLong(2, node);
                ps.setObject(3, snapshot);
                List<NodeState> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(node(rs, 1));
                    }
                }
                return out;
            }
        });
    }

    Stream<NodeState> nodes(UUID snapshot, NodeFilter filter) {
        Objects.requireNonNull(snapshot, "snapshotId");
        Objects.requireNonNull(filter, "filter");
        NodeQuery q = nodeQuery(filter);
        return RowStream.open(pool, "stream the nodes of graph snapshot " + snapshot, List.of(snapshot), null,
                c -> {
                    PreparedStatement ps = c.prepareStatement(q.sql());
                    ps.setObject(1, snapshot);
                    for (int i = 0; i < q.bounds().size(); i++) {
                        Object v = q.bounds().get(i);
                        if (v instanceof Boolean b) {
                            ps.setBoolean(i + 2, b);
                        } else {
                            ps.setFloat(i + 2, (Float) v);
                        }
                    }
                    return ps;
                }, rs -> node(rs, 1));
    }

    Stream<NodeChange> diff(UUID before, UUID after) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        return RowStream.open(pool, "diff graph snapshots " + before + " and " + after, List.of(before, after),
                DIFF_SETTINGS, c -> {
                    PreparedStatement ps = c.prepareStatement(DIFF);
                    ps.setObject(1, before);
                    ps.setObject(2, after);
                    return ps;
                }, rs -> {
                    rs.getLong(1);
                    NodeState a = rs.wasNull() ? null : node(rs, 1);
                    rs.getLong(7);
                    NodeState b = rs.wasNull() ? null : node(rs, 7);
                    NodeChange.Kind kind = a == null ? NodeChange.Kind.ADDED
                            : b == null ? NodeChange.Kind.REMOVED : NodeChange.Kind.CHANGED;
                    return new NodeChange(kind, a, b);
                });
    }

    /**
     * The SQL and parameters (after the snapshot id) of a node filter: each bound is a condition on a column that
     * an index of the nodes table starts with after {@code snapshot_id}.
     */
    public record NodeQuery(String sql, List<Object> bounds) {
    }

    /** See {@link NodeQuery}. */
    public static NodeQuery nodeQuery(NodeFilter f) {
        checkRange(f.minDistance(), f.maxDistance(), "distance");
        checkRange(f.minActivation(), f.maxActivation(), "activation");
        StringBuilder sql = new StringBuilder("SELECT " + NODE + " FROM keel.graph_nodes WHERE snapshot_id = ?");
        List<Object> bounds = new ArrayList<>();
        if (f.visited() != null) {
            sql.append(" AND visited = ?");
            bounds.add(f.visited());
        }
        bound(sql, bounds, "distance >= ?", f.minDistance());
        bound(sql, bounds, "distance <= ?", f.maxDistance());
        bound(sql, bounds, "activation_level >= ?", f.minActivation());
        bound(sql, bounds, "activation_level <= ?", f.maxActivation());
        return new NodeQuery(sql.toString(), bounds);
    }

    private static void bound(StringBuilder sql, List<Object> bounds, String condition, Float value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            bounds.add(value);
        }
    }

    private static void checkRange(Float min, Float max, String what) {
        for (Float v : new Float[] {min, max}) {
            if (v != null && !Float.isFinite(v)) {
                throw new InvalidInputException("node filter: " + what + " bound " + v + " is not a finite number",
                        what);
            }
        }
        if (min != null && max != null && min > max) {
            throw new InvalidInputException("node filter: " + what + " range " + min + " to " + max
                    + " is empty (its low end is above its high end)", what);
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    /**
     * The edges that {@code sql} (one of the edge queries) finds, in saved order: by {@code seq}, with the rows of a
     * partition saved before it was recorded (null) last, in the order read, as {@code ORDER BY seq} would have them.
     */
    private static List<EdgeState> edges(Connection c, String sql, UUID snapshot, long... ends) throws SQLException {
        List<EdgeState> out = new ArrayList<>();
        long[] keys = new long[16]; // seq in the high half, the row's index in the low one
        boolean ordered = true;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, snapshot);
            for (int i = 0; i < ends.length; i++) {
                ps.setLong(i + 2, ends[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int row = out.size();
                    out.add(new EdgeState(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getDouble(4),
                            JSONB.valueOf(rs.getString(5))));
                    int seq = rs.getInt(6);
                    long key = (long) (rs.wasNull() ? Integer.MAX_VALUE : seq) << 32 | row;
                    if (row == keys.length) {
                        keys = Arrays.copyOf(keys, 2 * row);
                    }
                    keys[row] = key;
                    ordered &= row == 0 || key > keys[row - 1];
                }
            }
        }
        if (ordered) {
            return out;
        }
        long[] sorted = Arrays.copyOf(keys, out.size());
        Arrays.sort(sorted);
        List<EdgeState> inOrder = new ArrayList<>(sorted.length);
        for (long key : sorted) {
            inOrder.add(out.get((int) key));
        }
        return inOrder;
    }

    /** A node from six columns starting at {@code at}: id, activation, properties, visited, distance, parent. */
    static NodeState node(ResultSet rs, int at) throws SQLException {
        long id = rs.getLong(at);
        float activation = rs.getFloat(at + 1);
        String properties = rs.getString(at + 2);
        boolean visited = rs.getBoolean(at + 3);
        float distance = rs.getFloat(at + 4);
        Float d = rs.wasNull() ? null : distance;
        long parent = rs.getLong(at + 5);
        Long p = rs.wasNull() ? null : parent;
        return new NodeState(id, activation, JSONB.valueOf(properties), visited, d, p);
    }

    interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code query} auto-committed; an empty answer is checked against the snapshot's existence. The operation's
     * description, for errors only, is made when one needs it.
     */
    private <T extends List<?>> T withConnection(Supplier<String> op, UUID snapshot, Query<T> query) {
        try (Connection c = pool.getConnection()) {
            T out = query.run(c);
            if (out.isEmpty()) {
                requireSnapshots(c, op.get(), List.of(snapshot));
            }
            return out;
        } catch (SQLException e) {
            throw ErrorTranslator.translate(op.get(), e);
        }
    }

    /** Throws {@link NotFoundException} naming the first of {@code ids} that is not a stored snapshot. */
    static void requireSnapshots(Connection c, String op, List<UUID> ids) throws SQLException {
        for (UUID id : ids) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM keel.graph_snapshots WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException(op + ": there is no graph snapshot " + id);
                    }
                }
            }
        }
    }

    static void settings(Connection c, String settings) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(settings);
        }
    }
}
