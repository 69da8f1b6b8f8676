package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.error.ConstraintViolationException;
import dev.keel.metrics.KeelMeterBinder;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's runtime examples. Each region between {@code // readme:start NAME} and {@code // readme:end NAME}
 * is copied into README.md under {@code <!-- snippet: NAME -->}; {@link ReadmeSnippetsTest} fails when the two
 * differ. The assertions after each region check what the example did.
 */
@KeelTest(migrations = "classpath:db/keel", schemas = "keel")
class ReadmeSnippetsIT {
    /** Stands in for the generated table class, so the examples read as they do in an application. */
    static final Item ITEM = new Item();

    static Keel keel;
    static String url;

    @BeforeAll
    static void start(TestDatabase db) {
        url = db.jdbcUrl();
        keel = Keel.builder().jdbcUrl(url).locations("classpath:db/shop").build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void empty(TestDatabase db) {
        db.execute("TRUNCATE item");
    }

    static Map<Integer, String> items() {
        return keel.dsl().selectFrom(ITEM).orderBy(ITEM.ID).fetchMap(ITEM.ID, ITEM.NAME);
    }

    @Test
    void entryPoint() {
        // readme:start entry-point
        try (Keel keel = Keel.builder()
                .jdbcUrl(url)                                   // or Keel.fromEnvironment()
                .maxPoolSize(10)
                .locations("classpath:db/shop")                 // your migrations, applied after Keel's
                .build()) {
            DSLContext dsl = keel.dsl();                        // outside transactions: each statement commits
            dsl.insertInto(ITEM).set(ITEM.ID, 1).set(ITEM.NAME, "first").execute();

            keel.transaction(tx ->                              // commit on return, rollback on throw
                    tx.dsl().insertInto(ITEM).set(ITEM.ID, 2).set(ITEM.NAME, "second").execute());
            int items = keel.transactionResult(tx -> tx.dsl().fetchCount(ITEM));

            HealthStatus health = keel.health();                // never throws
        }
        // readme:end entry-point
        assertThat(items()).isEqualTo(Map.of(1, "first", 2, "second"));
    }

    @Test
    void transactionsAndSavepoints() {
        // readme:start transactions
        try (Tx tx = keel.begin(TxOptions.serializable())) {   // close() without commit() rolls back
            tx.dsl().insertInto(ITEM).set(ITEM.ID, 10).set(ITEM.NAME, "kept").execute();

            Savepoint sp = tx.savepoint("before_extra");
            tx.dsl().insertInto(ITEM).set(ITEM.ID, 11).set(ITEM.NAME, "undone").execute();
            tx.rollbackTo(sp);                                  // row 11 is gone, row 10 stays

            try {                                               // nested work runs in a savepoint of its own
                tx.nested(inner -> inner.dsl().insertInto(ITEM).set(ITEM.ID, 10).set(ITEM.NAME, "again").execute());
            } catch (ConstraintViolationException e) {          // only the nested insert was undone
                if (!"item_pkey".equals(e.constraintName())) {
                    throw e;
                }
                tx.dsl().update(ITEM).set(ITEM.NAME, "updated").where(ITEM.ID.eq(10)).execute();
            }
            tx.commit();
        }
        // readme:end transactions
        assertThat(items()).isEqualTo(Map.of(10, "updated"));
    }

    @Test
    void micrometer() {
        MeterRegistry registry = new SimpleMeterRegistry();
        // readme:start micrometer
        // HikariCP's own tracker (hikaricp.*) and Keel's meters (keel.*), tagged pool=shop and removed on close().
        // HikariCP accepts its tracker only before the pool starts, so this is a builder setting.
        Keel shop = Keel.builder().jdbcUrl(url).poolName("shop").meterRegistry(registry).build();

        // A Keel that is already running: Keel's meters only.
        new KeelMeterBinder(keel, Tags.of("pool", "keel")).bindTo(registry);
        // readme:end micrometer
        try (shop) {
            shop.transaction(tx -> tx.dsl().insertInto(ITEM).set(ITEM.ID, 20).set(ITEM.NAME, "metered").execute());
            assertThat(registry.get("keel.transactions").tags("pool", "shop", "outcome", "committed")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("keel.transactions").tags("pool", "keel", "outcome", "committed")
                    .functionCounter().count()).isEqualTo(keel.metricsSnapshot().committed());
            assertThat(registry.get("hikaricp.connections.max").tag("pool", "shop").gauge().value()).isEqualTo(10);
        }
        assertThat(registry.find("hikaricp.connections").tag("pool", "shop").meters()).isEmpty();
        assertThat(items()).isEqualTo(Map.of(20, "metered"));
    }

    static final class Item extends TableImpl<Record> {
        private static final long serialVersionUID = 1L;

        final TableField<Record, Integer> ID = createField(DSL.name("id"), SQLDataType.INTEGER.nullable(false), this, "");
        final TableField<Record, String> NAME = createField(DSL.name("name"), SQLDataType.CLOB.nullable(false), this, "");

        Item() {
            super(DSL.name("item"));
        }
    }
}
