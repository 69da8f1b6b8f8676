package dev.keel.benchmarks.data;

import static dev.keel.benchmarks.db.Tables.GRAPH_EDGES;

import dev.keel.benchmarks.db.tables.records.GraphEdgesRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jooq.JSONB;
import org.openjdk.jmh.infra.Blackhole;

/** {@code bench.graph_edges}: the shape of {@code keel.graph_edges}, with its (snapshot_id, from_node) index. */
final class EdgesShape extends Shape<GraphEdgesRecord> {
    EdgesShape() {
        super("edges", GRAPH_EDGES);
    }

    @Override
    public String columnList() {
        return "snapshot_id, from_node, to_node, edge_type, weight, properties";
    }

    @Override
    public int columnCount() {
        return 6;
    }

    @Override
    public String insertSql() {
        return "INSERT INTO bench.graph_edges (" + columnList() + ") VALUES (?, ?, ?, ?, ?, ?::jsonb)";
    }

    @Override
    public void bind(PreparedStatement ps, int i, int n) throws SQLException {
        ps.setObject(1, Dataset.SNAPSHOT);
        ps.setLong(2, Dataset.edgeFrom(i));
        ps.setLong(3, Dataset.edgeTo(i, n));
        ps.setString(4, Dataset.edgeType(i));
        ps.setDouble(5, Dataset.weight(i));
        ps.setString(6, Dataset.edgeProperties(i));
    }

    @Override
    public void appendText(StringBuilder out, int i, int n) {
        out.append(Dataset.SNAPSHOT).append('\t').append(Dataset.edgeFrom(i)).append('\t')
                .append(Dataset.edgeTo(i, n)).append('\t');
        appendEscaped(out, Dataset.edgeType(i));
        out.append('\t').append(Dataset.weight(i)).append('\t');
        appendEscaped(out, Dataset.edgeProperties(i));
        out.append('\n');
    }

    @Override
    public void writeBinary(BinaryCopyWriter out, int i, int n) throws SQLException {
        out.row(6).uuid(Dataset.SNAPSHOT).int8(Dataset.edgeFrom(i)).int8(Dataset.edgeTo(i, n))
                .text(Dataset.edgeType(i)).float8(Dataset.weight(i)).jsonb(Dataset.edgeProperties(i));
    }

    @Override
    public GraphEdgesRecord record(int i, int n) {
        GraphEdgesRecord r = new GraphEdgesRecord(Dataset.SNAPSHOT, Dataset.edgeFrom(i), Dataset.edgeTo(i, n),
                Dataset.edgeType(i), Dataset.weight(i), JSONB.valueOf(Dataset.edgeProperties(i)));
        r.changed(true);
        return r;
    }

    @Override
    public Object[] values(int i, int n) {
        return new Object[] {Dataset.SNAPSHOT, Dataset.edgeFrom(i), Dataset.edgeTo(i, n), Dataset.edgeType(i),
                Dataset.weight(i), JSONB.valueOf(Dataset.edgeProperties(i))};
    }

    @Override
    public void consume(ResultSet rs, Blackhole bh) throws SQLException {
        bh.consume(rs.getObject(1, java.util.UUID.class));
        bh.consume(rs.getLong(2));
        bh.consume(rs.getLong(3));
        bh.consume(rs.getString(4));
        bh.consume(rs.getDouble(5));
        bh.consume(rs.getString(6));
    }

    @Override
    public void consume(BinaryCopyReader in, Blackhole bh) throws SQLException {
        bh.consume(in.uuid());
        bh.consume(in.int8());
        bh.consume(in.int8());
        bh.consume(in.text());
        bh.consume(in.float8());
        bh.consume(in.jsonb());
    }
}
