package dev.keel.cli;

import dev.keel.saga.SagaStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Sagas by status, active ones and the oldest one's age, expired leases, retrying, "
                + "quarantined, and throughput over the last minute."},
        footer = {"", "Example:", "  keel saga stats --json"})
final class SagaStatsCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            SagaShowCommand.requireSagaSchema(s);
            SagaStats st = s.keel().sagas().stats();
            Map<String, Object> fields = new LinkedHashMap<>();
            if (output.json()) {
                Map<String, Long> byStatus = new LinkedHashMap<>();
                st.byStatus().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> byStatus.put(e.getKey().name(), e.getValue()));
                fields.put("byStatus", byStatus);
            } else {
                st.byStatus().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> fields.put(e.getKey().name(), e.getValue()));
            }
            fields.put("active", st.active());
            fields.put("oldestActiveSeconds", st.oldestActiveAge().toSeconds());
            fields.put("expiredLeases", st.expiredLeases());
            fields.put("retrying", st.retrying());
            fields.put("quarantined", st.quarantined());
            fields.put("finishedLastMinute", st.finishedLastMinute());
            fields.put("perSecond", Math.round(st.throughputPerSecond() * 100) / 100.0);
            output.fields(fields);
        }
        return ExitCodes.OK;
    }
}
