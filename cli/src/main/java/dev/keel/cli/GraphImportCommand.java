package dev.keel.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.keel.error.InvalidInputException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.graph.SnapshotWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jooq.JSONB;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Store a graph snapshot from a JSON Lines file, or from two CSV files (nodes, edges).",
                "The input is streamed with bounded memory and may be gzipped (recognised by its content). A line "
                        + "that is not valid stops the import with exit 3, naming the file and line, and nothing is "
                        + "stored."},
        footer = {"",
                "JSON Lines: one object per line. The first line is the snapshot header (or give --name and "
                        + "--algorithm); every other line is a node or an edge, in any order:",
                "  {\"snapshot\":{\"name\":\"social\",\"algorithm\":\"bfs\",\"metadata\":{\"by\":\"x\"}}}",
                "  {\"node\":{\"id\":1,\"properties\":{\"label\":\"a\"}}}",
                "  {\"node\":{\"id\":2,\"activationLevel\":0.5,\"visited\":true,\"parent\":1}}",
                "  {\"edge\":{\"from\":1,\"to\":2,\"type\":\"follows\",\"weight\":0.5}}",
                "Header fields: name and algorithm (1 to 200 characters), metadata (a JSON object, default {}). "
                        + "Node fields: id (required), activationLevel (default 0), visited (false), distance (null), parent "
                        + "(null), properties ({}). Edge fields: from and to (required), type (null), weight (1), "
                        + "properties ({}). Unknown fields are errors. The header may also carry \"nodes\" and "
                        + "\"edges\" counts, as keel graph export writes them; a file whose rows do not match them is "
                        + "rejected as truncated.",
                "",
                "CSV: two files with a header row each, columns in any order; an empty cell means the default and "
                        + "properties is a JSON object in one quoted cell. Name and algorithm come from --name and "
                        + "--algorithm:",
                "  nodes: id,activationLevel,visited,distance,parent,properties",
                "  edges: from,to,type,weight,properties",
                "",
                "Unique node ids, and edges only between nodes of the snapshot, are checked once the whole input "
                        + "has been read; a failure there is exit 3 too, and stores nothing.",
                "",
                "Examples:",
                "  keel graph import backup.jsonl.gz",
                "  keel graph import nodes.csv edges.csv --name social --algorithm bfs"})
