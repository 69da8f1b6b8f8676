package dev.keel.cli;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
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
        long start = System.nanoTime();
        try (DatabaseOptions.Session s = db.open(true, locations)) {
            Duration startup = Duration.ofNanos(System.nanoTime() - start);
            int applied = appliedWithin(s, startup);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("database", s.where());
            out.put("applied", applied);
            out.put("keelSchemaVersion", s.keel().health().schemaVersion().orElse(null));
            output.result(out, "Applied " + applied + " migration(s) on " + s.where() + "; Keel schema version "
                    + out.get("keelSchemaVersion"));
        }
        return ExitCodes.OK;
    }

    /**
     * Keel applies the migrations while it starts, so this counts the history rows written during that start.
     * The window is measured back from the database's own clock, the one Flyway stamped the rows with, so a
     * client whose clock differs from the server's still counts right.
     */
    private int appliedWithin(DatabaseOptions.Session s, Duration startup) {
        Timestamp now = s.keel().dsl().fetchValue(DSL.field("localtimestamp", SQLDataType.TIMESTAMP));
        Date since = new Date(now.getTime() - startup.toMillis() - 1000);
        int n = countSince(flyway(s, List.of("classpath:db/keel"), "keel").info().applied(), since);
        if (!locations.isEmpty()) {
            n += countSince(flyway(s, locations, "public").info().applied(), since);
        }
        return n;
    }

    private static Flyway flyway(DatabaseOptions.Session s, List<String> locations, String schema) {
        return Flyway.configure(MigrateCommand.class.getClassLoader()).dataSource(s.keel().dataSource())
                .locations(locations.toArray(String[]::new)).schemas(schema).load();
    }

    /** Migrations only: Flyway also lists its own "<< Flyway Schema Creation >>" marker as applied. */
    private static int countSince(MigrationInfo[] applied, Date since) {
        int n = 0;
        for (MigrationInfo info : applied) {
            boolean migration = !info.getDescription().startsWith("<<");
            n += migration && info.getInstalledOn() != null && !info.getInstalledOn().before(since) ? 1 : 0;
        }
        return n;
    }
}
