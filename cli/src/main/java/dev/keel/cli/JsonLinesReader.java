package dev.keel.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.jooq.JSONB;

/**
 * Reads the JSON Lines graph format with Jackson's streaming parser: an optional first line
 * {@code {"snapshot":{...}}}, then one {@code {"node":{...}}} or {@code {"edge":{...}}} object per line.
 * See {@link GraphImportCommand} for the fields.
 */
final class JsonLinesReader implements GraphReader {
    static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final JSONB EMPTY = JSONB.valueOf("{}");

    private final Path file;
    private final GraphFiles.Input input;
    private final JsonParser parser;
    private int line;
    private int lastEndLine;
    private Object pending;
    private boolean started;

    JsonLinesReader(Path file) throws IOException {
        this.file = file;
        this.input = GraphFiles.open(file);
        this.parser = JSON.createParser(input);
    }

    @Override
    public Optional<SnapshotHeader> header() throws IOException {
        if (!started) {
            started = true;
            pending = next();
        }
        if (pending instanceof SnapshotHeader h) {
            pending = null;
            return Optional.of(h);
        }
        return Optional.empty();
    }

    @Override
    public void rows(GraphVisitor sink) throws IOException {
        header();
        Object row = pending;
        pending = null;
        if (row == null) {
            row = next();
        }
        for (; row != null; row = next()) {
            if (row instanceof NodeState n) {
                sink.node(n);
            } else if (row instanceof EdgeState e) {
                sink.edge(e);
            } else {
                throw bad("the snapshot header must be the first line");
            }
        }
    }

    /** The next line's header, node or edge; null at the end of the file. */
    private Object next() throws IOException {
        try {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return null;
            }
            line = parser.currentTokenLocation().getLineNr();
            if (line == lastEndLine) {
                throw bad("more than one JSON value on this line");
            }
            if (t != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
                throw bad("expected an object {\"snapshot\":…}, {\"node\":…} or {\"edge\":…}");
            }
            String kind = parser.currentName();
            parser.nextToken();
            Object row = switch (kind) {
                case "node" -> node();
                case "edge" -> edge();
                case "snapshot" -> snapshot();
                default -> throw bad("unknown kind \"" + kind + "\"; expected snapshot, node or edge");
            };
            if (parser.nextToken() != JsonToken.END_OBJECT) {
                throw bad("expected only \"" + kind + "\" in this line's object");
            }
            lastEndLine = parser.currentTokenLocation().getLineNr();
            return row;
        } catch (InputCoercionException e) {
            throw bad(e.getOriginalMessage());
        } catch (StreamReadException e) {
            line = e.getLocation() != null ? e.getLocation().getLineNr() : line;
            throw bad("not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }

    private NodeState node() throws IOException {
        startObject("node");
        Long id = null;
        float activation = 0f;
        boolean visited = false;
        Float distance = null;
        Long parent = null;
        JSONB properties = EMPTY;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken t = parser.nextToken();
            switch (field) {
                case "id" -> id = longValue(t, "node", field);
                case "activationLevel" -> activation = floatValue(t, "node", field);
                case "visited" -> visited = booleanValue(t, "node", field);
                case "distance" -> distance = t == JsonToken.VALUE_NULL ? null : floatValue(t, "node", field);
                case "parent" -> parent = t == JsonToken.VALUE_NULL ? null : longValue(t, "node", field);
                case "properties" -> properties = object(t, "node", field);
                default -> throw bad("node has an unknown field \"" + field + "\"");
            }
        }
        if (id == null) {
            throw bad("node has no \"id\"");
        }
        return new NodeState(id, activation, properties, visited, distance, parent);
    }

    private EdgeState edge() throws IOException {
        startObject("edge");
        Long from = null;
        Long to = null;
        String type = null;
        double weight = 1.0;
        JSONB properties = EMPTY;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken t = parser.nextToken();
            switch (field) {
                case "from" -> from = longValue(t, "edge", field);
                case "to" -> to = longValue(t, "edge", field);
                case "type" -> type = t == JsonToken.VALUE_NULL ? null : stringValue(t, "edge", field);
                case "weight" -> weight = doubleValue(t, "edge", field);
                case "properties" -> properties = object(t, "edge", field);
                default -> throw bad("edge has an unknown field \"" + field + "\"");
            }
        }
        if (from == null || to == null) {
            throw bad("edge needs both \"from\" and \"to\"");
        }
        return new EdgeState(from, to, type, weight, properties);
    }

