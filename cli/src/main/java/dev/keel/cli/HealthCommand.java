package dev.keel.cli;

import dev.keel.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Check the database in one line; exit 0 when healthy, 2 when not.",
        footer = {"", "Example:", "  keel health || echo database down"})
final class HealthCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            HealthStatus h = s.keel().health();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("state", h.state().name());
            out.put("latencyMillis", h.latency().toMillis());
            out.put("schemaVersion", h.schemaVersion().orElse(null));
            out.put("error", h.error().map(Throwable::getMessage).orElse(null));
            output.result(out, h.summary());
            return h.isHealthy() ? ExitCodes.OK : ExitCodes.DATABASE_UNAVAILABLE;
        }
    }
}
