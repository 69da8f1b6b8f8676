package dev.keel.cli;

import dev.keel.saga.SagaState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show one saga: its state, steps and audit trail.", "Exit 1 when there is no saga with that id."},
        footer = {"", "Example:", "  keel saga show 0b5e1c9a-6f2d-4d83-9a41-2f4f0c7e8b11 --json"})
final class SagaShowCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "ID", description = "The saga's id (see keel saga list).")
    UUID id;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            requireSagaSchema(s);
            SagaState saga = s.keel().sagas().load(id).orElseThrow(() -> CliException.userError(
                    "there is no saga " + id + " in " + s.where() + " (keel saga list shows them)"));
            boolean json = output.json();
            List<Map<String, Object>> steps = saga.steps().stream().map(st -> SagaFields.step(st, json)).toList();
            List<Map<String, Object>> events = s.keel().sagas().events(id).stream()
                    .map(e -> SagaFields.event(e, json)).toList();
            if (json) {
                Map<String, Object> all = new LinkedHashMap<>(SagaFields.all(saga, true));
                all.put("steps", steps);
                all.put("events", events);
                output.result(all, null);
            } else {
                output.fields(SagaFields.all(saga, false));
                output.out().println();
                output.table(steps, "");
                output.out().println();
                output.table(events, "");
            }
        }
        return ExitCodes.OK;
    }

    /** Exit 2 when the database does not answer, 1 when Keel's schema (with the saga tables) is not installed. */
    static void requireSagaSchema(DatabaseOptions.Session s) {
        s.requireKeelSchema();
        Boolean present = s.keel().dsl().fetchSingle("SELECT to_regclass('keel.sagas') IS NOT NULL").get(0,
                Boolean.class);
        if (!Boolean.TRUE.equals(present)) {
            throw CliException.userError("Keel's saga tables are not installed in " + s.where()
                    + "; run 'keel migrate' first");
        }
    }
}
