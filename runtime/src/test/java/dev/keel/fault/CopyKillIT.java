package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.error.ConnectionLostException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.NodeState;
import dev.keel.test.db.Tables;
import dev.keel.test.db.tables.records.NarrowRecord;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * The backend is killed ({@code pg_terminate_backend}) while a bulk COPY or a graph save streams: the caller gets a
 * typed {@link ConnectionLostException} and the database holds none of the load.
 */
@KeelTest(migrations = "classpath:db/testtables", schemas = "bulk")
class CopyKillIT {
    private static Keel keel;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(4).build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @Test
    void killingTheBackendMidCopyLeavesNoRowOfTheLoad(TestReporter reporter, TestInfo info) throws SQLException {
        int rows = FaultReport.size(100_000, 1_000_000);
        long killAt = rows / 2;
        AtomicLong sentWhenKilled = new AtomicLong(-1);
        AtomicInteger killed = new AtomicInteger();
        keel.dsl().execute("TRUNCATE bulk.narrow");

        assertThatThrownBy(() -> keel.bulk(Tables.NARROW)
                .progress(sent -> {
                    if (sentWhenKilled.get() < 0 && sent >= killAt) {
                        sentWhenKilled.set(sent);
                        killed.set(terminate("COPY%"));
                    }
                })
                .load(narrowRows(rows)))
                .isInstanceOf(ConnectionLostException.class)
                .satisfies(e -> assertThat(((ConnectionLostException) e).sqlState()).isIn("57P01", "08006", "08003"));

        assertThat(killed.get()).as("COPY backends terminated").isEqualTo(1);
        assertThat(sentWhenKilled.get()).as("rows sent when the kill landed").isBetween(killAt, rows - 1L);
        long present = count("SELECT count(*) FROM bulk.narrow");
        assertThat(present).as("rows of the load in the table").isZero();

        // the pool recovers: the same load, repeated, stores every row
        keel.bulk(Tables.NARROW).load(narrowRows(rows));
        assertThat(count("SELECT count(*) FROM bulk.narrow")).isEqualTo(rows);
        FaultReport.of("1. backend killed mid-COPY").figure("rows", rows)
                .figure("killed at row", sentWhenKilled.get()).figure("rows left", present)
                .held(reporter, info, "ConnectionLostException; 0 of " + rows + " rows kept; reload complete");
    }

    @Test
    void killingTheBackendsOfAGraphSaveLeavesNoSnapshotAndNoPartition(TestReporter reporter, TestInfo info)
            throws SQLException {
        int nodes = FaultReport.size(60_000, 400_000);
        long partitionsBefore = count(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = 'keel.graph_nodes'::regclass");
        long snapshotsBefore = count("SELECT count(*) FROM keel.graph_snapshots");
        AtomicInteger killed = new AtomicInteger();
        AtomicLong killedAtNode = new AtomicLong(-1);
        Iterable<NodeState> nodeSource = () -> new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < nodes;
            }

            @Override
            public NodeState next() {
                if (next == nodes / 2) {
                    killedAtNode.set(next);
                    killed.set(terminate("COPY%"));
                }
                long id = next++;
                return new NodeState(id, 0.5f, JSONB.valueOf("{\"n\":" + id + "}"), false, null, null);
            }
        };
        List<EdgeState> edges = List.of(EdgeState.of(0, 1));

        assertThatThrownBy(() -> keel.graphs().save("killed", "fault", JSONB.valueOf("{}"), nodeSource, edges))
                .isInstanceOf(ConnectionLostException.class);

        assertThat(killed.get()).as("COPY backends terminated").isBetween(1, 2);
        assertThat(killedAtNode.get()).isEqualTo(nodes / 2);
        assertThat(count("SELECT count(*) FROM keel.graph_snapshots")).isEqualTo(snapshotsBefore);
        assertThat(count("SELECT count(*) FROM keel.graph_snapshots WHERE name = 'killed'")).isZero();
        assertThat(count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'keel.graph_nodes'::regclass"))
                .as("partitions of graph_nodes").isEqualTo(partitionsBefore);
        assertThat(count("SELECT count(*) FROM keel.graph_nodes")).as("node rows visible").isZero();

        // a later save succeeds whole and clears what the killed one staged
        var saved = keel.graphs().save("after", "fault", JSONB.valueOf("{}"),
                () -> LongStream.range(0, 1000).mapToObj(NodeState::of).iterator(), edges);
        assertThat(keel.graphs().load(saved.id()).nodes()).hasSize(1000);
        long staged = count("""
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'keel' AND NOT c.relispartition AND c.relname ~ '^graph_(nodes|edges)_[0-9a-f]{32}$'
                """);
        assertThat(staged).as("staging tables left behind").isZero();
        FaultReport.of("1. backends killed mid graph save").figure("nodes", nodes)
                .figure("killed at node", killedAtNode.get()).figure("backends killed", killed.get())
                .held(reporter, info, "ConnectionLostException; no snapshot row, no partition, staging cleared");
    }

    private static Iterable<NarrowRecord> narrowRows(int n) {
        return () -> LongStream.range(0, n).mapToObj(i -> {
            NarrowRecord r = new NarrowRecord();
            r.setId(i);
            r.setLabel("row-" + i);
            r.setScore(i * 0.5);
            return r;
        }).iterator();
    }

    /** Terminates every other backend of this database whose query matches {@code like}; returns how many. */
    private static int terminate(String like) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                     + "FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '" + like
                     + "' AND state = 'active'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
