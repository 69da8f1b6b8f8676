package dev.keel.internal.graph;

import dev.keel.internal.bulk.CopyBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** One open binary COPY into a staging table, fed row by row through a buffer of about 64 KiB. */
final class StageCopy {
    private static final int FLUSH_BYTES = 64 * 1024;

    final CopyBuffer buf = new CopyBuffer(FLUSH_BYTES + 8 * 1024);
    private final CopyIn in;
    long rows;

    StageCopy(Connection c, String copySql) throws SQLException {
        this.in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        buf.header();
    }

    /** Marks the end of a row; hands the buffer to the driver when it is full. */
    void endRow() throws SQLException {
        rows++;
        if (buf.size() >= FLUSH_BYTES) {
            in.writeToCopy(buf.array(), 0, buf.size());
            buf.clear();
        }
    }

    /** Sends the rest and ends the COPY; returns the rows PostgreSQL stored. */
    long finish() throws SQLException {
        buf.trailer();
        in.writeToCopy(buf.array(), 0, buf.size());
        buf.clear();
        return in.endCopy();
    }

    void cancel() {
        if (in.isActive()) {
            try {
                in.cancelCopy();
            } catch (SQLException ignored) {
                // the connection is broken; its transaction is gone with it
            }
        }
    }
}
