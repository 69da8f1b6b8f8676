package dev.keel.codegen;

import static dev.keel.codegen.GeneratedSources.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.codegen.internal.BuildLog;
import dev.keel.codegen.internal.CodegenSettings;
import dev.keel.codegen.internal.DatabaseTarget;
import dev.keel.codegen.internal.FlywaySettings;
import dev.keel.codegen.internal.MigratedDatabase;
import dev.keel.codegen.internal.MigrationFailure;
import dev.keel.codegen.internal.SchemaDrift;
import dev.keel.codegen.internal.SchemaGenerator;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import dev.keel.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@KeelTest
class CodegenBehaviourIT {

    @TempDir
    Path tmp;

    @Test
    void unchangedMigrationsAreNotRegeneratedAndAChangeIsNoticed() throws Exception {
        Path migrations = Files.createDirectories(tmp.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__t.sql"), "CREATE TABLE t (id int PRIMARY KEY, j jsonb);");
        CodegenSettings settings = CodegenSettings.of(List.of("filesystem:" + migrations), "com.example.inc",
                List.of("public"), tmp.resolve("gen"), null, false);
        SchemaGenerator generator = new SchemaGenerator(settings, getClass().getClassLoader(), BuildLog.NONE);

        String first = generator.fingerprint();
        assertThat(generator.isUpToDate(first)).isFalse();
        generator.generate(first); // the embedded path: starts and stops its own PostgreSQL
        Path table = tmp.resolve("gen/com/example/inc/tables/T.java");
        assertThat(table).exists();
        assertThat(Files.readString(table)).contains("JSONB");

        assertThat(generator.fingerprint()).isEqualTo(first);
        assertThat(generator.isUpToDate(generator.fingerprint())).isTrue();
        assertThat(generator.fingerprintFile()).hasParentRaw(tmp).exists();

        Files.writeString(migrations.resolve("V2__u.sql"), "ALTER TABLE t ADD COLUMN u uuid;");
        assertThat(generator.isUpToDate(generator.fingerprint())).isFalse();

        CodegenSettings otherPackage = CodegenSettings.of(List.of("filesystem:" + migrations), "com.example.other",
                List.of("public"), tmp.resolve("gen"), null, false);
        assertThat(new SchemaGenerator(otherPackage, getClass().getClassLoader(), BuildLog.NONE).fingerprint())
                .isNotEqualTo(generator.fingerprint());
    }

    @Test
    void classpathLocationsInJarsAndDirectoriesAreFingerprinted() {
        CodegenSettings settings = CodegenSettings.of(List.of("classpath:fixtures/fidelity"), "com.example.cp",
                List.of("app"), tmp.resolve("gen"), null, false);
        SchemaGenerator generator = new SchemaGenerator(settings, getClass().getClassLoader(), BuildLog.NONE);
        CodegenSettings empty = CodegenSettings.of(List.of("classpath:fixtures/none"), "com.example.cp",
                List.of("app"), tmp.resolve("gen"), null, false);
        assertThat(generator.fingerprint())
                .isNotEqualTo(new SchemaGenerator(empty, getClass().getClassLoader(), BuildLog.NONE).fingerprint());
    }

    @Test
    void brokenMigrationNamesTheFileAndPostgresMessage(TestDatabase db) {
        CodegenSettings settings = CodegenSettings.of(List.of("filesystem:" + fixture("broken")), "com.example.b",
                List.of("public"), tmp.resolve("gen"), db.jdbcUrl(), false);
        SchemaGenerator generator = new SchemaGenerator(settings, getClass().getClassLoader(), BuildLog.NONE);
        assertThatThrownBy(() -> generator.generate(generator.fingerprint()))
                .isInstanceOf(MigrationFailure.class)
                .hasMessageContaining("V2__broken.sql")
                .hasMessageContaining("syntax error at or near \"TABEL\"")
                .hasMessageContaining("position")
                .hasMessageContaining("42601");
        assertThat(tmp.resolve("gen")).doesNotExist();
        assertThat(generator.isUpToDate(generator.fingerprint())).isFalse();
    }

    @Test
    void missingLocationIsAClearError(TestDatabase db) {
        assertThatThrownBy(() -> MigratedDatabase.start(DatabaseTarget.url(db.jdbcUrl()),
                FlywaySettings.of(List.of("filesystem:" + tmp.resolve("nope"))), getClass().getClassLoader(),
                BuildLog.NONE))
                .isInstanceOf(MigrationFailure.class)
                .hasMessageContaining("nope");
    }

    @Test
    void invalidSettingsAreRejectedByName() {
        assertThatThrownBy(() -> CodegenSettings.of(List.of("db/migration"), "com.x", List.of("public"), tmp, null, false))
                .hasMessageContaining("migrations").hasMessageContaining("db/migration");
        assertThatThrownBy(() -> CodegenSettings.of(List.of("classpath:x"), "com..x", List.of("public"), tmp, null, false))
                .hasMessageContaining("packageName");
        assertThatThrownBy(() -> CodegenSettings.of(List.of("classpath:x"), "com.x", List.of(), tmp, null, false))
                .hasMessageContaining("schemas");
    }

    @Test
    void driftCheckListsMissingExtraAndChangedColumns(TestServer server) throws Exception {
        String live = server.newDatabaseName("live");
        server.createDatabase(live, null);
        try {
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(live))) {
                c.createStatement().execute("""
                        CREATE TABLE t (id bigint PRIMARY KEY, name varchar(10));
                        CREATE TABLE stray (x int);""");
            }
            Path migrations = Files.createDirectories(tmp.resolve("m"));
            Files.writeString(migrations.resolve("V1__t.sql"),
                    "CREATE TABLE t (id int PRIMARY KEY, name varchar(10) NOT NULL, added date);"
                            + "CREATE TABLE gone (y int);");
            String reference = server.newDatabaseName("reference");
            server.createDatabase(reference, null);
            try (MigratedDatabase expected = MigratedDatabase.start(DatabaseTarget.url(server.jdbcUrl(reference)),
                    FlywaySettings.of(List.of("filesystem:" + migrations)), getClass().getClassLoader(), BuildLog.NONE);
                 Connection ref = expected.connect();
                 Connection liveConn = DriverManager.getConnection(server.jdbcUrl(live))) {
                SchemaDrift drift = SchemaDrift.compare(ref, liveConn, List.of("public"), expected.historyTables());
                assertThat(drift.missing()).containsExactlyInAnyOrder("table public.gone",
                        "column public.t.added date null");
                assertThat(drift.extra()).containsExactly("table public.stray");
                assertThat(drift.changed()).containsExactlyInAnyOrder(
                        "column public.t.id: migrations say integer not null, live is bigint not null",
                        "column public.t.name: migrations say character varying(10) not null, live is character varying(10) null");
                assertThat(drift.report()).contains("missing", "extra", "changed");

                SchemaDrift none = SchemaDrift.compare(ref, ref, List.of("public"), expected.historyTables());
                assertThat(none.isEmpty()).isTrue();
            } finally {
                server.dropDatabase(reference);
            }
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(live));
                 ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'flyway_schema_history'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the live database is only read").isZero();
            }
        } finally {
            server.dropDatabase(live);
        }
    }
}
