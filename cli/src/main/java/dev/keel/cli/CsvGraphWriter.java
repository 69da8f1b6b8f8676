package dev.keel.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.jooq.JSONB;

/** Writes the two CSV files that {@link CsvGraphReader} reads: nodes to one stream, edges to the other. */
final class CsvGraphWriter implements GraphVisitor, AutoCloseable {
    private final JsonGenerator nodes;
    private final JsonGenerator edges;
    private boolean anyNode;
    private boolean anyEdge;

    CsvGraphWriter(OutputStream nodesOut, OutputStream edgesOut) throws IOException {
        this.nodes = generator(nodesOut, CsvGraphReader.NODE_COLUMNS);
        this.edges = generator(edgesOut, CsvGraphReader.EDGE_COLUMNS);
    }

    private static JsonGenerator generator(OutputStream out, List<String> columns) throws IOException {
        CsvGenerator g = CsvGraphReader.CSV.createGenerator(out);
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        columns.forEach(schema::addColumn);
        g.setSchema(schema.build());
        return g;
    }

    @Override
    public void node(NodeState n) {
        anyNode = true;
        row(nodes, Long.toString(n.id()), Float.toString(n.activationLevel()), Boolean.toString(n.visited()),
                n.distance() == null ? "" : n.distance().toString(), n.parent() == null ? "" : n.parent().toString(),
                json(n.properties()));
    }

    @Override
    public void edge(EdgeState e) {
        anyEdge = true;
        row(edges, Long.toString(e.from()), Long.toString(e.to()), e.type() == null ? "" : e.type(),
                Double.toString(e.weight()), json(e.properties()));
    }

    private static String json(JSONB properties) {
        return properties == null ? "{}" : properties.data();
    }

    // cells are written as text: Jackson's CSV generator drops a null cell instead of leaving it empty
    private static void row(JsonGenerator g, String... cells) {
        try {
            g.writeStartArray();
            for (String cell : cells) {
                g.writeString(cell);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flushes both files, writing the header even for an empty table; the caller closes the streams. */
    @Override
    public void close() throws IOException {
        // the generator writes the header with the first row, so an empty table gets it here
        if (!anyNode) {
            nodes.writeRaw(String.join(",", CsvGraphReader.NODE_COLUMNS) + "\n");
        }
        if (!anyEdge) {
            edges.writeRaw(String.join(",", CsvGraphReader.EDGE_COLUMNS) + "\n");
        }
        nodes.flush();
        edges.flush();
    }
}
