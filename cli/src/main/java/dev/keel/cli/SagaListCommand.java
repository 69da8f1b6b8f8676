package dev.keel.cli;

import dev.keel.saga.SagaStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List sagas, newest first.",
                "Columns: id, name, status, steps (done/total), version, created, completed (UTC)."},
        footer = {"", "Examples:", "  keel saga list", "  keel saga list --status FAILED --json"})
final class SagaListCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only sagas with this status: ${COMPLETION-CANDIDATES}.")
    SagaStatus status;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "At most this many (1..10000, default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 10_000) {
            throw CliException.userError("--limit must be 1..10000, was " + limit);
        }
        try (DatabaseOptions.Session s = db.open()) {
            SagaShowCommand.requireSagaSchema(s);
            List<Map<String, Object>> rows = s.keel().sagas().list(status, limit).stream()
                    .map(st -> SagaFields.row(st, output.json())).toList();
            output.table(rows, "No sagas in " + s.where() + ".");
        }
        return ExitCodes.OK;
    }
}
