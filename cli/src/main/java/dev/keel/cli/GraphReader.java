package dev.keel.cli;

import dev.keel.graph.GraphVisitor;
import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * A graph file being read row by row with bounded memory. A row that is not valid stops the read with a
 * {@link CliException} (exit 3) that names the file and line.
 */
interface GraphReader extends Closeable {
    /** The header the input carries, if any; call before {@link #rows}. */
    Optional<SnapshotHeader> header() throws IOException;

    /** Every node and edge, in file order. */
    void rows(GraphVisitor sink) throws IOException;

    /** Where the row last handed to the sink came from, as {@code FILE line N}. */
    String position();

    /** Bytes of the files (as stored, so compressed when gzipped) read so far. */
    long bytesRead();

    /** Size of the files as stored. */
    long totalBytes();
}
