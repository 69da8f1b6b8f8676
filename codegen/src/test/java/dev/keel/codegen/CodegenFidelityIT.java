package dev.keel.codegen;

import static dev.keel.codegen.GeneratedSources.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.codegen.internal.BuildLog;
import dev.keel.codegen.internal.CodegenSettings;
import dev.keel.codegen.internal.GenerationReport;
import dev.keel.codegen.internal.SchemaGenerator;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.EnumType;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.UpdatableRecord;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each PostgreSQL feature the fixture migrations use comes out of the generator with the right Java type. */
@KeelTest
class CodegenFidelityIT {
    private static final String PKG = "com.example.db";

    /** Kept under target/ (not a temp dir) so the generated code can be read after a run. */
    static final Path tmp = Path.of("target", "fidelity");
    static ClassLoader generated;
    static GenerationReport report;
    static final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void generate(TestDatabase db) throws Exception {
        deleteRecursively(tmp);
        CodegenSettings settings = CodegenSettings.of(List.of("filesystem:" + fixture("fidelity")), PKG,
                List.of("app", "audit"), tmp.resolve("gen"), db.jdbcUrl(), false);
        // The application's Flyway keeps its history in app and creates both schemas, as flyway.conf would say.
        settings = settings.withFlyway(settings.flyway().withProperties(Map.of("flyway.schemas", "app,audit")));
        SchemaGenerator generator = new SchemaGenerator(settings, CodegenFidelityIT.class.getClassLoader(),
                BuildLog.of(s -> { }, s -> { }, warnings::add));
        report = generator.generate(generator.fingerprint());
        generated = GeneratedSources.compileAndLoad(tmp.resolve("gen"), Files.createDirectories(tmp.resolve("classes")));
    }

    @Test
    void enumsBecomeJavaEnumsIncludingValuesAddedLater() throws Exception {
        Class<?> mood = cls("app.enums.Mood");
        assertThat(mood.isEnum()).isTrue();
        assertThat(Arrays.stream(mood.getEnumConstants()).map(e -> ((EnumType) e).getLiteral()))
                .containsExactly("happy", "sad", "angry");
        assertThat(field("app.tables.Person", "PERSON", "mood").getType()).isEqualTo(mood);
    }

    @Test
    void domainsMapToTheirBaseType() throws Exception {
        assertThat(type("mood", "email")).isEqualTo(String.class);
        assertThat(type("mood", "age")).isEqualTo(Integer.class);
    }

    @Test
    void arraysJsonAndUuidKeepTheirTypes() throws Exception {
        assertThat(type("person", "tags")).isEqualTo(String[].class);
        assertThat(type("person", "scores")).isEqualTo(Integer[].class);
        assertThat(type("person", "profile")).isEqualTo(JSONB.class);
        assertThat(type("person", "raw")).isEqualTo(JSON.class);
        assertThat(type("person", "external_id")).isEqualTo(UUID.class);
    }

    @Test
    void temporalAndNumericTypes() throws Exception {
        assertThat(type("person", "updated_at")).isEqualTo(OffsetDateTime.class);
        assertThat(type("person", "born")).isEqualTo(LocalDate.class);
        assertThat(type("person", "balance")).isEqualTo(BigDecimal.class);
        assertThat(field("app.tables.Person", "PERSON", "balance").getDataType().scale()).isEqualTo(2);
        assertThat(field("audit.tables.Event", "EVENT", "happened_at").getType()).isEqualTo(OffsetDateTime.class);
    }

    @Test
    void identityAndBigserialKeysAreIdentities() throws Exception {
        assertThat(table("app.tables.Person", "PERSON").getIdentity().getField().getName()).isEqualTo("id");
        assertThat(table("app.tables.Ticket", "TICKET").getIdentity().getField().getName()).isEqualTo("id");
        assertThat(table("app.tables.Ticket", "TICKET").getIdentity().getField().getType()).isEqualTo(Long.class);
    }

    /**
     * jOOQ's open-source edition has no read-only columns, so a stored generated column is generated as an
     * ordinary typed field; Keel's runtime leaves such columns out of its writes (see the runtime's tests).
     */
    @Test
    void storedGeneratedColumnIsTypedAndComputedByTheDatabase(TestDatabase db) throws Exception {
        Table<?> person = table("app.tables.Person", "PERSON");
        Field<?> fullName = person.field("full_name");
        assertThat(fullName.getType()).isEqualTo(String.class);

        try (var conn = db.dataSource().getConnection()) {
            DSLContext dsl = DSL.using(conn, SQLDialect.POSTGRES);
            UpdatableRecord<?> r = (UpdatableRecord<?>) dsl.newRecord(person);
            set(r, person.field("email"), "ada@example.com");
            set(r, person.field("first_name"), "Ada");
            set(r, person.field("last_name"), "Lovelace");
            Object angry = Enum.valueOf(cls("app.enums.Mood").asSubclass(Enum.class), "angry");
            set(r, person.field("mood"), angry);
            set(r, person.field("tags"), new String[] {"x", "ü"});
            assertThat(r.store()).isEqualTo(1);

            Record back = dsl.selectFrom(person).fetchOne();
            assertThat(back.get(fullName)).isEqualTo("Ada Lovelace");
            assertThat(back.get(person.field("mood"))).isEqualTo(angry);
            assertThat((String[]) back.get(person.field("tags"))).containsExactly("x", "ü");
        }
    }

