package dev.keel.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.JSONB;

/**
 * Reads a graph from two CSV files with header rows, parsed by Jackson's CSV module: nodes
 * ({@code id,activationLevel,visited,distance,parent,properties}) and edges
 * ({@code from,to,type,weight,properties}). Only {@code id}, {@code from} and {@code to} are required columns; an
 * empty cell means the default (null, 0, false, weight 1, no properties).
 */
final class CsvGraphReader implements GraphReader {
    static final CsvFactory CSV = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
    static final List<String> NODE_COLUMNS = List.of("id", "activationLevel", "visited", "distance", "parent", "properties");
    static final List<String> EDGE_COLUMNS = List.of("from", "to", "type", "weight", "properties");

    private final Path nodesFile;
    private final Path edgesFile;
    private final GraphFiles.Input nodes;
    private final GraphFiles.Input edges;
    private Table current;

    CsvGraphReader(Path nodesFile, Path edgesFile) {
        this.nodesFile = nodesFile;
        this.edgesFile = edgesFile;
        this.nodes = GraphFiles.open(nodesFile);
        GraphFiles.Input e;
        try {
            e = GraphFiles.open(edgesFile);
        } catch (RuntimeException ex) {
            closeQuietly(nodes, ex);
            throw ex;
        }
        this.edges = e;
    }

    /** CSV carries no header: name, algorithm and metadata come from the command line. */
    @Override
    public Optional<SnapshotHeader> header() {
        return Optional.empty();
    }

    @Override
    public void rows(GraphVisitor sink) throws IOException {
        current = new Table(nodesFile, nodes, NODE_COLUMNS, "id") {
            @Override
            void row() {
                sink.node(new NodeState(longCell("id"), floatCell("activationLevel", 0f), jsonCell("properties"),
                        booleanCell("visited"), nullableFloat("distance"), nullableLong("parent")));
            }
        };
        current.read();
        current = new Table(edgesFile, edges, EDGE_COLUMNS, "from", "to") {
            @Override
            void row() {
                String type = cell("type");
                sink.edge(new EdgeState(longCell("from"), longCell("to"), type.isEmpty() ? null : type,
                        doubleCell("weight", 1.0), jsonCell("properties")));
            }
        };
        current.read();
    }

    @Override
    public String position() {
        return current == null ? nodesFile + " line 1" : current.position();
    }

    /** One CSV file: a header row naming the columns, then rows read one at a time. */
    private abstract static class Table {
        private final Path file;
        private final GraphFiles.Input input;
        private final List<String> known;
        private final String[] required;
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> cells = new ArrayList<>();
        private int line;

        Table(Path file, GraphFiles.Input input, List<String> known, String... required) {
            this.file = file;
            this.input = input;
            this.known = known;
            this.required = required;
        }

        abstract void row();

        void read() throws IOException {
            try (JsonParser p = CSV.createParser(new InputStreamReader(input, StandardCharsets.UTF_8))) {
                boolean header = true;
                while (nextRow(p)) {
                    if (cells.size() == 1 && cells.get(0).isEmpty()) {
                        continue; // a blank line
                    }
                    if (header) {
                        columns();
                        header = false;
                        continue;
                    }
                    if (cells.size() != index.size()) {
                        throw bad("expected " + index.size() + " cells, found " + cells.size());
                    }
                    row();
                }
                if (header) {
                    throw CliException.dataInvalid(file + " is empty; it needs a header row such as "
                            + String.join(",", known));
                }
            } catch (StreamReadException e) {
                line = e.getLocation() != null ? e.getLocation().getLineNr() : line;
                throw bad("not valid CSV: " + e.getOriginalMessage().lines().findFirst().orElse(""));
            }
        }

        private boolean nextRow(JsonParser p) throws IOException {
            cells.clear();
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return false;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.VALUE_STRING; t = p.nextToken()) {
                if (cells.isEmpty()) {
                    line = p.currentTokenLocation().getLineNr();
                }
                cells.add(p.getText());
            }
            return true;
        }

        private void columns() {
            for (int i = 0; i < cells.size(); i++) {
                String name = cells.get(i).strip();
                if (!known.contains(name)) {
                    throw bad("unknown column \"" + name + "\"; the columns are " + String.join(",", known));
                }
                if (index.put(name, i) != null) {
                    throw bad("column \"" + name + "\" appears twice");
                }
            }
            for (String r : required) {
                if (!index.containsKey(r)) {
                    throw bad("the header has no \"" + r + "\" column");
                }
            }
        }

        String cell(String column) {
            Integer i = index.get(column);
            return i == null ? "" : cells.get(i).strip();
        }

        long longCell(String column) {
            Long v = nullableLong(column);
            if (v == null) {
                throw bad("\"" + column + "\" is empty");
            }
            return v;
        }

        Long nullableLong(String column) {
            String s = cell(column);
            if (s.isEmpty()) {
                return null;
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw bad("\"" + column + "\" must be an integer, got \"" + s + "\"");
            }
        }

        float floatCell(String column, float empty) {
            Float v = nullableFloat(column);
            return v == null ? empty : v;
        }

        Float nullableFloat(String column) {
            String s = cell(column);
            if (s.isEmpty()) {
                return null;
            }
            float v;
            try {
                v = Float.parseFloat(s);
            } catch (NumberFormatException e) {
                throw bad("\"" + column + "\" must be a number, got \"" + s + "\"");
            }
            if (!Float.isFinite(v)) {
                throw bad("\"" + column + "\" must be a finite number, got \"" + s + "\"");
            }
            return v;
        }

        double doubleCell(String column, double empty) {
            String s = cell(column);
            if (s.isEmpty()) {
                return empty;
            }
            double v;
            try {
                v = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw bad("\"" + column + "\" must be a number, got \"" + s + "\"");
            }
            if (!Double.isFinite(v)) {
                throw bad("\"" + column + "\" must be a finite number, got \"" + s + "\"");
            }
            return v;
        }

        boolean booleanCell(String column) {
            String s = cell(column);
            if (s.isEmpty() || s.equalsIgnoreCase("false")) {
                return false;
            }
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            throw bad("\"" + column + "\" must be true or false, got \"" + s + "\"");
        }

        /** A JSON object, checked by parsing it; empty means no properties. */
        JSONB jsonCell(String column) {
            String s = cell(column);
            if (s.isEmpty() || s.equals("{}")) {
                return null;
            }
            try (JsonParser p = JsonLinesReader.JSON.createParser(s)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw bad("\"" + column + "\" must be a JSON object, got " + s);
                }
                p.skipChildren();
                if (p.nextToken() != null) {
                    throw bad("\"" + column + "\" has text after its JSON object");
                }
            } catch (IOException e) {
                throw bad("\"" + column + "\" is not valid JSON: "
                        + (e instanceof StreamReadException r ? r.getOriginalMessage() : e.getMessage()));
            }
            return JSONB.valueOf(s);
        }

        CliException bad(String problem) {
            return CliException.dataInvalid(position() + ": " + problem);
        }

        String position() {
            return file + " line " + line;
        }
    }

    @Override
    public long bytesRead() {
        return nodes.bytesRead() + edges.bytesRead();
    }

    @Override
    public long totalBytes() {
        return nodes.size() + edges.size();
    }

    @Override
    public void close() throws IOException {
        try (nodes; edges) {
            // both closed, the second even when the first fails
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable into) {
        try {
            c.close();
        } catch (Exception e) {
            into.addSuppressed(e);
        }
    }
}
