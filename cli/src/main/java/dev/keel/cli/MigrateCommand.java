package dev.keel.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply Keel's migrations, then the application's own (--locations).",
        footer = {"", "Example:", "  keel migrate --locations filesystem:db/migration"})
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Mixin
    Output output;

    @Option(names = "--locations", split = ",", paramLabel = "LOCATION",
            description = "Flyway locations of the application's migrations (classpath:… or filesystem:…).")
    List<String> locations = List.of();

    @Override
    public Integer call() {
        try (DatabaseOptions.Session s = db.open(true, locations)) {
            int applied = s.keel().migrationsApplied();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("database", s.where());
            out.put("applied", applied);
            out.put("keelSchemaVersion", s.keel().health().schemaVersion().orElse(null));
            output.result(out, "Applied " + applied + " migration(s) on " + s.where() + "; Keel schema version "
                    + out.get("keelSchemaVersion"));
        }
        return ExitCodes.OK;
    }
}
