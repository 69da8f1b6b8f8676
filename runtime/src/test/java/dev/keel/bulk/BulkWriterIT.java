package dev.keel.bulk;

import static dev.keel.test.db.Tables.ALL_TYPES;
import static dev.keel.test.db.Tables.ITEMS;
import static dev.keel.test.db.Tables.NARROW;
import static dev.keel.test.db.Tables.UNSUPPORTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.BulkResult;
import dev.keel.BulkStrategy;
import dev.keel.BulkWriter;
import dev.keel.Keel;
import dev.keel.Tx;
import dev.keel.error.ConnectionLostException;
import dev.keel.error.ConstraintViolationException;
import dev.keel.error.ConstraintViolationException.ConstraintKind;
import dev.keel.error.InvalidInputException;
import dev.keel.test.db.enums.Mood;
import dev.keel.test.db.tables.records.AllTypesRecord;
import dev.keel.test.db.tables.records.ItemsRecord;
import dev.keel.test.db.tables.records.NarrowRecord;
import dev.keel.test.db.tables.records.UnsupportedRecord;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jooq.Field;
import java.util.Arrays;
import org.junit.jupiter.params.provider.CsvSource;

@KeelTest(migrations = "classpath:db/testtables", schemas = "bulk")
class BulkWriterIT {
    private static Keel keel;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(4).build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void empty() {
        keel.dsl().execute("TRUNCATE bulk.all_types, bulk.items, bulk.narrow, bulk.unsupported RESTART IDENTITY");
    }

    // ---- round trips ------------------------------------------------------------------------------------------

