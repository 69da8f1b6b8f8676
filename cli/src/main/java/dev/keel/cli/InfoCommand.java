package dev.keel.cli;

import dev.keel.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the server, PostgreSQL version, Keel's schema version, pending migrations, pool and health.",
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
            output.fields(out);
        }
        return ExitCodes.OK;
    }

    /** Keel's migrations not yet applied here; the applied version itself comes from {@code keel.health()}. */
    private static int pendingKeelMigrations(DatabaseOptions.Session s) {
        return Flyway.configure(InfoCommand.class.getClassLoader()).dataSource(s.keel().dataSource())
                .locations("classpath:db/keel").schemas("keel").load().info().pending().length;
    }
}
