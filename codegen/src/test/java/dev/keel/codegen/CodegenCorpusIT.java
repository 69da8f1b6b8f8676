package dev.keel.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.codegen.internal.BuildLog;
import dev.keel.codegen.internal.CodegenSettings;
import dev.keel.codegen.internal.GenerationReport;
import dev.keel.codegen.internal.SchemaGenerator;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schemas of the kinds real projects have (see each folder's notice under src/test/resources/corpus): each migrates,
 * generates and compiles, and a small client compiled against the generated classes writes and reads one row of
 * a table with an enum, an array and (where the schema has one) a jsonb column.
 */
@KeelTest
class CodegenCorpusIT {
    @TempDir
    Path tmp;

    private final TestServer server;

    CodegenCorpusIT(TestServer server) {
        this.server = server;
    }

    @Test
    void aRentalStoreWithFunctionsTriggersPartitionsDomainsEnumsArraysAndTsvector() throws Exception {
        String result = roundTrip("rental_store", "com.example.corpus.rental", List.of("public"),
                List.of("rental_store"), "client.RentalClient");
        assertThat(result).isEqualTo("ACADEMY DINOSAUR|PG|Deleted Scenes,Behind the Scenes|'academi':1 'dinosaur':2");
        String gen = "gen/com/example/corpus/rental/";
        assertThat(Files.readString(tmp.resolve(gen + "tables/Film.java"))).contains("FilmRating", "String[]");
        assertThat(tmp.resolve(gen + "tables/Payment.java")).as("the partitioned parent").exists();
        try (var tables = Files.list(tmp.resolve(gen + "tables"))) {
            assertThat(tables.map(p -> p.getFileName().toString())).as("no leaf partition is generated")
                    .noneMatch(name -> name.startsWith("Payment") && !name.equals("Payment.java"));
        }
        assertThat(tmp.resolve(gen + "Routines.java")).exists();
    }

    @Test
    void aMigrationSetOverTwoLocationsWithDottedVersions() throws Exception {
        String result = roundTrip("multi_location", "com.example.corpus.ml", List.of("public"),
                List.of("multi_location/core", "multi_location/extra"), "client.PlanClient");
        assertThat(result).isEqualTo("pro|sso,audit-log|{\"seats\": 25}");
    }

    @Test
    void aMultiSchemaApplicationWhoseMigrationsCreateTheirSchemasAndExtensions() throws Exception {
        String result = roundTrip("multi_schema", "com.example.corpus.ms", List.of("inventory", "billing"),
                List.of("multi_schema"), "client.ProductClient");
        assertThat(result).isEqualTo("active|hardware,steel|{\"color\": \"silver\"}|{width_mm=40}");
    }

    private String roundTrip(String name, String pkg, List<String> schemas, List<String> folders, String client)
            throws Exception {
        String database = server.newDatabaseName("corpus_" + name);
        server.createDatabase(database, null);
        try {
            List<String> locations = folders.stream()
                    .map(f -> "filesystem:" + GeneratedSources.resource("/corpus/" + f)).toList();
            CodegenSettings settings = CodegenSettings.of(locations, pkg, schemas, tmp.resolve("gen"),
                    server.jdbcUrl(database), false);
            SchemaGenerator generator = new SchemaGenerator(settings, getClass().getClassLoader(), BuildLog.NONE);
            GenerationReport report = generator.generate(generator.fingerprint());
            assertThat(report.migrationsApplied()).isEqualTo(Files.walk(locationsRoot(folders))
                    .filter(p -> p.toString().endsWith(".sql")).count());
            ClassLoader loaded = GeneratedSources.compileAndLoad(tmp.resolve("gen"),
                    Files.createDirectories(tmp.resolve("classes")), GeneratedSources.resource("/corpus-clients/" + name));
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(database))) {
                DSLContext dsl = DSL.using(c, SQLDialect.POSTGRES);
                return (String) loaded.loadClass(client).getMethod("roundTrip", DSLContext.class).invoke(null, dsl);
            }
        } finally {
            server.dropDatabase(database);
        }
    }

    private static Path locationsRoot(List<String> folders) {
        return GeneratedSources.resource("/corpus/" + folders.get(0).split("/")[0]);
    }
}