    static List<AllTypesRecord> everyType() {
        List<AllTypesRecord> rows = new ArrayList<>();
        rows.add(new AllTypesRecord(1L, (short) -32768, Integer.MIN_VALUE, 1.5f, -2.25e300,
                new BigDecimal("12345678901234567890.000123450"), new BigDecimal("-99999999.99"), true,
                "plain ascii", "ten chars!", "abc", UUID.fromString("00000000-0000-0000-0000-000000000001"),
                LocalDate.of(1999, 12, 31), LocalTime.of(23, 59, 59, 999_999_000),
                OffsetTime.of(8, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)),
                LocalDateTime.of(2000, 1, 1, 0, 0), OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 123_456_000,
                ZoneOffset.ofHours(-7)),
                JSONB.valueOf("{\"a\": [1, 2.5, \"x\"], \"nested\": {\"t\": true, \"n\": null}}"),
                JSON.valueOf("{\"keep\":  \"spacing\"}"), new byte[] {0, 1, (byte) 0xFF, 127},
                new Integer[] {1, null, -3}, new String[] {"a", "with \"quotes\" and \\ backslash", "", null},
                new UUID[] {UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff")}, Mood.happy,
                new Mood[] {Mood.calm, Mood.grumpy}));
        rows.add(new AllTypesRecord(2L, (short) 32767, Integer.MAX_VALUE, -0.0f, Double.MIN_VALUE,
                new BigDecimal("-0.00001"), new BigDecimal("0.10"), false,
                "unicode: żółć 日本語 🦆 emoji", "ünïcödé✓", "é", UUID.randomUUID(),
                LocalDate.of(-44, 3, 15), LocalTime.MIDNIGHT, OffsetTime.of(0, 0, 0, 0, ZoneOffset.ofHours(-12)),
                LocalDateTime.of(1900, 6, 1, 12, 30, 45, 500_000_000),
                OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                JSONB.valueOf("[]"), JSON.valueOf("\"just a string\""), new byte[0],
                new Integer[0], new String[0], new UUID[0], Mood.calm, new Mood[0]));
        rows.add(new AllTypesRecord(3L, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null));
        rows.add(new AllTypesRecord(4L, (short) 0, 0, Float.MAX_VALUE, 1e-300, new BigDecimal("1E+5"),
                new BigDecimal("3.14159"), true, "tab\tnewline\nend", "", "   ", UUID.randomUUID(),
                LocalDate.of(9999, 12, 31), LocalTime.NOON, OffsetTime.of(23, 59, 59, 0, ZoneOffset.ofHours(14)),
                LocalDateTime.of(2262, 4, 11, 23, 47, 16, 854_775_000),
                OffsetDateTime.of(2038, 1, 19, 3, 14, 8, 0, ZoneOffset.ofHoursMinutes(-3, -30)),
                JSONB.valueOf("{\"big\": 1234567890123456, \"s\": \"\\u00e9\"}"),
                JSON.valueOf("null"), new byte[] {42}, new Integer[] {null}, new String[] {"NULL", "{}", ","},
                new UUID[] {null, UUID.fromString("12345678-1234-1234-1234-123456789abc")}, Mood.grumpy,
                new Mood[] {Mood.grumpy}));
        return rows;
    }

    @ParameterizedTest
    @CsvSource({"COPY, true", "MULTI_ROW, true", "MULTI_ROW, false"})
    void everySupportedTypeRoundTrips(BulkStrategy strategy, boolean withArrays) {
        // MULTI_ROW lists VALUES when a column holds arrays, and unnests one array per column when none does.
        List<AllTypesRecord> rows = everyType();
        List<Field<?>> columns = Arrays.stream(ALL_TYPES.fields())
                .filter(f -> withArrays || !f.getDataType().isArray()).toList();
        BulkResult result = keel.bulk(ALL_TYPES).strategy(strategy).columns(columns.toArray(Field<?>[]::new))
                .load(rows);

        assertThat(result.rows()).isEqualTo(rows.size());
        assertThat(result.strategy()).isEqualTo(strategy);
        List<AllTypesRecord> back = keel.dsl().selectFrom(ALL_TYPES).orderBy(ALL_TYPES.ID).fetch();
        assertThat(back).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            AllTypesRecord in = rows.get(i);
            AllTypesRecord out = back.get(i);
            assertThat(out.getId()).isEqualTo(in.getId());
            assertThat(out.getCInt2()).isEqualTo(in.getCInt2());
            assertThat(out.getCInt4()).isEqualTo(in.getCInt4());
            assertThat(out.getCFloat4()).isEqualTo(in.getCFloat4());
            assertThat(out.getCFloat8()).isEqualTo(in.getCFloat8());
            assertThat(out.getCNumeric()).isEqualTo(in.getCNumeric() == null ? null
                    : in.getCNumeric().scale() < 0 ? in.getCNumeric().setScale(0) : in.getCNumeric());
            assertThat(out.getCMoney()).isEqualTo(in.getCMoney() == null ? null
                    : in.getCMoney().setScale(2, java.math.RoundingMode.HALF_UP));
            assertThat(out.getCBool()).isEqualTo(in.getCBool());
            assertThat(out.getCText()).isEqualTo(in.getCText());
            assertThat(out.getCVarchar()).isEqualTo(in.getCVarchar());
            assertThat(out.getCChar()).isEqualTo(in.getCChar() == null ? null
                    : String.format("%-3s", in.getCChar()));
            assertThat(out.getCUuid()).isEqualTo(in.getCUuid());
            if (in.getCDate() != null && in.getCDate().getYear() <= 0) {
                // jOOQ reads BC dates without their era; check what PostgreSQL stored instead.
                assertThat(keel.dsl().fetchOne("SELECT c_date::text FROM bulk.all_types WHERE id = " + in.getId())
                        .get(0, String.class)).isEqualTo("0045-03-15 BC");
            } else {
                assertThat(out.getCDate()).isEqualTo(in.getCDate());
            }
            // jOOQ reads time through java.sql.Time, which drops fractions of a second; compare the stored text.
            String time = keel.dsl().fetchOne("SELECT c_time::text FROM bulk.all_types WHERE id = " + in.getId())
                    .get(0, String.class);
            assertThat(time == null ? null : LocalTime.parse(time)).isEqualTo(in.getCTime());
            assertThat(out.getCTimetz()).isEqualTo(in.getCTimetz());
            assertThat(out.getCTs()).isEqualTo(in.getCTs());
            if (in.getCTstz() == null) {
                assertThat(out.getCTstz()).isNull();
            } else {
                assertThat(out.getCTstz().toInstant()).isEqualTo(in.getCTstz().toInstant());
            }
            assertThat(out.getCJsonb()).isEqualTo(in.getCJsonb());
            assertThat(out.getCJson()).isEqualTo(in.getCJson());
            assertThat(out.getCBytea()).isEqualTo(in.getCBytea());
            assertThat(out.getCMood()).isEqualTo(in.getCMood());
            if (withArrays) {
                assertThat(out.getCIntArr()).isEqualTo(in.getCIntArr());
                assertThat(out.getCTextArr()).isEqualTo(in.getCTextArr());
                assertThat(out.getCUuidArr()).isEqualTo(in.getCUuidArr());
                assertThat(out.getCMoodArr()).isEqualTo(in.getCMoodArr());
            } else {
                assertThat(out.getCIntArr()).isNull();
                assertThat(out.getCMoodArr()).isNull();
            }
        }
    }

    @Test
    void autoPicksInsertsForSmallLoadsAndCopyForLarge() {
        BulkResult small = keel.bulk(NARROW).load(narrow(0, BulkWriter.AUTO_COPY_THRESHOLD));
        BulkResult large = keel.bulk(NARROW).load(narrow(BulkWriter.AUTO_COPY_THRESHOLD,
                BulkWriter.AUTO_COPY_THRESHOLD + 1));

        assertThat(small.strategy()).isEqualTo(BulkStrategy.MULTI_ROW);
        assertThat(large.strategy()).isEqualTo(BulkStrategy.COPY);
        assertThat(keel.dsl().fetchCount(NARROW)).isEqualTo(2 * BulkWriter.AUTO_COPY_THRESHOLD + 1);
    }

    @Test
    void multiRowSplitsIntoStatementsAndKeepsEveryRow() {
        BulkResult r = keel.bulk(NARROW).strategy(BulkStrategy.MULTI_ROW).load(narrow(0, 2_501));

        assertThat(r.rows()).isEqualTo(2_501);
        assertThat(keel.dsl().fetchCount(NARROW)).isEqualTo(2_501);
        assertThat(keel.dsl().fetchOne("SELECT sum(id) FROM bulk.narrow").get(0, Long.class))
                .isEqualTo(2_500L * 2_501 / 2);
    }

    // ---- all or nothing ---------------------------------------------------------------------------------------

    @Test
    void aConstraintViolationDeepInALargeCopyLeavesNothingAndNamesTheRow() {
        Stream<NarrowRecord> rows = LongStream.range(0, 1_000_000)
                .mapToObj(i -> new NarrowRecord(i == 700_000 ? 5L : i, "n" + i, i * 0.5));

        assertThatThrownBy(() -> keel.bulk(NARROW).strategy(BulkStrategy.COPY).load(rows))
                .isInstanceOfSatisfying(ConstraintViolationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConstraintKind.UNIQUE);
                    assertThat(e.constraintName()).isEqualTo("narrow_pkey");
                    assertThat(e.sqlState()).isEqualTo("23505");
                })
                .hasMessageContaining("row 700000 of the input");
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();
    }

    @Test
    void aMultiRowFailureNamesTheStatementsRowsAndLeavesNothing() {
        List<NarrowRecord> rows = narrow(0, 1_500);
        rows.get(1_234).setId(7L);

        assertThatThrownBy(() -> keel.bulk(NARROW).strategy(BulkStrategy.MULTI_ROW).load(rows))
                .isInstanceOf(ConstraintViolationException.class)
                .hasMessageContaining("rows 1000–1499 of the input");
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();
    }

    @Test
    void aMultiRowFailureInsideAPipelinedBatchNamesItsStatementsRows() {
        // Statements go out eight to a JDBC batch, one batch on a worker while the next is gathered: the duplicate
        // is in the sixth statement of the second batch, with the first batch stored and the third being gathered.
        List<NarrowRecord> rows = narrow(0, 20_000);
        rows.get(13_456).setId(5L);

        assertThatThrownBy(() -> keel.bulk(NARROW).strategy(BulkStrategy.MULTI_ROW).load(rows))
                .isInstanceOfSatisfying(ConstraintViolationException.class,
                        e -> assertThat(e.constraintName()).isEqualTo("narrow_pkey"))
                .hasMessageContaining("rows 13000–13999 of the input");
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = BulkStrategy.class, names = {"COPY", "MULTI_ROW"})
    void aBadValueFoundWhileDataIsInFlightLeavesNothing(BulkStrategy strategy) {
        // COPY data goes out in 64 KiB buffers, multi-row statements in batches of eight, each on a worker thread
        // while the next is gathered: a bad value far into the load is found with earlier data stored and some in
        // flight.
        List<NarrowRecord> bad = narrow(0, 200_000);
        bad.get(150_000).setScore(Double.NaN);
        assertThatThrownBy(() -> keel.bulk(NARROW).strategy(strategy).load(bad))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 150000 ");
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();

        keel.transaction(tx -> {
            tx.dsl().execute("INSERT INTO bulk.narrow VALUES (-1, 'before', 0)");
            assertThatThrownBy(() -> keel.bulk(NARROW).strategy(strategy).in(tx).load(bad))
                    .isInstanceOf(InvalidInputException.class);
            keel.bulk(NARROW).strategy(strategy).in(tx).load(narrow(0, 123_456));
        });
        assertThat(keel.dsl().fetchCount(NARROW)).isEqualTo(123_457);
        assertThat(keel.dsl().fetchOne("SELECT sum(id) FROM bulk.narrow").get(0, Long.class))
                .isEqualTo(-1L + 123_455L * 123_456 / 2);
    }

    @Test
    void aBackendKilledMidLoadLeavesNothingAndReportsConnectionLost() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        Stream<NarrowRecord> rows = LongStream.range(0, 2_000_000).mapToObj(i -> {
            if (i == 200_000) {
                killed.set(terminateBackendsRunning("COPY \"bulk\".\"narrow\"%") > 0);
            }
            return new NarrowRecord(i, "row", 1.0);
        });

        assertThatThrownBy(() -> keel.bulk(NARROW).strategy(BulkStrategy.COPY).load(rows))
                .isInstanceOf(ConnectionLostException.class);
        assertThat(killed).as("the loading backend was found and terminated").isTrue();
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();
        assertThat(keel.health().isHealthy()).isTrue();
    }

    @Test
    void inTheCallersTransactionTheLoadCommitsAndRollsBackWithIt() {
        try (Tx tx = keel.begin()) {
            keel.bulk(NARROW).in(tx).load(narrow(0, 1_000));
            assertThat(tx.dsl().fetchCount(NARROW)).isEqualTo(1_000);
            tx.rollback();
        }
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();

        keel.transaction(tx -> {
            tx.dsl().execute("INSERT INTO bulk.narrow VALUES (-1, 'before', 0)");
            List<NarrowRecord> bad = narrow(0, 2_000);
            bad.get(1_500).setScore(Double.NaN);
            assertThatThrownBy(() -> keel.bulk(NARROW).in(tx).load(bad)).isInstanceOf(InvalidInputException.class);
            keel.bulk(NARROW).in(tx).load(narrow(10, 5));
        });
        assertThat(keel.dsl().fetch("SELECT id FROM bulk.narrow ORDER BY id").getValues(0, Long.class))
                .containsExactly(-1L, 10L, 11L, 12L, 13L, 14L);
    }

    @Test
    void aLoadWithoutInOnAThreadWithAnOpenTransactionIsRefused() {
        keel.transaction(tx -> assertThatThrownBy(() -> keel.bulk(NARROW).load(narrow(0, 3)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(".in(tx)"));
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();
    }

    // ---- validation before sending ----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = BulkStrategy.class, names = {"COPY", "MULTI_ROW"})
    void nonFiniteFloatsAreRefusedUnlessAllowed(BulkStrategy strategy) {
        List<NarrowRecord> rows = narrow(0, 10);
        rows.get(3).setScore(Double.POSITIVE_INFINITY);

        assertThatThrownBy(() -> keel.bulk(NARROW).strategy(strategy).load(rows))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.name()).isEqualTo("score"))
                .hasMessageContaining("row 3 (0-based), column score")
                .hasMessageContaining("Infinity");
        assertThat(keel.dsl().fetchCount(NARROW)).isZero();

        rows.get(4).setScore(Double.NaN);
        keel.bulk(NARROW).strategy(strategy).allowNonFinite().load(rows);
        assertThat(keel.dsl().fetchOne("SELECT count(*) FROM bulk.narrow WHERE score = 'NaN' OR score = 'Infinity'")
                .get(0, Integer.class)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = BulkStrategy.class, names = {"COPY", "MULTI_ROW"})
    void badValuesAreRefusedByRowAndColumnAndNothingIsWritten(BulkStrategy strategy) {
        assertRefused(strategy, r -> r.setCVarchar("eleven chars"), "c_varchar", "do not fit varchar(10)");
        assertRefused(strategy, r -> r.setCJsonb(JSONB.valueOf("{\"a\": }")), "c_jsonb", "not valid JSON");
        assertRefused(strategy, r -> r.setCJsonb(JSONB.valueOf("{} {}")), "c_jsonb", "more than one value");
        assertRefused(strategy, r -> r.setCJson(JSON.valueOf("[1,")), "c_json", "not valid JSON");
        assertRefused(strategy, r -> r.setCText("nul\0inside"), "c_text", "NUL");
        assertRefused(strategy, r -> r.setCMoney(new BigDecimal("123456789.00")), "c_money", "does not fit numeric(10,2)");
        assertRefused(strategy, r -> r.setCFloat4(Float.NaN), "c_float4", "NaN");

        String big = "{\"k\": \"" + "x".repeat(2_000) + "\"}";
        List<AllTypesRecord> rows = everyType();
        rows.get(1).setCJsonb(JSONB.valueOf(big));
        assertThatThrownBy(() -> keel.bulk(ALL_TYPES).strategy(strategy).maxJsonBytes(1_000).load(rows))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("1000-byte limit");
        assertThat(keel.dsl().fetchCount(ALL_TYPES)).isZero();
    }

    private void assertRefused(BulkStrategy strategy, java.util.function.Consumer<AllTypesRecord> spoil,
                               String column, String reason) {
        List<AllTypesRecord> rows = everyType();
        spoil.accept(rows.get(2));
        assertThatThrownBy(() -> keel.bulk(ALL_TYPES).strategy(strategy).load(rows))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.name()).isEqualTo(column))
                .hasMessageContaining("row 2 (0-based), column " + column)
                .hasMessageContaining(reason);
        assertThat(keel.dsl().fetchCount(ALL_TYPES)).isZero();
    }

    @Test
    void aColumnTypeTheEncoderDoesNotSupportIsRefusedUpFront() {
        UnsupportedRecord r = new UnsupportedRecord(1L, null);

        assertThatThrownBy(() -> keel.bulk(UNSUPPORTED).load(List.of(r)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.name()).isEqualTo("period"))
                .hasMessageContaining("interval");
        keel.bulk(UNSUPPORTED).columns(UNSUPPORTED.ID).load(List.of(r));
        assertThat(keel.dsl().fetchCount(UNSUPPORTED)).isEqualTo(1);
    }

    @Test
    void everyRowMustWriteTheColumnsTheFirstRowWrites() {
        List<ItemsRecord> rows = new ArrayList<>();
        rows.add(new ItemsRecord().setSku("a").setQty(1).setPrice(new BigDecimal("2.50")));
        rows.add(new ItemsRecord().setSku("b").setQty(2));

        assertThatThrownBy(() -> keel.bulk(ITEMS).load(rows))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.name()).isEqualTo("price"))
                .hasMessageContaining("row 1 leaves column price unset");
        assertThat(keel.dsl().fetchCount(ITEMS)).isZero();
    }

    // ---- generated columns, ON CONFLICT, RETURNING ------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = BulkStrategy.class, names = {"COPY", "MULTI_ROW"})
    void generatedAndIdentityAlwaysColumnsAreLeftToTheDatabase(BulkStrategy strategy) {
        List<ItemsRecord> rows = List.of(
                new ItemsRecord(99L, "a", 2, new BigDecimal("1.25"), new BigDecimal("999"), null),
                new ItemsRecord(98L, "b", 3, new BigDecimal("2.00"), null, null));

        keel.bulk(ITEMS).strategy(strategy).columns(ITEMS.SKU, ITEMS.QTY, ITEMS.PRICE).load(rows);

        var back = keel.dsl().selectFrom(ITEMS).orderBy(ITEMS.ID).fetch();
        assertThat(back.getValues(ITEMS.ID)).containsExactly(1L, 2L);
        assertThat(back.getValues(ITEMS.TOTAL)).containsExactly(new BigDecimal("2.50"), new BigDecimal("6.00"));
        assertThat(back.getValues(ITEMS.CREATED_AT)).doesNotContainNull();
        assertThatThrownBy(() -> keel.bulk(ITEMS).columns(ITEMS.ID, ITEMS.SKU).load(rows))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("identity ALWAYS");
    }

    @Test
    void onConflictAndReturning() {
        keel.bulk(ITEMS).load(List.of(new ItemsRecord().setSku("a").setQty(1),
                new ItemsRecord().setSku("b").setQty(1)));

        List<ItemsRecord> returned = new ArrayList<>();
        BulkResult skipped = keel.bulk(ITEMS).onConflictDoNothing().returning(returned::add).load(List.of(
                new ItemsRecord().setSku("a").setQty(50), new ItemsRecord().setSku("c").setQty(3)));
        assertThat(skipped.rows()).isEqualTo(1);
        assertThat(returned).extracting(ItemsRecord::getSku).containsExactly("c");
        assertThat(returned.get(0).getId()).isEqualTo(4L); // identity advanced by the skipped row too
        assertThat(returned.get(0).getCreatedAt()).isNotNull();

        keel.bulk(ITEMS).onConflictDoUpdate(ITEMS.SKU).load(List.of(new ItemsRecord().setSku("b").setQty(9)));
        assertThat(keel.dsl().select(ITEMS.QTY).from(ITEMS).where(ITEMS.SKU.eq("b")).fetchOne(ITEMS.QTY))
                .isEqualTo(9);
        assertThatThrownBy(() -> keel.bulk(ITEMS).strategy(BulkStrategy.COPY).onConflictDoNothing()
                .load(List.of(new ItemsRecord().setSku("z").setQty(1))))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void progressIsReportedAndResultCountsRows() {
        AtomicLong last = new AtomicLong();
        BulkResult r = keel.bulk(NARROW).strategy(BulkStrategy.COPY).progress(last::set).load(narrow(0, 25_000));

        assertThat(r.rows()).isEqualTo(25_000);
        assertThat(last.get()).isEqualTo(25_000);
        assertThat(r.elapsed()).isPositive();
        assertThat(keel.bulk(NARROW).load(List.of()).rows()).isZero();
    }

    @Test
    void readmeExample() {
        List<NarrowRecord> records = narrow(0, 10_000);
        List<ItemsRecord> items = List.of(new ItemsRecord().setSku("a-1").setQty(3));
        // readme:start bulk
        BulkResult r = keel.bulk(NARROW).load(records);        // AUTO: COPY here, multi-row INSERT for small loads
        System.out.printf("%d rows by %s in %s%n", r.rows(), r.strategy(), r.elapsed());

        keel.transaction(tx -> keel.bulk(NARROW).in(tx)         // join a transaction: all or nothing with it
                .strategy(BulkStrategy.COPY)
                .progress(n -> System.out.println(n + " rows sent"))
                .load(Stream.of(new NarrowRecord(-1L, "streamed", 0.5))));

        keel.bulk(ITEMS)                                         // the generated id and total are left to PostgreSQL
                .onConflictDoUpdate(ITEMS.SKU)                   // INSERT … ON CONFLICT (sku) DO UPDATE
                .returning(item -> System.out.println("id " + item.getId()))
                .load(items);
        // readme:end bulk
        assertThat(r.strategy()).isEqualTo(BulkStrategy.COPY);
        assertThat(keel.dsl().fetchCount(NARROW)).isEqualTo(10_001);
        assertThat(keel.dsl().fetchCount(ITEMS)).isEqualTo(1);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<NarrowRecord> narrow(long from, int count) {
        List<NarrowRecord> rows = new ArrayList<>();
        for (long i = from; i < from + count; i++) {
            rows.add(new NarrowRecord(i, "label " + i, i / 3.0));
        }
        return rows;
    }

    private static int terminateBackendsRunning(String queryPattern) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE query LIKE '" + queryPattern + "' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
