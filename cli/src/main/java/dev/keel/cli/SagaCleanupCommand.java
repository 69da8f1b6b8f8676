package dev.keel.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Remove finished sagas (completed, compensated, failed, cancelled, timed out) that finished "
                + "longer ago than --older-than, with all their rows, in batches.",
                "Only one cleanup runs at a time across processes; a second one removes nothing."},
        footer = {"", "Examples:", "  keel saga cleanup --older-than 24h", "  keel saga cleanup --older-than 7d --json"})
final class SagaCleanupCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Option(names = "--older-than", paramLabel = "AGE", required = true,
            converter = SagaFields.DurationConverter.class,
            description = "How long ago a saga must have finished: 90s, 30m, 24h, 7d or PT24H.")
    Duration olderThan;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            SagaShowCommand.requireSagaSchema(s);
            long started = System.nanoTime();
            int removed = s.keel().sagas().cleanup(olderThan);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("removed", removed);
            result.put("olderThan", olderThan.toString());
            result.put("millis", (System.nanoTime() - started) / 1_000_000);
            output.result(result, "Removed " + removed + " finished saga(s) older than " + olderThan + " from "
                    + s.where() + ".");
        }
        return ExitCodes.OK;
    }
}
