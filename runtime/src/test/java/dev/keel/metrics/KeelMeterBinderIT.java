package dev.keel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.KeelMetrics;
import dev.keel.Tx;
import dev.keel.error.ConstraintViolationException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@KeelTest(migrations = "classpath:db/keel", schemas = "keel")
class KeelMeterBinderIT {

    @BeforeAll
    static void schema(TestDatabase db) {
        db.execute("CREATE TABLE item (id int PRIMARY KEY)");
    }

    private static void insert(DSLContext dsl, int id) {
        dsl.insertInto(table("item"), field("id")).values(id).execute();
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void builderRegistryCountsQueriesFailuresAndTransactionsExactly(TestDatabase db) {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(3).poolName("orders")
                .meterRegistry(registry).build()) {
            keel.dsl().execute("TRUNCATE item");                               // query 1
            keel.transaction(tx -> insert(tx.dsl(), 1));                       // query 2, committed 1
            assertThatThrownBy(() -> keel.transaction(tx -> insert(tx.dsl(), 1)))  // failure, rolled back 1
                    .isInstanceOf(ConstraintViolationException.class);
            try (Tx tx = keel.begin()) {                                       // rolled back 2
                insert(tx.dsl(), 2);                                           // query 3
            }
            assertThat(keel.dsl().fetchCount(table("item"))).isEqualTo(1);     // query 4

            assertThat(counter(registry, "keel.transactions", "outcome", "committed", "pool", "orders")).isEqualTo(1);
            assertThat(counter(registry, "keel.transactions", "outcome", "rolled_back", "pool", "orders")).isEqualTo(2);
            assertThat(counter(registry, "keel.failures", "category", "constraint_violation")).isEqualTo(1);
            for (KeelException.Category c : KeelException.Category.values()) {
                if (c != KeelException.Category.CONSTRAINT_VIOLATION) {
                    assertThat(counter(registry, "keel.failures", "category", c.name().toLowerCase()))
                            .as("failures of %s", c).isZero();
                }
            }
            assertThat(counter(registry, "keel.retries")).isZero();

            FunctionTimer queries = registry.get("keel.queries").tag("pool", "orders").functionTimer();
            KeelMetrics snapshot = keel.metricsSnapshot();
            assertThat(queries.count()).isEqualTo(4).isEqualTo(snapshot.queries());
            assertThat(queries.totalTime(TimeUnit.MILLISECONDS))
                    .isCloseTo(snapshot.meanQueryMillis() * 4, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(queries.mean(TimeUnit.MILLISECONDS)).isPositive();
            assertThat(registry.get("keel.queries.p99").gauge().value()).isPositive();
            assertThat(registry.get("keel.pool.connections.max").gauge().value()).isEqualTo(3);
            assertThat(registry.get("keel.pool.connections.active").gauge().value()).isZero();

            assertThat(registry.getMeters()).filteredOn(m -> m.getId().getName().startsWith("keel."))
                    .isNotEmpty()
                    .allSatisfy(m -> assertThat(m.getId().getTag("pool")).isEqualTo("orders"));
            // HikariCP's own tracker, installed before the pool started: it saw every acquisition.
            assertThat(registry.get("hikaricp.connections").tag("pool", "orders").gauge().value()).isPositive();
            assertThat(registry.get("hikaricp.connections.max").tag("pool", "orders").gauge().value()).isEqualTo(3);
            assertThat(registry.get("hikaricp.connections.active").tag("pool", "orders").gauge()).isNotNull();
            assertThat(registry.get("hikaricp.connections.acquire").tag("pool", "orders").timer().count())
                    .isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void closingKeelRemovesItsMetersSoANewInstanceStartsFresh(TestDatabase db) {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Keel first = Keel.builder().jdbcUrl(db.jdbcUrl()).poolName("reused").meterRegistry(registry).build()) {
            first.transaction(tx -> tx.dsl().selectOne().fetch());
            assertThat(counter(registry, "keel.transactions", "outcome", "committed")).isEqualTo(1);
        }
        assertThat(registry.find("keel.transactions").meters()).isEmpty();
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName())
                .noneMatch(name -> name.startsWith("keel.") || name.startsWith("hikaricp."));

        try (Keel second = Keel.builder().jdbcUrl(db.jdbcUrl()).poolName("reused").meterRegistry(registry).build()) {
            assertThat(counter(registry, "keel.transactions", "outcome", "committed")).isZero();
            second.transaction(tx -> tx.dsl().selectOne().fetch());
            assertThat(counter(registry, "keel.transactions", "outcome", "committed")).isEqualTo(1);
        }
    }

    @Test
    void binderOnARunningKeelCountsRetriesAndLeavesHikariAlone(TestDatabase db) {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).build();
             KeelMeterBinder binder = new KeelMeterBinder(keel, Tags.of("app", "billing"))) {
            binder.bindTo(registry);
            int[] attempts = {0};
            keel.transaction(tx -> {
                if (attempts[0]++ == 0) {
                    tx.dsl().execute("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$");
                }
                insert(tx.dsl(), 100);
            });

            assertThat(attempts[0]).isEqualTo(2);
            assertThat(counter(registry, "keel.retries", "app", "billing")).isEqualTo(1);
            assertThat(counter(registry, "keel.failures", "category", "retryable_conflict")).isEqualTo(1);
            assertThat(counter(registry, "keel.transactions", "outcome", "committed")).isEqualTo(1);
            assertThat(counter(registry, "keel.transactions", "outcome", "rolled_back")).isEqualTo(1);
            assertThat(registry.get("keel.pool.connections.max").tag("app", "billing").gauge().value()).isEqualTo(2);
            assertThat(registry.find("hikaricp.connections").meters()).isEmpty();

            binder.close();
            assertThat(registry.getMeters()).isEmpty();
            assertThat(keel.dsl().fetchCount(table("item"), field("id").eq(100))).isEqualTo(1);
        } finally {
            db.execute("DELETE FROM item WHERE id = 100");
        }
    }

    @Test
    void metersCarryDescriptionsAndBaseUnits(TestDatabase db) {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).build();
             KeelMeterBinder binder = new KeelMeterBinder(keel)) {
            binder.bindTo(registry);
            assertThat(registry.getMeters()).extracting(Meter::getId)
                    .allSatisfy(id -> assertThat(id.getDescription()).isNotBlank());
            assertThat(registry.get("keel.queries.p99").gauge().getId().getBaseUnit()).isEqualTo("seconds");
            assertThat(registry.get("keel.pool.connections").gauge().getId().getBaseUnit()).isEqualTo("connections");
        }
    }
}
