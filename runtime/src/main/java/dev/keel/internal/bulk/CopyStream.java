package dev.keel.internal.bulk;

import dev.keel.KeelException;
import dev.keel.internal.Workers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One binary {@code COPY … FROM STDIN} fed row by row from one thread through buffers of about 64 KiB. With
 * {@link Workers}, a full buffer is handed to the driver on a worker thread while the caller encodes rows into the
 * other buffer, so encoding overlaps the socket writes that wait for PostgreSQL; only one buffer is in flight.
 * Not thread-safe: one thread feeds it.
 */
public final class CopyStream {
    /** Bytes of encoded rows collected before they are handed to the driver. */
    public static final int FLUSH_BYTES = 64 * 1024;

    private final CopyIn in;
    private final Workers workers;
    private CopyBuffer buf = new CopyBuffer(FLUSH_BYTES + 8 * 1024);
    private CopyBuffer spare;
    private Future<CopyBuffer> sending;
    private long rows;

    /**
     * Opens the COPY and writes the binary header.
     *
     * @param workers where full buffers are sent, or {@code null} to send them on the calling thread
     */
    public CopyStream(Connection c, String copySql, Workers workers) throws SQLException {
        this.in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        this.workers = workers;
        this.spare = workers == null ? null : new CopyBuffer(FLUSH_BYTES + 8 * 1024);
        buf.header();
    }

    /** The buffer the next row is encoded into. */
    public CopyBuffer buffer() {
        return buf;
    }

    /** Rows ended so far. */
    public long rows() {
        return rows;
    }

    /** Marks the end of a row; sends the buffer when it is full. */
    public void endRow() throws SQLException {
        rows++;
        if (buf.size() >= FLUSH_BYTES) {
            if (workers == null) {
                in.writeToCopy(buf.array(), 0, buf.size());
                buf.clear();
                return;
            }
            CopyBuffer full = buf;
            buf = awaitSent(); // the buffer the last send has finished with
            sending = workers.submit(() -> {
                in.writeToCopy(full.array(), 0, full.size());
                full.clear();
                return full;
            });
        }
    }

    /**
     * Sends the rest, ends the COPY and checks that PostgreSQL stored every row sent; returns the row count.
     *
     * @param op the load, for the error when the counts differ
     */
    public long finish(String op) throws SQLException {
        awaitSent();
        buf.trailer();
        in.writeToCopy(buf.array(), 0, buf.size());
        buf.clear();
        long stored = in.endCopy();
        if (stored != rows) {
            throw new KeelException(op + ": PostgreSQL stored " + stored + " of the " + rows + " rows sent", null,
                    null);
        }
        return stored;
    }

    /** Abandons the COPY (its transaction then fails); waits for a send in flight first. */
    public void cancel() {
        try {
            awaitSent();
        } catch (SQLException | RuntimeException ignored) {
            // the failure being handled is the one reported
        }
        if (in.isActive()) {
            try {
                in.cancelCopy();
            } catch (SQLException ignored) {
                // the connection is broken; its transaction is gone with it
            }
        }
    }

    /** Waits for the buffer in flight and returns it, empty, or the spare when nothing is in flight. */
    private CopyBuffer awaitSent() throws SQLException {
        Future<CopyBuffer> f = sending;
        if (f == null) {
            return spare;
        }
        sending = null;
        return Workers.await(f); // the send holds the connection and cannot be abandoned
    }
}
