package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.test.db.tables.daos.NarrowDao;
import dev.keel.test.db.tables.pojos.Narrow;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import dev.keel.testkit.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** User migrations run as the application's Flyway runs them, and generated DAOs join Keel's transactions. */
@KeelTest(migrations = "classpath:db/testtables", schemas = "bulk")
class KeelFlywayAndDaoIT {

    @Test
    void userMigrationsThatCreateTheirOwnSchemasApplyWithFlywaysDefaults(TestServer server) {
        String name = server.newDatabaseName("own_schemas");
        server.createDatabase(name, null);
        try (Keel keel = Keel.builder().jdbcUrl(server.jdbcUrl(name)).locations("classpath:db/ownschemas")
                .flyway(c -> c.placeholders(Map.of("owner", "billing_team"))).build()) {
            assertThat(keel.migrationsApplied()).isGreaterThan(1);
            assertThat(keel.dsl().fetchOne("SELECT count(*) FROM public.flyway_schema_history "
                    + "WHERE script = 'V1__inventory_and_billing.sql' AND success").get(0, Long.class)).isEqualTo(1L);
            assertThat(keel.dsl().fetchOne("SELECT column_default FROM information_schema.columns "
                    + "WHERE table_schema = 'billing' AND column_name = 'owner'").get(0, String.class)).contains("billing_team");
        } finally {
            server.dropDatabase(name);
        }
    }

    @Test
    void theFlywayHookSetsTheApplicationsOwnSettings(TestServer server) {
        String name = server.newDatabaseName("flyway_hook");
        server.createDatabase(name, null);
        try (Keel keel = Keel.builder().jdbcUrl(server.jdbcUrl(name)).locations("classpath:db/ownschemas")
                .flyway(c -> c.configuration(Map.of("flyway.table", "app_history",
                        "flyway.placeholders.owner", "x"))).build()) {
            assertThat(keel.dsl().fetchOne("SELECT count(*) FROM public.app_history WHERE success").get(0, Long.class))
                    .isEqualTo(1L);
            assertThat(keel.dsl().fetchOne("SELECT count(*) FROM keel.flyway_schema_history WHERE success")
                    .get(0, Long.class)).as("Keel's own migrations keep their own history").isPositive();
        } finally {
            server.dropDatabase(name);
        }
    }

    @Test
    void aGeneratedDaoWritesInsideTheTransactionAndRollsBackWithIt(TestDatabase db) {
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).build()) {
            keel.dsl().execute("TRUNCATE bulk.narrow");
            keel.transaction(tx -> tx.dao(NarrowDao::new).insert(new Narrow(1L, "kept", 1.0)));
            assertThatThrownBy(() -> keel.transaction(tx -> {
                NarrowDao dao = tx.dao(NarrowDao::new);
                dao.insert(new Narrow(2L, "rolled back", 2.0));
                assertThat(dao.count()).as("visible inside the transaction").isEqualTo(2L);
                throw new IllegalStateException("abort");
            })).isInstanceOf(IllegalStateException.class).hasMessage("abort");

            NarrowDao outside = new NarrowDao(keel.dsl().configuration());
            assertThat(outside.findAll()).extracting(Narrow::getLabel).containsExactly("kept");
            try (Tx tx = keel.begin()) {
                tx.dao(NarrowDao::new).deleteById(1L);
            } // closed without commit: rolled back
            assertThat(outside.fetchOneById(1L)).isNotNull();

            // readme:start dao
            keel.transaction(tx -> {
                NarrowDao dao = tx.dao(NarrowDao::new);             // built on tx.dsl().configuration()
                dao.insert(new Narrow(3L, "in the transaction", 3.0));
            });                                                     // commits with the transaction, or rolls back with it
            // readme:end dao
            assertThat(outside.fetchOneById(3L)).extracting(Narrow::getLabel).isEqualTo("in the transaction");
        }
    }
}
