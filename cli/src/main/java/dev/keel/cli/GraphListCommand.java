package dev.keel.cli;

import dev.keel.graph.SnapshotInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List graph snapshots, newest first.",
                "Columns: id, name, version, algorithm, nodes, edges, created (UTC)."},
        footer = {"", "Examples:", "  keel graph list", "  keel graph list --name demo --json"})
final class GraphListCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Option(names = "--name", paramLabel = "NAME", description = "Only snapshots with this name.")
    String name;

    @Option(names = "--algorithm", paramLabel = "ALGORITHM", description = "Only snapshots made by this algorithm.")
    String algorithm;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            s.requireKeelSchema();
            List<Map<String, Object>> rows = s.keel().graphs().list(name, algorithm).stream()
                    .map((SnapshotInfo info) -> SnapshotFields.row(info, output.json())).toList();
            output.table(rows, "No graph snapshots in " + s.where() + ".");
        }
        return ExitCodes.OK;
    }
}
