package dev.keel.cli;

import dev.keel.graph.SnapshotInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a snapshot with its nodes and edges.",
                "Exit 1 when there is no snapshot with that id, as rm does for a missing file."},
        footer = {"", "Example:", "  keel graph delete 0b5e1c9a-6f2d-4d83-9a41-2f4f0c7e8b11"})
final class GraphDeleteCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "ID", description = "The snapshot's id (see keel graph list).")
    UUID id;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            s.requireKeelSchema();
            SnapshotInfo info = GraphShowCommand.find(s, id);
            if (!s.keel().graphs().delete(id)) {
                // deleted by someone else between the two calls: the outcome the user asked for, but say so
                throw CliException.userError("graph snapshot " + id + " was already deleted");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("deleted", id.toString());
            out.put("name", info.name());
            out.put("version", info.version());
            out.put("nodes", info.nodeCount());
            out.put("edges", info.edgeCount());
            output.result(out, "Deleted " + id + ": " + SnapshotFields.label(info) + ".");
        }
        return ExitCodes.OK;
    }
}