    private SnapshotHeader snapshot() throws IOException {
        JsonParser p = parser;
        startObject("snapshot");
        String name = null;
        String algorithm = null;
        JSONB metadata = EMPTY;
        Long nodes = null;
        Long edges = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "name" -> name = stringValue(t, "snapshot", field);
                case "algorithm" -> algorithm = t == JsonToken.VALUE_NULL ? null : stringValue(t, "snapshot", field);
                case "metadata" -> metadata = object(t, "snapshot", field);
                case "nodes" -> nodes = longValue(t, "snapshot", field);
                case "edges" -> edges = longValue(t, "snapshot", field);
                // written by export for the record; an import gets a new id, the next version and the current time
                case "id", "version", "createdAt" -> p.skipChildren();
                default -> throw bad("snapshot has an unknown field \"" + field + "\"");
            }
        }
        if (name == null || name.isBlank()) {
            throw bad("snapshot has no \"name\"");
        }
        return new SnapshotHeader(name, algorithm, metadata, nodes, edges);
    }

    private void startObject(String kind) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw bad("\"" + kind + "\" must be an object");
        }
    }

    private long longValue(JsonToken t, String kind, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw bad(kind + " \"" + field + "\" must be an integer, got " + shown(t));
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw bad(kind + " \"" + field + "\" is out of range: " + parser.getText());
        }
        return parser.getLongValue();
    }

    private float floatValue(JsonToken t, String kind, String field) throws IOException {
        if (!t.isNumeric()) {
            throw bad(kind + " \"" + field + "\" must be a number, got " + shown(t));
        }
        float v = parser.getFloatValue();
        if (!Float.isFinite(v)) {
            throw bad(kind + " \"" + field + "\" is out of range: " + parser.getText());
        }
        return v;
    }

    private double doubleValue(JsonToken t, String kind, String field) throws IOException {
        if (!t.isNumeric()) {
            throw bad(kind + " \"" + field + "\" must be a number, got " + shown(t));
        }
        double v = parser.getDoubleValue();
        if (!Double.isFinite(v)) {
            throw bad(kind + " \"" + field + "\" is out of range: " + parser.getText());
        }
        return v;
    }

    private boolean booleanValue(JsonToken t, String kind, String field) throws IOException {
        if (!t.isBoolean()) {
            throw bad(kind + " \"" + field + "\" must be true or false, got " + shown(t));
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private String stringValue(JsonToken t, String kind, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw bad(kind + " \"" + field + "\" must be a string, got " + shown(t));
        }
        return parser.getText();
    }

    /** A JSON object copied as compact text; null stands for the empty object. */
    private JSONB object(JsonToken t, String kind, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return EMPTY;
        }
        if (t != JsonToken.START_OBJECT) {
            throw bad(kind + " \"" + field + "\" must be a JSON object, got " + shown(t));
        }
        StringWriter text = new StringWriter(64);
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.setRootValueSeparator(new SerializedString(""));
            g.copyCurrentStructure(parser);
        }
        return JSONB.valueOf(text.toString());
    }

    private String shown(JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> "\"" + parser.getText() + "\"";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> parser.getText();
        };
    }

    private CliException bad(String problem) {
        return CliException.dataInvalid(position() + ": " + problem);
    }

    @Override
    public String position() {
        return file + " line " + line;
    }

    @Override
    public long bytesRead() {
        return input.bytesRead();
    }

    @Override
    public long totalBytes() {
        return input.size();
    }

    @Override
    public void close() throws IOException {
        try (input) {
            parser.close();
        }
    }
}
