package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Graph snapshots: list, show, delete, import and export them; a name's history and pruning.",
        subcommands = {GraphListCommand.class, GraphShowCommand.class, GraphDeleteCommand.class,
                GraphImportCommand.class, GraphExportCommand.class, GraphHistoryCommand.class,
                GraphPruneCommand.class},
        footer = {"", "Examples:", "  keel graph list",
                "  keel graph export 5f0c…-…-… backup.jsonl.gz",
                "  keel graph import backup.jsonl.gz",
                "  keel graph history pagerank-run",
                "  keel graph prune pagerank-run --keep 3"})
final class GraphCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
