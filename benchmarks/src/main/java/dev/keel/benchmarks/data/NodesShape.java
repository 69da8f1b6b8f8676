package dev.keel.benchmarks.data;

import static dev.keel.benchmarks.db.Tables.GRAPH_NODES;

import dev.keel.benchmarks.db.tables.records.GraphNodesRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jooq.JSONB;
import org.openjdk.jmh.infra.Blackhole;

/** {@code bench.graph_nodes}: the shape of {@code keel.graph_nodes}. */
final class NodesShape extends Shape<GraphNodesRecord> {
    NodesShape() {
        super("nodes", GRAPH_NODES);
    }

    @Override
    public String columnList() {
        return "snapshot_id, node_id, activation_level, properties, visited, distance, parent";
    }

    @Override
    public int columnCount() {
        return 7;
    }

    @Override
    public String insertSql() {
        return "INSERT INTO bench.graph_nodes (" + columnList() + ") VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)";
    }

    @Override
    public void bind(PreparedStatement ps, int i, int n) throws SQLException {
        ps.setObject(1, Dataset.SNAPSHOT);
        ps.setLong(2, Dataset.nodeId(i));
        ps.setFloat(3, Dataset.activation(i));
        ps.setString(4, Dataset.nodeProperties(i));
        ps.setBoolean(5, Dataset.visited(i));
        Float distance = Dataset.distance(i);
        if (distance == null) {
            ps.setNull(6, Types.REAL);
        } else {
            ps.setFloat(6, distance);
        }
        Long parent = Dataset.parent(i);
        if (parent == null) {
            ps.setNull(7, Types.BIGINT);
        } else {
            ps.setLong(7, parent);
        }
    }

    @Override
    public void appendText(StringBuilder out, int i, int n) {
        out.append(Dataset.SNAPSHOT).append('\t').append(Dataset.nodeId(i)).append('\t')
                .append(Dataset.activation(i)).append('\t');
        appendEscaped(out, Dataset.nodeProperties(i));
        out.append('\t').append(Dataset.visited(i) ? 't' : 'f').append('\t');
        Float distance = Dataset.distance(i);
        out.append(distance == null ? "\\N" : distance.toString()).append('\t');
        Long parent = Dataset.parent(i);
        out.append(parent == null ? "\\N" : parent.toString()).append('\n');
    }

    @Override
    public void writeBinary(BinaryCopyWriter out, int i, int n) throws SQLException {
        out.row(7).uuid(Dataset.SNAPSHOT).int8(Dataset.nodeId(i)).float4(Dataset.activation(i))
                .jsonb(Dataset.nodeProperties(i)).bool(Dataset.visited(i)).float4(Dataset.distance(i))
                .int8(Dataset.parent(i));
    }

    @Override
    public GraphNodesRecord record(int i, int n) {
        GraphNodesRecord r = new GraphNodesRecord(Dataset.SNAPSHOT, Dataset.nodeId(i), Dataset.activation(i),
                JSONB.valueOf(Dataset.nodeProperties(i)), Dataset.visited(i), Dataset.distance(i), Dataset.parent(i));
        r.changed(true);
        return r;
    }

    @Override
    public Object[] values(int i, int n) {
        return new Object[] {Dataset.SNAPSHOT, Dataset.nodeId(i), Dataset.activation(i),
                JSONB.valueOf(Dataset.nodeProperties(i)), Dataset.visited(i), Dataset.distance(i), Dataset.parent(i)};
    }

    @Override
    public void consume(ResultSet rs, Blackhole bh) throws SQLException {
        bh.consume(rs.getObject(1, java.util.UUID.class));
        bh.consume(rs.getLong(2));
        bh.consume(rs.getFloat(3));
        bh.consume(rs.getString(4));
        bh.consume(rs.getBoolean(5));
        float distance = rs.getFloat(6);
        bh.consume(rs.wasNull() ? null : distance);
        long parent = rs.getLong(7);
        bh.consume(rs.wasNull() ? null : parent);
    }

    @Override
    public void consume(BinaryCopyReader in, Blackhole bh) throws SQLException {
        bh.consume(in.uuid());
        bh.consume(in.int8());
        bh.consume(in.float4());
        bh.consume(in.jsonb());
        bh.consume(in.bool());
        bh.consume(in.float4OrNull());
        bh.consume(in.int8OrNull());
    }
}
