package dev.keel.cli;

import dev.keel.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the server, PostgreSQL version, Keel's schema version, pending migrations, pool and health.",
        footer = {"", "Example:", "  keel info --json"})
final class InfoCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open(false)) {
            HealthStatus health = s.keel().health();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("database", s.where());
            out.put("postgresVersion", s.keel().dsl().fetchValue("SHOW server_version"));
            out.put("keelSchemaVersion", keelVersion(s).orElse("none"));
            out.put("pendingMigrations", keelFlyway(s).info().pending().length);
            out.put("pool", health.pool().active() + " active, " + health.pool().idle() + " idle, "
                    + health.pool().max() + " max");
            out.put("health", health.summary());
            if (json) {
                spec.commandLine().getOut().println(Json.object(out));
            } else {
                out.forEach((k, v) -> spec.commandLine().getOut().printf("%-18s %s%n", k, v));
            }
        }
        return ExitCodes.OK;
    }

    static Flyway keelFlyway(DatabaseOptions.Session s) {
        return Flyway.configure(InfoCommand.class.getClassLoader()).dataSource(s.keel().dataSource())
                .locations("classpath:db/keel").schemas("keel").load();
    }

    static Optional<String> keelVersion(DatabaseOptions.Session s) {
        var current = keelFlyway(s).info().current();
        return current == null || current.getVersion() == null ? Optional.empty()
                : Optional.of(current.getVersion().getVersion());
    }
}
