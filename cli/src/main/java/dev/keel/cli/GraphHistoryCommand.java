package dev.keel.cli;

import dev.keel.graph.SnapshotInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"List every stored version of one snapshot name, newest first.",
                "Columns: id, name, version, algorithm, nodes, edges, created (UTC).",
                "Exit 1 when no snapshot has that name."},
        footer = {"", "Examples:", "  keel graph history pagerank-run", "  keel graph history pagerank-run --json"})
final class GraphHistoryCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "NAME", description = "The snapshots' name (see keel graph list).")
    String name;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            s.requireKeelSchema();
            List<SnapshotInfo> versions = s.keel().graphs().history(name);
            if (versions.isEmpty()) {
                throw CliException.userError("no graph snapshot is named '" + name + "' in " + s.where()
                        + " (keel graph list shows them)");
            }
            List<Map<String, Object>> rows = versions.stream()
                    .map(info -> SnapshotFields.row(info, output.json())).toList();
            output.table(rows, "");
        }
        return ExitCodes.OK;
    }
}
