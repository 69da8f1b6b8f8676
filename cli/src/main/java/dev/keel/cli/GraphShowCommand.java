package dev.keel.cli;

import dev.keel.graph.SnapshotInfo;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show one snapshot's header and counts.", "Exit 1 when there is no snapshot with that id."},
        footer = {"", "Example:", "  keel graph show 0b5e1c9a-6f2d-4d83-9a41-2f4f0c7e8b11 --json"})
final class GraphShowCommand implements Callable<Integer> {
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
            SnapshotInfo info = find(s, id);
            output.fields(SnapshotFields.all(info, output.json()));
        }
        return ExitCodes.OK;
    }

    /** The snapshot's header, or exit 1 naming the id. */
    static SnapshotInfo find(DatabaseOptions.Session s, UUID id) {
        return s.keel().graphs().info(id).orElseThrow(() -> CliException.userError(
                "there is no graph snapshot " + id + " in " + s.where() + " (keel graph list shows them)"));
    }
}
