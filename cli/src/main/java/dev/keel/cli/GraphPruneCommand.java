package dev.keel.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Delete the older versions of one snapshot name, keeping the newest N, in one transaction.",
                "Version numbers are not reused: the next save still gets the next one.",
                "Exit 1 when no snapshot has that name or N is less than 1."},
        footer = {"", "Examples:", "  keel graph prune pagerank-run --keep 3",
                "  keel graph prune pagerank-run --keep 1 --json"})
final class GraphPruneCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "NAME", description = "The snapshots' name (see keel graph list).")
    String name;

    @Option(names = "--keep", paramLabel = "N", required = true,
            description = "How many of the newest versions to keep (1 or more).")
    int keep;

    @Override
    public Integer call() {
        if (keep < 1) {
            throw CliException.userError("--keep must be 1 or more, was " + keep
                    + "; keel graph delete ID removes the last versions");
        }
        try (DatabaseOptions.Session s = db.open()) {
            s.requireKeelSchema();
            if (s.keel().graphs().history(name).isEmpty()) {
                throw CliException.userError("no graph snapshot is named '" + name + "' in " + s.where()
                        + " (keel graph list shows them)");
            }
            int deleted = s.keel().graphs().keep(name, keep);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            out.put("kept", s.keel().graphs().history(name).size());
            out.put("deleted", deleted);
            output.result(out, "Deleted " + deleted + " older version" + (deleted == 1 ? "" : "s") + " of " + name
                    + "; kept the newest " + Math.min(keep, (int) out.get("kept")) + ".");
        }
        return ExitCodes.OK;
    }
}
