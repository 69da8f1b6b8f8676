package dev.keel.benchmarks.data;

import static dev.keel.benchmarks.db.Tables.NARROW;

import dev.keel.benchmarks.db.tables.records.NarrowRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.openjdk.jmh.infra.Blackhole;

/** {@code bench.narrow}: a bigint key and an integer, where per-row and per-statement overhead dominate. */
final class NarrowShape extends Shape<NarrowRecord> {
    NarrowShape() {
        super("narrow", NARROW);
    }

    @Override
    public String columnList() {
        return "id, value";
    }

    @Override
    public int columnCount() {
        return 2;
    }

    @Override
    public String insertSql() {
        return "INSERT INTO bench.narrow (id, value) VALUES (?, ?)";
    }

    @Override
    public void bind(PreparedStatement ps, int i, int n) throws SQLException {
        ps.setLong(1, Dataset.narrowId(i));
        ps.setInt(2, Dataset.narrowValue(i));
    }

    @Override
    public void appendText(StringBuilder out, int i, int n) {
        out.append(Dataset.narrowId(i)).append('\t').append(Dataset.narrowValue(i)).append('\n');
    }

    @Override
    public void writeBinary(BinaryCopyWriter out, int i, int n) throws SQLException {
        out.row(2).int8(Dataset.narrowId(i)).int4(Dataset.narrowValue(i));
    }

    @Override
    public NarrowRecord record(int i, int n) {
        NarrowRecord r = new NarrowRecord(Dataset.narrowId(i), Dataset.narrowValue(i));
        r.changed(true);
        return r;
    }

    @Override
    public Object[] values(int i, int n) {
        return new Object[] {Dataset.narrowId(i), Dataset.narrowValue(i)};
    }

    @Override
    public void consume(ResultSet rs, Blackhole bh) throws SQLException {
        bh.consume(rs.getLong(1));
        bh.consume(rs.getInt(2));
    }

    @Override
    public void consume(BinaryCopyReader in, Blackhole bh) throws SQLException {
        bh.consume(in.int8());
        bh.consume(in.int4());
    }
}
