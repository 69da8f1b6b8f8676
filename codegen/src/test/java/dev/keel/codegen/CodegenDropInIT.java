package dev.keel.codegen;

import static dev.keel.codegen.GeneratedSources.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.codegen.internal.BuildLog;
import dev.keel.codegen.internal.CodegenSettings;
import dev.keel.codegen.internal.DatabaseTarget;
import dev.keel.codegen.internal.FlywaySettings;
import dev.keel.codegen.internal.MigrationFailure;
import dev.keel.codegen.internal.SchemaGenerator;
import dev.keel.codegen.internal.UserGenerator;
import dev.keel.embedded.PostgresVersion;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.ForcedType;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as a drop-in for jooq-codegen-maven + flyway-maven-plugin: Flyway as the application runs it. */
@KeelTest
class CodegenDropInIT {
    @TempDir
    Path tmp;

    private final TestServer server;
    private String database;

    CodegenDropInIT(TestServer server) {
        this.server = server;
    }

    @BeforeEach
    void freshDatabase() {
        database = server.newDatabaseName("dropin");
        server.createDatabase(database, null);
    }

    @AfterEach
    void dropDatabase() {
        server.dropDatabase(database);
    }

    private CodegenSettings settings(String fixture, String pkg, List<String> schemas) {
        return CodegenSettings.of(List.of("filesystem:" + fixture(fixture)), pkg, schemas, tmp.resolve("gen"),
                server.jdbcUrl(database), false);
    }

    private static CodegenSettings withFlyway(CodegenSettings s, Map<String, String> props) {
        return s.withFlyway(s.flyway().withProperties(props));
    }

    private SchemaGenerator generator(CodegenSettings s, List<String> warnings) {
        return new SchemaGenerator(s, getClass().getClassLoader(), BuildLog.of(m -> { }, m -> { }, warnings::add));
    }

