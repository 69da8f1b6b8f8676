package dev.keel.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.jooq.JSONB;

/** Writes the JSON Lines graph format that {@link JsonLinesReader} reads: the header line, then one row per line. */
final class JsonLinesWriter implements GraphVisitor, AutoCloseable {
    private final JsonGenerator out;

    JsonLinesWriter(OutputStream stream) throws IOException {
        this.out = JsonLinesReader.JSON.createGenerator(stream);
        out.setRootValueSeparator(new SerializedString("\n"));
    }

    /** The first line: everything about the snapshot but its rows. */
    void snapshot(SnapshotInfo info) {
        write(() -> {
            out.writeStartObject();
            out.writeObjectFieldStart("snapshot");
            out.writeStringField("id", info.id().toString());
            out.writeStringField("name", info.name());
            out.writeNumberField("version", info.version());
            out.writeStringField("algorithm", info.algorithm());
            out.writeFieldName("metadata");
            json(info.metadata());
            out.writeNumberField("nodes", info.nodeCount());
            out.writeNumberField("edges", info.edgeCount());
            out.writeStringField("createdAt", info.createdAt() == null ? null : info.createdAt().toString());
            out.writeEndObject();
            out.writeEndObject();
        });
    }

    @Override
    public void node(NodeState n) {
        write(() -> {
            out.writeStartObject();
            out.writeObjectFieldStart("node");
            out.writeNumberField("id", n.id());
            out.writeNumberField("activationLevel", n.activationLevel());
            out.writeBooleanField("visited", n.visited());
            out.writeFieldName("distance");
            if (n.distance() == null) {
                out.writeNull();
            } else {
                out.writeNumber(n.distance());
            }
            out.writeFieldName("parent");
            if (n.parent() == null) {
                out.writeNull();
            } else {
                out.writeNumber(n.parent());
            }
            out.writeFieldName("properties");
            json(n.properties());
            out.writeEndObject();
            out.writeEndObject();
        });
    }

    @Override
    public void edge(EdgeState e) {
        write(() -> {
            out.writeStartObject();
            out.writeObjectFieldStart("edge");
            out.writeNumberField("from", e.from());
            out.writeNumberField("to", e.to());
            out.writeStringField("type", e.type());
            out.writeNumberField("weight", e.weight());
            out.writeFieldName("properties");
            json(e.properties());
            out.writeEndObject();
            out.writeEndObject();
        });
    }

    /** Re-reads the stored JSON so that the line stays compact and on one line whatever its stored spacing. */
    private void json(JSONB value) throws IOException {
        String text = value == null ? "{}" : value.data();
        if (text.equals("{}")) {
            out.writeStartObject();
            out.writeEndObject();
            return;
        }
        try (JsonParser p = JsonLinesReader.JSON.createParser(text)) {
            p.nextToken();
            out.copyCurrentStructure(p);
        }
    }

    private interface IoStep {
        void run() throws IOException;
    }

    private void write(IoStep step) {
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the last line and flushes; the caller closes the stream. */
    @Override
    public void close() throws IOException {
        out.writeRaw('\n');
        out.flush();
    }
}
