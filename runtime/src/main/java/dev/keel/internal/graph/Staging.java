package dev.keel.internal.graph;

import dev.keel.KeelException;
import dev.keel.error.InvalidInputException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.Workers;
import dev.keel.internal.bulk.BadValue;
import dev.keel.internal.bulk.CopyLoad;
import dev.keel.internal.bulk.CopyStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.jooq.JSONB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot being saved. Nodes and edges are copied, on two connections, into two fresh tables that are not
 * yet partitions (so no index slows the load and nobody can see them); {@link #publish} then indexes and checks
 * them, and attaches both as partitions in the same transaction that inserts the snapshot's row. Until then, a
 * session advisory lock marks the tables as in use, so a later save can tell them from the leftovers of a process
 * that died (see {@link StagingLeftovers}).
 */
final class Staging implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);
    /** First key of Keel's advisory locks ("KEEL"); the second is the snapshot id's hash. */
    static final int LOCK_SPACE = 0x4B45454C;
    private static final String NODE_COLUMNS =
            "snapshot_id, node_id, activation_level, properties, visited, distance, parent, seq";
    private static final String EDGE_COLUMNS = "snapshot_id, from_node, to_node, edge_type, weight, properties, seq";

    final UUID id = SnapshotIds.partitioned();
    final String name;
    final String algorithm;
    final JSONB metadata;
    final String nodesTable;
    final String edgesTable;
    private final Connection a;
    private final Connection b;
    private final Workers executor;
    private CopyStream nodes;
    private CopyStream edges;
    /** The node ids, when all nodes were known before the first edge: edge ends are then checked as they come. */
    private NodeIds nodeIds;
    private boolean nodesIndexed;
    private boolean edgesIndexed;
    /** For the debug log: when the COPYs opened, and each table's last row and index done, in nanoseconds. */
    private long opened;
    private final long[] nodeTimes = new long[2];
    private final long[] edgeTimes = new long[2];
    private boolean published;
    volatile boolean aborted;

    private Staging(String name, String algorithm, JSONB metadata, Connection a, Connection b,
                    Workers executor) {
        this.name = name;
        this.algorithm = algorithm;
        this.metadata = metadata;
        this.a = a;
        this.b = b;
        this.executor = executor;
        String hex = id.toString().replace("-", "");
        this.nodesTable = "keel.graph_nodes_" + hex;
        this.edgesTable = "keel.graph_edges_" + hex;
    }

    /** Takes two connections, clears leftovers of dead saves, creates the staging tables and opens both COPYs. */
    static Staging open(DataSource pool, Workers executor, String name, String algorithm, JSONB metadata) {
        Connection a = null;
        Connection b = null;
        try {
            a = pool.getConnection();
            b = pool.getConnection();
            Staging s = new Staging(name, algorithm, metadata, a, b, executor);
            s.start();
            return s;
        } catch (SQLException | RuntimeException e) {
            release(a);
            release(b);
            throw e instanceof KeelException k ? k : ErrorTranslator.translate("save graph snapshot " + name, e);
        }
    }

    private void start() throws SQLException {
        try (PreparedStatement lock = a.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            lock.setInt(1, LOCK_SPACE);
            lock.setInt(2, id.hashCode());
            lock.execute();
        }
        StagingLeftovers.drop(a);
        String check = " CHECK (snapshot_id = '" + id + "')";
        a.setAutoCommit(false);
        b.setAutoCommit(false);
        try (Statement st = a.createStatement()) {
            st.execute("CREATE TABLE " + nodesTable + " (LIKE keel.graph_nodes INCLUDING DEFAULTS INCLUDING "
                    + "CONSTRAINTS, CONSTRAINT snapshot_check" + check + ")");
        }
        try (Statement st = b.createStatement()) {
            st.execute("CREATE TABLE " + edgesTable + " (LIKE keel.graph_edges INCLUDING DEFAULTS INCLUDING "
                    + "CONSTRAINTS, CONSTRAINT snapshot_check" + check + ")");
        }
        // FREEZE: the tables are new in this transaction, so rows can be written already frozen.
        opened = System.nanoTime();
        // Each half sends its own buffers: both cores are busy with the two COPYs already, and a thread more per
        // half measured slower.
        nodes = new CopyStream(a, "COPY " + nodesTable + " (" + NODE_COLUMNS + ") FROM STDIN (FORMAT binary, FREEZE)",
                null);
        edges = new CopyStream(b, "COPY " + edgesTable + " (" + EDGE_COLUMNS + ") FROM STDIN (FORMAT binary, FREEZE)",
                null);
    }

    // ---- rows -------------------------------------------------------------------------------------------------

    void node(NodeState n) throws SQLException {
        if (aborted) {
            throw new CancellationSignal();
        }
        int mark = nodes.buffer().size();
        try {
            SnapshotRows.node(n, id, nodes.buffer(), (int) nodes.rows());
        } catch (BadValue e) {
            nodes.buffer().truncate(mark);
            aborted = true;
            throw badNode(name, nodes.rows(), n, e);
        }
        try {
            nodes.endRow();
        } catch (SQLException e) {
            throw copyFailure(e, "node");
        }
    }

    void edge(EdgeState e) throws SQLException {
        if (aborted) {
            throw new CancellationSignal();
        }
        if (nodeIds != null) {
            checkEnd(e, e.from());
            checkEnd(e, e.to());
        }
        int mark = edges.buffer().size();
        try {
            SnapshotRows.edge(e, id, edges.buffer(), (int) edges.rows());
        } catch (BadValue bad) {
            edges.buffer().truncate(mark);
            aborted = true;
            throw badEdge(name, edges.rows(), e, bad);
        }
        try {
            edges.endRow();
        } catch (SQLException failure) {
            throw copyFailure(failure, "edge");
        }
    }

    /**
     * Edges are checked against these ids as they are encoded, so {@link #publish} need not join the staged
     * tables. Call before the first edge, on the thread that feeds the edges.
     */
    void checkEdgesAgainst(NodeIds ids) {
        this.nodeIds = ids;
    }

    private void checkEnd(EdgeState e, long end) {
        if (!nodeIds.contains(end)) {
            aborted = true;
            throw danglingEdge(e.from(), e.to(), end);
        }
    }

    private InvalidInputException danglingEdge(long from, long to, long missing) {
        return danglingEdge(name, from, to, missing);
    }

    static InvalidInputException danglingEdge(String snapshot, long from, long to, long missing) {
        return new InvalidInputException("graph snapshot " + snapshot + ": edge " + from + " -> " + to
                + " names node " + missing + ", which is not in the snapshot", "edge");
    }

    static InvalidInputException badNode(String snapshot, long index, NodeState n, BadValue e) {
        return new InvalidInputException("graph snapshot " + snapshot + ": node " + index + " (0-based, id "
                + n.id() + "): " + e.getMessage(), "node");
    }

    static InvalidInputException badEdge(String snapshot, long index, EdgeState e, BadValue bad) {
        return new InvalidInputException("graph snapshot " + snapshot + ": edge " + index + " (0-based, "
                + e.from() + " -> " + e.to() + "): " + bad.getMessage(), "edge");
    }

    static InvalidInputException duplicateNode(String snapshot, String which) {
        return new InvalidInputException("graph snapshot " + snapshot + ": node id" + which
                + " appears more than once; node ids must be unique within a snapshot", "node");
    }

    /**
     * A COPY failure; PostgreSQL's own checks of a value (JSON syntax, for one) are reported like Keel's, naming
     * the node or edge by its place in the input.
     */
    private RuntimeException copyFailure(SQLException e, String kind) {
        aborted = true;
        return copyFailure(name, e, kind);
    }

    static RuntimeException copyFailure(String name, SQLException e, String kind) {
        long row = CopyLoad.failedRow(e);
        String at = row >= 0 ? ": " + kind + " " + row + " (0-based)" : "";
        if (row >= 0 && e.getSQLState() != null && e.getSQLState().startsWith("22")) {
            return new InvalidInputException("graph snapshot " + name + at + ": " + e.getMessage(), e.getSQLState(),
                    e, kind);
        }
        return ErrorTranslator.translate("save graph snapshot " + name + at, e);
    }

    long nodeCount() {
        return nodes.rows();
    }

    long edgeCount() {
        return edges.rows();
    }

    // ---- publishing -------------------------------------------------------------------------------------------

    /**
     * Ends the node COPY, adds the primary key (which also finds duplicate node ids) and commits the node table.
     * Runs on the thread that fed the nodes, so it overlaps with edges still loading.
     */
    void finishNodes() throws SQLException {
        try {
            nodes.finish("save graph snapshot " + name + " (nodes)");
        } catch (SQLException e) {
            throw copyFailure(e, "node");
        }
        nodeTimes[0] = System.nanoTime();
        addPrimaryKey();
        a.commit();
        nodeTimes[1] = System.nanoTime();
        nodesIndexed = true;
    }

    /** Ends the edge COPY, builds the neighbour index and commits the edge table; see {@link #finishNodes}. */
    void finishEdges() throws SQLException {
        try {
            edges.finish("save graph snapshot " + name + " (edges)");
        } catch (SQLException e) {
            throw copyFailure(e, "edge");
        }
        edgeTimes[0] = System.nanoTime();
        try (Statement st = b.createStatement()) {
            st.execute("SET LOCAL maintenance_work_mem = '256MB'");
            // The same definitions as the parent's indexes, so ATTACH adopts them instead of building its own.
            st.execute("CREATE INDEX ON " + edgesTable + " (snapshot_id, from_node)");
            st.execute("CREATE INDEX ON " + edgesTable + " (snapshot_id, to_node)");
        }
        b.commit();
        edgeTimes[1] = System.nanoTime();
        edgesIndexed = true;
    }

    /**
     * Finishes whichever table is not finished yet, checks edge ends in the database unless they were checked
     * as they came, and attaches both tables with the snapshot's row, under the next version for the name.
     */
    SnapshotInfo publish() {
        String op = "save graph snapshot " + name;
        try {
            both(() -> {
                if (!nodesIndexed) {
                    finishNodes();
                }
                return 0L;
            }, () -> {
                if (!edgesIndexed) {
                    finishEdges();
                }
                return 0L;
            });
            long t1 = System.nanoTime();
            if (edges.rows() > 0 && nodeIds == null) {
                both(() -> dangling(a, "from_node"), () -> dangling(b, "to_node"));
            }
            long t2 = System.nanoTime();
            SnapshotInfo info = attach();
            published = true;
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} nodes loaded in {} ms, primary key {} ms; {} edges loaded in {} ms, index {} ms; "
                        + "edge ends checked {}; attached in {} ms", op, nodes.rows(), ms(nodeTimes[0] - opened),
                        ms(nodeTimes[1] - nodeTimes[0]), edges.rows(), ms(edgeTimes[0] - opened),
                        ms(edgeTimes[1] - edgeTimes[0]), nodeIds == null ? "in " + ms(t2 - t1) + " ms" : "as they came",
                        ms(System.nanoTime() - t2));
            }
            return info;
        } catch (SQLException e) {
            throw ErrorTranslator.translate(op, e);
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private void addPrimaryKey() throws SQLException {
        try (Statement st = a.createStatement()) {
            st.execute("SET LOCAL maintenance_work_mem = '256MB'");
            st.execute("SAVEPOINT pk");
            st.execute("ALTER TABLE " + nodesTable + " ADD PRIMARY KEY (snapshot_id, node_id)");
            st.execute("CREATE INDEX ON " + nodesTable + " (snapshot_id, distance)");
            st.execute("CREATE INDEX ON " + nodesTable + " (snapshot_id, activation_level)");
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            try (Statement st = a.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT pk");
                try (ResultSet rs = st.executeQuery("SELECT node_id FROM " + nodesTable
                        + " GROUP BY node_id HAVING count(*) > 1 ORDER BY node_id LIMIT 1")) {
                    throw duplicateNode(name, rs.next() ? " " + rs.getLong(1) : "");
                }
            }
        }
    }

    /** Fails when an edge's {@code end} names no node of the snapshot. */
    private long dangling(Connection c, String end) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            // The tables are fresh and unanalyzed: without this the planner probes the node index once per edge.
            st.execute("SET LOCAL work_mem = '64MB'");
            st.execute("SET LOCAL enable_nestloop = off");
            st.execute("SET LOCAL enable_mergejoin = off");
            try (ResultSet rs = st.executeQuery("SELECT e.from_node, e.to_node FROM " + edgesTable + " e "
                    + "WHERE NOT EXISTS (SELECT 1 FROM " + nodesTable + " n WHERE n.snapshot_id = e.snapshot_id "
                    + "AND n.node_id = e." + end + ") LIMIT 1")) {
                if (rs.next()) {
                    long from = rs.getLong(1);
                    long to = rs.getLong(2);
                    throw danglingEdge(from, to, "from_node".equals(end) ? from : to);
                }
            }
        } finally {
            c.rollback(); // read only
        }
        return 0;
    }

    /**
     * Attaches both tables, then inserts the snapshot's row with its version. Attaching first takes the partition
     * locks before the name's version lock, in the order a small save takes them (it writes the default
     * partitions, then takes a version), so the two kinds of save cannot deadlock.
     */
    private SnapshotInfo attach() throws SQLException {
        try (Statement st = a.createStatement()) {
            st.execute("ALTER TABLE keel.graph_nodes ATTACH PARTITION " + nodesTable + " FOR VALUES IN ('" + id + "')");
            st.execute("ALTER TABLE keel.graph_edges ATTACH PARTITION " + edgesTable + " FOR VALUES IN ('" + id + "')");
            SnapshotInfo info = Publisher.publish(a, id, name, algorithm, metadata, nodes.rows(), edges.rows(), false);
            a.commit();
            return info;
        } catch (SQLException | RuntimeException e) {
            rollback(a);
            throw e;
        }
    }

    private long[] both(Callable<Long> onA, Callable<Long> onB) throws SQLException {
        Future<Long> other = executor.submit(onB);
        long first;
        try {
            first = onA.call();
        } catch (Exception e) {
            aborted = true;
            waitQuietly(other);
            throw Workers.rethrow(e);
        }
        try {
            return new long[] {first, other.get()};
        } catch (ExecutionException e) {
            throw Workers.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException("save graph snapshot " + name + ": interrupted", null, e);
        }
    }

    private static void waitQuietly(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // the first failure is the one reported
        }
    }


    // ---- cleaning up ------------------------------------------------------------------------------------------

    /** Discards everything unless published, then returns both connections to the pool. */
    @Override
    public void close() {
        try {
            if (!published) {
                aborted = true;
                if (nodes != null) {
                    nodes.cancel();
                }
                if (edges != null) {
                    edges.cancel();
                }
                rollback(a);
                rollback(b);
                // One half may have committed its table before the other failed.
                dropTables(a, nodesTable, edgesTable);
            }
        } finally {
            unlock();
            release(a);
            release(b);
        }
    }

    private void unlock() {
        try (PreparedStatement st = a.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            a.setAutoCommit(true);
            st.setInt(1, LOCK_SPACE);
            st.setInt(2, id.hashCode());
            st.execute();
        } catch (SQLException ignored) {
            // a broken connection has lost its locks already
        }
    }

    private static void dropTables(Connection c, String... tables) {
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("DROP TABLE IF EXISTS " + String.join(", ", tables));
        } catch (SQLException e) {
            LOG.warn("Could not drop staging tables {}; the next save removes them: {}", String.join(", ", tables),
                    e.getMessage());
        }
    }

    private static void rollback(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // broken connection: the server rolls back
        }
    }

    private static void release(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
        }
    }

    /** Thrown into one loader when the other has failed, so both stop; never reaches callers. */
    static final class CancellationSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CancellationSignal() {
            super("the other half of the save failed", null, false, false);
        }
    }
}