    private List<String> generatedFiles() throws Exception {
        try (Stream<Path> files = Files.walk(tmp.resolve("gen"))) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> tmp.resolve("gen").relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private String scalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void migrationsThatCreateTheSchemasTheyListGenerateAndCompile() throws Exception {
        CodegenSettings s = withFlyway(settings("own-schemas", "com.example.own", List.of("inventory", "billing")),
                Map.of("flyway.placeholders.note", "none yet"));
        SchemaGenerator g = generator(s, new ArrayList<>());
        g.generate(g.fingerprint());

        assertThat(generatedFiles()).contains("com/example/own/inventory/tables/Item.java",
                "com/example/own/billing/tables/Invoice.java", "com/example/own/billing/enums/InvoiceStatus.java");
        assertThat(generatedFiles()).noneMatch(f -> f.contains("FlywaySchemaHistory"));
        assertThat(scalar("SELECT count(*) FROM public.flyway_schema_history WHERE success"))
                .as("Flyway's defaults: the history table in the connection's schema").isEqualTo("1");
        assertThat(scalar("SELECT column_default FROM information_schema.columns WHERE table_schema = 'billing' "
                + "AND table_name = 'invoice' AND column_name = 'note'")).contains("none yet");
        GeneratedSources.compileAndLoad(tmp.resolve("gen"), Files.createDirectories(tmp.resolve("classes")));
    }

    @Test
    void historyTableGoesWhereTheFlywaySettingsPutItAndIsNeverGenerated() throws Exception {
        Path migrations = Files.createDirectories(tmp.resolve("m"));
        Files.writeString(migrations.resolve("V1__app.sql"),
                "CREATE SCHEMA IF NOT EXISTS app; CREATE TABLE app.thing (id int PRIMARY KEY);");
        CodegenSettings s = CodegenSettings.of(List.of("filesystem:" + migrations), "com.example.hist",
                List.of("app"), tmp.resolve("gen"), server.jdbcUrl(database), false);
        s = withFlyway(s, Map.of("flyway.defaultSchema", "app", "flyway.table", "schema_history"));
        SchemaGenerator g = generator(s, new ArrayList<>());
        g.generate(g.fingerprint());

        assertThat(scalar("SELECT count(*) FROM app.schema_history WHERE script = 'V1__app.sql'")).isEqualTo("1");
        assertThat(generatedFiles()).contains("com/example/hist/tables/Thing.java")
                .noneMatch(f -> f.contains("SchemaHistory"));
    }

    @Test
    void aMigrationThatHangsIsEndedNamingItAndTheLikelyCause() throws Exception {
        CodegenSettings s = settings("hang", "com.example.hang", List.of("public"));
        s = s.withFlyway(s.flyway().withTimeout(Duration.ofSeconds(3)));
        SchemaGenerator hanging = generator(s, new ArrayList<>());
        assertThatThrownBy(() -> hanging.generate(hanging.fingerprint()))
                .isInstanceOf(MigrationFailure.class)
                .hasMessageContaining("Migration V2__t_v_index.sql did not finish within 3 s")
                .hasMessageContaining("CREATE INDEX CONCURRENTLY")
                .hasMessageContaining("flyway.postgresql.transactional.lock");
        assertThat(scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'keel-codegen'"))
                .as("no session of the ended run is left behind").isEqualTo("0");

        server.dropDatabase(database);
        server.createDatabase(database, null);
        CodegenSettings fixed = withFlyway(s, Map.of("flyway.postgresql.transactional.lock", "false"));
        SchemaGenerator g = generator(fixed, new ArrayList<>());
        g.generate(g.fingerprint());
        assertThat(scalar("SELECT indexname FROM pg_indexes WHERE tablename = 't' AND indexname = 't_v_idx'"))
                .isEqualTo("t_v_idx");
    }

    @Test
    void anExtensionTheServerLacksIsNamedWithTheWayOut() {
        SchemaGenerator g = generator(settings("missing-extension", "com.example.vec", List.of("public")),
                new ArrayList<>());
        assertThatThrownBy(() -> g.generate(g.fingerprint()))
                .isInstanceOf(MigrationFailure.class)
                .hasMessageContaining("Migration V1__embeddings.sql failed at line 2")
                .hasMessageContaining("needs the PostgreSQL extension \"vector\"")
                .hasMessageContaining("<jdbcUrl>");
    }

    @Test
    void contribExtensionsCreateAndTheirTypesComeOutUsable() throws Exception {
        List<String> warnings = new ArrayList<>();
        SchemaGenerator g = generator(settings("contrib", "com.example.contrib", List.of("app")), warnings);
        g.generate(g.fingerprint());

        assertThat(warnings).noneMatch(w -> w.contains("does not map"));
        ClassLoader loaded = GeneratedSources.compileAndLoad(tmp.resolve("gen"),
                Files.createDirectories(tmp.resolve("classes")));
        Class<?> record = loaded.loadClass("com.example.contrib.tables.records.AccountRecord");
        assertThat(record.getMethod("getEmail").getReturnType()).isEqualTo(String.class);
        assertThat(record.getMethod("getPath").getReturnType().getName())
                .isEqualTo("org.jooq.postgres.extensions.types.Ltree");
        assertThat(record.getMethod("getAttrs").getReturnType().getName())
                .isEqualTo("org.jooq.postgres.extensions.types.Hstore");
    }

    @Test
    void javaMigrationsOnTheClasspathRunWithTheSqlOnes() throws Exception {
        CodegenSettings s = CodegenSettings.of(List.of("classpath:fixtures/javamig"), "com.example.java",
                List.of("public"), tmp.resolve("gen"), server.jdbcUrl(database), false);
        SchemaGenerator g = generator(s, new ArrayList<>());
        assertThat(g.generate(g.fingerprint()).migrationsApplied()).isEqualTo(2);
        assertThat(scalar("SELECT label FROM seeded WHERE added_by_java")).isEqualTo("from java");
        assertThat(Files.readString(tmp.resolve("gen/com/example/java/tables/Seeded.java"))).contains("ADDED_BY_JAVA");
    }

    @Test
    void theUsersGeneratorElementIsMergedOverKeelsDefaults() throws Exception {
        Generator theirs = new Generator()
                .withDatabase(new Database().withForcedTypes(new ForcedType()
                        .withUserType("com.fasterxml.jackson.databind.JsonNode").withJsonConverter(true)
                        .withIncludeTypes("jsonb")))
                .withGenerate(new Generate().withPojos(true).withDaos(true));
        UserGenerator user = new UserGenerator(theirs, Set.of("database", "database/forcedTypes", "generate",
                "generate/pojos", "generate/daos"));
        SchemaGenerator g = generator(withFlyway(settings("own-schemas", "com.example.merged",
                List.of("inventory", "billing")), Map.of("flyway.placeholders.note", "-")).withGenerator(user),
                new ArrayList<>());
        g.generate(g.fingerprint());

        assertThat(generatedFiles()).contains("com/example/merged/billing/tables/daos/InvoiceDao.java",
                "com/example/merged/billing/tables/pojos/Invoice.java");
        assertThat(Files.readString(tmp.resolve("gen/com/example/merged/billing/tables/records/InvoiceRecord.java")))
                .as("Keel's fluentSetters default stays where the user wrote nothing")
                .contains("public InvoiceRecord setStatus");
        assertThat(theirs.getTarget()).as("the user's element is never changed").isNull();
        GeneratedSources.compileAndLoad(tmp.resolve("gen"), Files.createDirectories(tmp.resolve("classes")));
    }

    @Test
    void everySettingIsPartOfTheFingerprint() {
        CodegenSettings base = settings("own-schemas", "com.example.fp", List.of("inventory", "billing"));
        String fp = fingerprint(base);
        assertThat(fingerprint(settings("own-schemas", "com.example.fp", List.of("inventory", "billing"))))
                .isEqualTo(fp);
        assertThat(fingerprint(withFlyway(base, Map.of("flyway.table", "h")))).isNotEqualTo(fp);
        assertThat(fingerprint(base.withGenerator(new UserGenerator(new Generator().withGenerate(
                new Generate().withDaos(true)), Set.of("generate", "generate/daos"))))).isNotEqualTo(fp);
        assertThat(fingerprint(base.withDatabase(new DatabaseTarget(null, PostgresVersion.parse("16"), null))))
                .isNotEqualTo(fingerprint(base.withDatabase(DatabaseTarget.embedded())));
    }

    private String fingerprint(CodegenSettings s) {
        return new SchemaGenerator(s, getClass().getClassLoader(), BuildLog.NONE).fingerprint();
    }

    @Test
    void flywaySettingsThatNameTheDatabaseAreRefusedByName() {
        FlywaySettings f = FlywaySettings.of(List.of("classpath:x"));
        assertThatThrownBy(() -> f.withProperties(Map.of("flyway.url", "jdbc:postgresql://elsewhere/db")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flyway.url")
                .hasMessageContaining("jdbcUrl");
        assertThatThrownBy(() -> f.withProperties(Map.of("table", "x")))
                .hasMessageContaining("'table' is not a Flyway property");
    }
}
