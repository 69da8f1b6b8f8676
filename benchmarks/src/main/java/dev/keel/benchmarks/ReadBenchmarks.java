package dev.keel.benchmarks;

import dev.keel.benchmarks.data.BinaryCopyReader;
import dev.keel.benchmarks.data.BinaryCopyWriter;
import dev.keel.benchmarks.data.Shape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.postgresql.PGConnection;

/**
 * Ways to read a whole table of {@code rows} rows, every column decoded to its Java type. The table is loaded
 * once per trial and vacuumed, so no method pays for setting hint bits; every operation checks that it read
 * every row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReadBenchmarks {
    /** Rows per round trip for SELECT: fetchSize streams only with autocommit off, as it is here. */
    static final int FETCH_SIZE = 10_000;

    @Param({"nodes", "edges", "narrow"})
    public String shape;

    @Param({"100", "10000", "1000000"})
    public int rows;

    private Shape<?> s;
    private Connection conn;

    @Setup(Level.Trial)
    public void load() throws SQLException {
        s = Shape.named(shape);
        conn = TargetDatabase.connect();
        TargetDatabase.empty(conn, s.qualifiedName(), rows);
        BinaryCopyWriter out = new BinaryCopyWriter(conn.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + s.qualifiedName() + " (" + s.columnList() + ") FROM STDIN (FORMAT binary)"));
        for (int i = 0; i < rows; i++) {
            s.writeBinary(out, i, rows);
        }
        TargetDatabase.expectRows("rows loaded for reading", rows, out.finish());
        conn.commit();
        conn.setAutoCommit(true);
        try (Statement st = conn.createStatement()) {
            st.execute("VACUUM (ANALYZE) " + s.qualifiedName());
        }
        conn.setAutoCommit(false);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        conn.close();
    }

    /** {@code SELECT} with fetchSize {@value #FETCH_SIZE}, text results (pgjdbc's default). */
    @Benchmark
    public long selectWithFetchSize(Blackhole bh) throws SQLException {
        long n = 0;
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + s.columnList() + " FROM " + s.qualifiedName())) {
            ps.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    s.consume(rs, bh);
                    n++;
                }
            }
        }
        conn.commit();
        TargetDatabase.expectRows("SELECT read", rows, n);
        return n;
    }

    /** {@code COPY … TO STDOUT (FORMAT binary)}, parsed as it streams. */
    @Benchmark
    public long copyToBinary(Blackhole bh) throws SQLException {
        BinaryCopyReader in = new BinaryCopyReader(conn.unwrap(PGConnection.class).getCopyAPI()
                .copyOut("COPY " + s.qualifiedName() + " (" + s.columnList() + ") TO STDOUT (FORMAT binary)"));
        long n = 0;
        int fields;
        while ((fields = in.nextRow()) >= 0) {
            if (fields != s.columnCount()) {
                throw new IllegalStateException("COPY row with " + fields + " fields, expected " + s.columnCount());
            }
            s.consume(in, bh);
            n++;
        }
        conn.commit();
        TargetDatabase.expectRows("COPY TO read", rows, n);
        return n;
    }
}
