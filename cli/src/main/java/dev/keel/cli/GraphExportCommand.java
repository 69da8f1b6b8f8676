package dev.keel.cli;

import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a snapshot to a JSON Lines file, or to two CSV files (nodes, edges).",
                "The format is the one keel graph import reads (see its --help). Rows are streamed with bounded "
                        + "memory, and the files appear only once complete. Exit 1 when there is no snapshot with "
                        + "that id or a file exists (see --force)."},
        footer = {"", "Examples:",
                "  keel graph export 0b5e1c9a-6f2d-4d83-9a41-2f4f0c7e8b11 backup.jsonl.gz",
                "  keel graph export 0b5e1c9a-6f2d-4d83-9a41-2f4f0c7e8b11 nodes.csv edges.csv --gzip"})
final class GraphExportCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "ID", description = "The snapshot's id (see keel graph list).")
    UUID id;

    @Parameters(index = "1..2", arity = "1..2", paramLabel = "FILE",
            description = "A JSON Lines file, or a nodes CSV file and an edges CSV file.")
    List<Path> files;

    @Option(names = "--gzip", description = "Compress with gzip (also chosen by a .gz file name).")
    boolean gzip;

    @Option(names = "--force", description = "Replace files that already exist.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        try (DatabaseOptions.Session s = db.open()) {
            s.requireKeelSchema();
            SnapshotInfo info = GraphShowCommand.find(s, id);
            long start = System.nanoTime();
            if (files.size() == 1) {
                jsonLines(s, info);
            } else {
                csv(s, info);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String target = String.join(" + ", files.stream().map(Path::toString).toList());
            Map<String, Object> out = SnapshotFields.row(info, output.json());
            out.put("files", files.stream().map(f -> f.toAbsolutePath().toString()).toList());
            out.put("seconds", took.toMillis() / 1000.0);
            output.result(out, String.format("Exported %s, snapshot %s, to %s in %.1f s.", SnapshotFields.label(info),
                    id, target, took.toMillis() / 1000.0));
            return ExitCodes.OK;
        }
    }

    private void jsonLines(DatabaseOptions.Session s, SnapshotInfo info) throws IOException {
        Path file = files.get(0);
        try (GraphFiles.Output out = GraphFiles.create(file, GraphFiles.gzipWanted(file, gzip), force)) {
            try (JsonLinesWriter writer = new JsonLinesWriter(out.stream())) {
                writer.snapshot(info);
                stream(s, info, writer);
            }
            out.commit();
        } catch (UncheckedIOException e) {
            throw CliException.userError("cannot write " + file + ": " + e.getCause().getMessage());
        }
    }

    private void csv(DatabaseOptions.Session s, SnapshotInfo info) throws IOException {
        Path nodes = files.get(0);
        Path edges = files.get(1);
        try (GraphFiles.Output nodesOut = GraphFiles.create(nodes, GraphFiles.gzipWanted(nodes, gzip), force);
             GraphFiles.Output edgesOut = GraphFiles.create(edges, GraphFiles.gzipWanted(edges, gzip), force)) {
            try (CsvGraphWriter writer = new CsvGraphWriter(nodesOut.stream(), edgesOut.stream())) {
                stream(s, info, writer);
            }
            nodesOut.commit();
            edgesOut.commit();
        } catch (UncheckedIOException e) {
            throw CliException.userError("cannot write " + nodes + " and " + edges + ": " + e.getCause().getMessage());
        }
    }

    /** Streams the stored rows into {@code sink}, failing (so no file appears) unless all the header counts came. */
    private void stream(DatabaseOptions.Session s, SnapshotInfo info, GraphVisitor sink) {
        long[] rows = new long[1];
        try (Progress progress = output.progress("export", info.nodeCount() + info.edgeCount(), " rows", 1)) {
            s.keel().graphs().stream(info.id(), new GraphVisitor() {
                @Override
                public void node(NodeState node) {
                    sink.node(node);
                    progress.stepTo(++rows[0]);
                }

                @Override
                public void edge(EdgeState edge) {
                    sink.edge(edge);
                    progress.stepTo(++rows[0]);
                }
            });
        }
        long expected = info.nodeCount() + info.edgeCount();
        if (rows[0] != expected) {
            throw CliException.dataInvalid(String.format("snapshot %s has %,d rows but %,d were read back; nothing "
                    + "was written", info.id(), expected, rows[0]));
        }
    }
}
