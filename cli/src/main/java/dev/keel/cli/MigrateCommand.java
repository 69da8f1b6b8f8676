package dev.keel.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply Keel's migrations, then the application's own (--locations).",
        footer = {"", "Example:", "  keel migrate --locations filesystem:db/migration"})
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--locations", split = ",", paramLabel = "LOCATION",
            description = "Flyway locations of the application's migrations (classpath:… or filesystem:…).")
    List<String> locations = List.of();

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open(false)) {
            int before = applied(s);
            try (dev.keel.Keel migrated = dev.keel.Keel.builder().jdbcUrl(s.jdbcUrl()).migrate(true)
                    .locations(locations.toArray(String[]::new)).maxPoolSize(1).build()) {
                int after = applied(s);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("database", s.where());
                out.put("applied", after - before);
                out.put("keelSchemaVersion", InfoCommand.keelVersion(s).orElse(null));
                spec.commandLine().getOut().println(json ? Json.object(out)
                        : "Applied " + (after - before) + " migration(s) on " + s.where()
                        + "; Keel schema version " + out.get("keelSchemaVersion"));
            }
        }
        return ExitCodes.OK;
    }

    private int applied(DatabaseOptions.Session s) {
        int n = count(InfoCommand.keelFlyway(s).info().applied());
        if (!locations.isEmpty()) {
            n += count(Flyway.configure().dataSource(s.keel().dataSource()).locations(locations.toArray(String[]::new))
                    .load().info().applied());
        }
        return n;
    }

    /** Migrations only: Flyway also lists its own "<< Flyway Schema Creation >>" marker as applied. */
    private static int count(MigrationInfo[] applied) {
        int n = 0;
        for (MigrationInfo info : applied) {
            n += info.getDescription().startsWith("<<") ? 0 : 1;
        }
        return n;
    }
}