final class GraphImportCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Parameters(arity = "1..2", paramLabel = "FILE",
            description = "A JSON Lines file, or a nodes CSV file and an edges CSV file (each may be gzipped).")
    List<Path> files;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Snapshot name; required for CSV, overrides the JSON Lines header's.")
    String name;

    @Option(names = "--algorithm", paramLabel = "ALGORITHM",
            description = "The algorithm that produced the graph; required for CSV, overrides the header's.")
    String algorithm;

    @Option(names = "--metadata", paramLabel = "JSON", description = "Metadata object; overrides the header's.")
    String metadata;

    @Override
    public Integer call() throws IOException {
        JSONB metadataOption = metadata == null ? null : jsonObject(metadata);
        try (GraphReader reader = files.size() == 1 ? new JsonLinesReader(files.get(0))
                : new CsvGraphReader(files.get(0), files.get(1))) {
            SnapshotHeader header = reader.header().orElse(null);
            String snapshotName = name != null ? name : header != null ? header.name() : null;
            if (snapshotName == null || snapshotName.isBlank()) {
                throw CliException.userError(files.size() == 1
                        ? files.get(0) + " has no {\"snapshot\":…} header line; give the snapshot a --name"
                        : "CSV files carry no snapshot name; give one with --name");
            }
            String snapshotAlgorithm = algorithm != null ? algorithm : header != null ? header.algorithm() : null;
            if (snapshotAlgorithm == null || snapshotAlgorithm.isBlank()) {
                throw CliException.userError(files.size() == 1
                        ? "a snapshot records the algorithm that produced it; add \"algorithm\" to the header line "
                                + "of " + files.get(0) + " or give --algorithm"
                        : "a snapshot records the algorithm that produced it; give one with --algorithm");
            }
            JSONB snapshotMetadata = metadataOption != null ? metadataOption : header != null ? header.metadata() : null;
            return store(reader, header, snapshotName, snapshotAlgorithm, snapshotMetadata);
        } catch (CliException e) {
            if (e.exitCode() == ExitCodes.DATA_INVALID) {
                throw new CliException(e.exitCode(), e.getMessage() + "; nothing was stored", e);
            }
            throw e;
        }
    }

    private int store(GraphReader reader, SnapshotHeader header, String snapshotName, String snapshotAlgorithm,
                      JSONB snapshotMetadata) throws IOException {
        String source = String.join(" + ", files.stream().map(Path::toString).toList());
        try (DatabaseOptions.Session s = db.open(true, List.of())) {
            long start = System.nanoTime();
            long[] counts = new long[2];
            SnapshotInfo info;
            try (SnapshotWriter writer = s.keel().graphs().writer(snapshotName, snapshotAlgorithm, snapshotMetadata);
                 Progress progress = reader.totalBytes() < 10 << 20
                         ? output.progress("import", reader.totalBytes(), "KiB", 1 << 10)
                         : output.progress("import", reader.totalBytes(), "MiB", 1 << 20)) {
                reader.rows(new GraphVisitor() {
                    @Override
                    public void node(NodeState node) {
                        try {
                            writer.node(node);
                        } catch (InvalidInputException e) {
                            throw CliException.dataInvalid(reader.position() + ": " + e.getMessage());
                        }
                        counts[0]++;
                        progress.stepTo(reader.bytesRead());
                    }

                    @Override
                    public void edge(EdgeState edge) {
                        try {
                            writer.edge(edge);
                        } catch (InvalidInputException e) {
                            throw CliException.dataInvalid(reader.position() + ": " + e.getMessage());
                        }
                        counts[1]++;
                        progress.stepTo(reader.bytesRead());
                    }
                });
                checkCounts(header, counts[0], counts[1]);
                progress.note("checking and publishing");
                try {
                    info = writer.commit();
                } catch (InvalidInputException e) {
                    throw new CliException(ExitCodes.DATA_INVALID, source + " is not a valid graph: " + e.getMessage(), e);
                }
            } catch (UncheckedIOException e) {
                throw CliException.userError("cannot read " + source + ": " + e.getCause().getMessage());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Map<String, Object> out = SnapshotFields.row(info, output.json());
            out.put("seconds", took.toMillis() / 1000.0);
            output.result(out, String.format("Imported %s in %.1f s as %s, snapshot %s, in %s.", source,
                    took.toMillis() / 1000.0, SnapshotFields.label(info), info.id(), s.where()));
        }
        return ExitCodes.OK;
    }

    private void checkCounts(SnapshotHeader header, long nodes, long edges) {
        if (header == null) {
            return;
        }
        if ((header.nodes() != null && header.nodes() != nodes) || (header.edges() != null && header.edges() != edges)) {
            throw CliException.dataInvalid(String.format(
                    "%s has %,d nodes and %,d edges but its header says %s and %s; the file may be truncated",
                    files.get(0), nodes, edges, count(header.nodes(), "nodes"), count(header.edges(), "edges")));
        }
    }

    private static String count(Long n, String what) {
        return n == null ? "no count of " + what : String.format("%,d %s", n, what);
    }

    private static JSONB jsonObject(String text) {
        try (JsonParser p = JsonLinesReader.JSON.createParser(text)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                p.skipChildren();
                if (p.nextToken() == null) {
                    return JSONB.valueOf(text);
                }
            }
        } catch (IOException e) {
            // reported below
        }
        throw CliException.userError("--metadata must be a JSON object such as {\"source\":\"crawl\"}, was " + text);
    }
}
