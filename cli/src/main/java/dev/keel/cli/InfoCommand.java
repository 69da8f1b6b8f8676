package dev.keel.cli;

import dev.keel.HealthStatus;
import dev.keel.Keel;
import dev.keel.KeelInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the server, PostgreSQL version, Keel's schema version, pending migrations, pool, health "
                + "and the registry of the Keels open in this process.",
        footer = {"", "Example:", "  keel info --json"})
final class InfoCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open()) {
            HealthStatus health = s.keel().health();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("database", s.where());
            out.put("postgresVersion", s.keel().dsl().fetchValue("SHOW server_version"));
            out.put("keelSchemaVersion", health.schemaVersion().orElse("none"));
            out.put("pendingMigrations", pendingKeelMigrations(s));
            out.put("pool", health.pool().active() + " active, " + health.pool().idle() + " idle, "
                    + health.pool().max() + " max");
            out.put("health", health.summary());
            List<Map<String, Object>> registry = Keel.registry().stream().map(InfoCommand::entry).toList();
            out.put("registry", output.json() ? registry : registry.stream().map(InfoCommand::line)
                    .collect(Collectors.joining("\n" + " ".repeat("pendingMigrations".length() + 2))));
            output.fields(out);
        }
        return ExitCodes.OK;
    }

    /** One registry entry as JSON-ready fields; the URL is already redacted. */
    private static Map<String, Object> entry(KeelInfo k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", k.name());
        m.put("url", k.url());
        m.put("database", k.database());
        m.put("serverVersion", k.serverVersion());
        m.put("state", k.state().name());
        m.put("owner", k.owner());
        m.put("openedAt", k.openedAt().toString());
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("min", k.poolMin());
        pool.put("max", k.pool().max());
        pool.put("active", k.pool().active());
        pool.put("idle", k.pool().idle());
        pool.put("total", k.pool().total());
        pool.put("waiting", k.pool().waiting());
        m.put("pool", pool);
        Map<String, Object> listener = new LinkedHashMap<>();
        listener.put("state", k.listener().state());
        listener.put("channels", k.listener().channels());
        m.put("listener", listener);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static String line(Map<String, Object> e) {
        Map<String, Object> pool = (Map<String, Object>) e.get("pool");
        Map<String, Object> listener = (Map<String, Object>) e.get("listener");
        return e.get("name") + " " + e.get("state") + " owner " + e.get("owner") + ", pool " + pool.get("active")
                + " active, " + pool.get("idle") + " idle, " + pool.get("max") + " max, " + pool.get("waiting")
                + " waiting; listener " + listener.get("state") + " " + listener.get("channels");
    }

    /** Keel's migrations not yet applied here; the applied version itself comes from {@code keel.health()}. */
    private static int pendingKeelMigrations(DatabaseOptions.Session s) {
        return Flyway.configure(InfoCommand.class.getClassLoader()).dataSource(s.keel().dataSource())
                .locations("classpath:db/keel").schemas("keel").load().info().pending().length;
    }
}