    @Test
    void compositePrimaryAndForeignKeys() throws Exception {
        Table<?> membership = table("app.tables.Membership", "MEMBERSHIP");
        assertThat(membership.getPrimaryKey().getFields()).extracting(Field::getName)
                .containsExactly("org_id", "person_id");
        Table<?> grant = table("app.tables.MembershipGrant", "MEMBERSHIP_GRANT");
        assertThat(grant.getReferences()).hasSize(1);
        assertThat(grant.getReferences().get(0).getFields()).extracting(Field::getName)
                .containsExactly("org_id", "person_id");
        assertThat(grant.getReferences().get(0).getKey().getTable().getName()).isEqualTo("membership");
    }

    @Test
    void partitionedParentIsGeneratedButLeafPartitionsAreNot() throws Exception {
        assertThat(table("app.tables.Measurement", "MEASUREMENT").getPrimaryKey()).isNotNull();
        assertThat(exists("app.tables.Measurement_2025")).isFalse();
        assertThat(exists("app.tables.Measurement_2026")).isFalse();
        assertThat(javaFileNames()).noneMatch(n -> n.toLowerCase().contains("2025"));
        assertThat(report.excludedPartitions()).containsExactlyInAnyOrder("app.measurement_2025", "app.measurement_2026");
    }

    @Test
    void viewsAreGenerated() throws Exception {
        Table<?> adult = table("app.tables.Adult", "ADULT");
        assertThat(adult.fields()).extracting(Field::getName).containsExactly("id", "email");
    }

    @Test
    void reservedWordsAndMixedCaseNamesAreUsable(TestDatabase db) throws Exception {
        Table<?> order = table("app.tables.Order", "ORDER");
        assertThat(order.getName()).isEqualTo("Order");
        assertThat(order.fields()).extracting(Field::getName).containsExactly("select", "MixedCase", "group");
        try (var conn = db.dataSource().getConnection()) {
            DSLContext dsl = DSL.using(conn, SQLDialect.POSTGRES);
            Record r = dsl.newRecord(order);
            set(r, order.field("select"), "s");
            set(r, order.field("MixedCase"), 7);
            dsl.insertInto(order).set(r).execute();
            assertThat(dsl.select(order.field("MixedCase")).from(order).fetchOne(0)).isEqualTo(7);
        }
    }

    @Test
    void severalSchemasInOneRun() throws Exception {
        assertThat(exists("app.App")).isTrue();
        assertThat(exists("audit.Audit")).isTrue();
        assertThat(table("audit.tables.Event", "EVENT").getSchema().getName()).isEqualTo("audit");
    }

    @Test
    void renamedAndAddedColumnsFollowTheLatestMigration() throws Exception {
        Table<?> ticket = table("app.tables.Ticket", "TICKET");
        assertThat(ticket.fields()).extracting(Field::getName).containsExactly("id", "headline", "priority");
        assertThat(ticket.field("priority").getType()).isEqualTo(Short.class);
    }

    @Test
    void flywayBookkeepingIsNotGenerated() throws Exception {
        assertThat(javaFileNames()).noneMatch(n -> n.toLowerCase().contains("flyway"));
    }

    @Test
    void unknownTypesDoNotFailTheBuildAndAreNamed() throws Exception {
        assertThat(type("person", "search")).isEqualTo(Object.class);
        assertThat(warnings).anyMatch(w -> w.contains("app.person.search") && w.contains("tsvector"));
        assertThat(report.unknownTypeColumns()).containsExactly("app.person.search (tsvector)");
    }

    // --- helpers: reflective access to the classes generated in this run ---

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void set(Record r, Field<?> f, Object value) {
        r.set((Field) f, value);
    }

    private static Class<?> type(String table, String column) throws Exception {
        String simple = table.equals("mood") ? "Person" : Character.toUpperCase(table.charAt(0)) + table.substring(1);
        return field("app.tables." + simple, simple.toUpperCase(), column).getType();
    }

    private static Field<?> field(String className, String constant, String column) throws Exception {
        Field<?> f = table(className, constant).field(column);
        assertThat(f).as(className + "." + column).isNotNull();
        return f;
    }

    private static Table<?> table(String className, String constant) throws Exception {
        return (Table<?>) cls(className).getField(constant).get(null);
    }

    private static Class<?> cls(String relative) throws ClassNotFoundException {
        return Class.forName(PKG + "." + relative, true, generated);
    }

    private static boolean exists(String relative) {
        try {
            cls(relative);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static List<String> javaFileNames() throws Exception {
        try (Stream<Path> files = Files.walk(tmp.resolve("gen"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).toList();
        }
    }
}
