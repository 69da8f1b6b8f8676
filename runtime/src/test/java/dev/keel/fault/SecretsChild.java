package dev.keel.fault;

import dev.keel.HealthStatus;
import dev.keel.Keel;
import dev.keel.KeelBuilder;
import dev.keel.KeelInfo;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * A process that uses Keel with a password given three ways (in the JDBC URL, to the builder, and in the
 * environment's {@code KEEL_JDBC_URL}) and prints everything a person or a log collector could see: its logs at
 * every level (the parent sets them to trace), toString() of the builder, Keel, health and registry entries, the
 * meters' names and tags, and the messages and stack traces of failures (a wrong password, an unreachable server,
 * an invalid setting, a failing statement). {@link SecretsIT} greps it all. Arguments: port, user, password.
 */
public final class SecretsChild {
    private SecretsChild() {
    }

    public static void main(String[] args) throws Exception {
        String port = args[0];
        String user = args[1];
        String password = args[2];
        String base = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";

        show("url", Keel.builder().jdbcUrl(base + "?user=" + user + "&password=" + password));
        show("builder", Keel.builder().jdbcUrl(base).username(user).password(password));
        show("environment", Keel.builderFromEnvironment(Map.of("KEEL_JDBC_URL", System.getenv("KEEL_JDBC_URL"))));

        fail("wrong password in the URL", () -> Keel.builder()
                .jdbcUrl(base + "?user=" + user + "&password=" + password + "-wrong")
                .startupTimeout(Duration.ZERO).acquireTimeout(Duration.ofMillis(500)).build().close());
        fail("wrong password to the builder", () -> Keel.builder().jdbcUrl(base).username(user)
                .password(password + "-wrong").startupTimeout(Duration.ZERO).acquireTimeout(Duration.ofMillis(500))
                .build().close());
        fail("unreachable server", () -> Keel.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:1/postgres?user=" + user
                + "&password=" + password).startupTimeout(Duration.ZERO).acquireTimeout(Duration.ofMillis(500))
                .build().close());
        fail("unreachable server, URL form", () -> Keel.builder().jdbcUrl("postgresql://" + user + ":" + password
                + "@127.0.0.1:1/postgres").startupTimeout(Duration.ZERO).acquireTimeout(Duration.ofMillis(500))
                .build().close());
        fail("invalid setting", () -> Keel.builder().jdbcUrl(base + "?user=" + user + "&password=" + password)
                .maxPoolSize(0).build().close());
        fail("malformed URL", () -> Keel.builder().jdbcUrl("postgresql://" + user + ":" + password + "@/nohost")
                .build().close());
        fail("unknown scheme", () -> Keel.builder().jdbcUrl("mysql://" + user + ":" + password + "@h/db")
                .build().close());
        System.out.println("DONE");
    }

    private static void show(String how, KeelBuilder builder) {
        System.out.println("== " + how + ": " + builder);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Keel keel = builder.meterRegistry(registry).poolName("secrets-" + how).build()) {
            keel.transaction(tx -> tx.dsl().execute("CREATE TABLE IF NOT EXISTS secret_probe (n int PRIMARY KEY)"));
            keel.transaction(tx -> tx.dsl().execute("INSERT INTO secret_probe VALUES (1) ON CONFLICT DO NOTHING"));
            fail("constraint violation", () -> keel.dsl().execute("INSERT INTO secret_probe VALUES (1)"));
            System.out.println("keel: " + keel);
            HealthStatus h = keel.health();
            System.out.println("health: " + h + " error: " + h.error().map(Throwable::toString).orElse("none"));
            System.out.println("metrics: " + keel.metricsSnapshot());
            System.out.println("pool: " + keel.poolStats());
            for (KeelInfo info : Keel.registry()) {
                System.out.println("registry: " + info);
            }
            for (Meter m : registry.getMeters()) {
                System.out.println("meter: " + m.getId());
            }
        }
    }

    private static void fail(String what, Runnable r) {
        try {
            r.run();
            System.out.println("!! " + what + ": no failure");
        } catch (RuntimeException e) {
            System.out.println("== failure, " + what + ": " + e);
            e.printStackTrace(System.out);
        }
    }
}
