package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel saga …}: look at durable sagas and clean up finished ones. */
@Command(name = "saga", mixinStandardHelpOptions = true,
        description = "Durable sagas: list, show, statistics, cleanup.",
        subcommands = {SagaListCommand.class, SagaShowCommand.class, SagaStatsCommand.class,
                SagaCleanupCommand.class},
        footer = {"", "Examples:", "  keel saga list --status FAILED", "  keel saga show 5f0c…-…-… --json",
                "  keel saga stats", "  keel saga cleanup --older-than 24h"})
final class SagaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
