package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.KeelMetrics;
import dev.keel.embedded.EmbeddedPostgres;
import dev.keel.saga.SagaDefinition;
import dev.keel.saga.SagaRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Claim latency and cleanup, on a durable embedded PostgreSQL (fsync on), in one run:
 * <ol>
 *   <li><b>empty</b>: a runner works through {@code runnable} sagas of no-op steps with no finished sagas in the
 *       table; the claim statement's p99 is read from Keel's metrics ({@code keel.saga.claims.p99});</li>
 *   <li><b>finished</b>: the same after {@code finished} finished sagas (3 step rows and 8 events each, completed two
 *       days ago) were added under the same saga name;</li>
 *   <li><b>cleanup</b>: the same again while {@code sagas().cleanup(1 h)} removes those finished sagas, with the
 *       rate it removes them at.</li>
 * </ol>
 * Each phase uses a Keel instance of its own, so its claim percentile holds only its own claims.
 *
 * <pre>java -cp benchmarks/target/keel-benchmarks.jar dev.keel.benchmarks.SagaClaims [runnable] [finished] [workers]</pre>
 */
public final class SagaClaims {
    static final String NAME = "bench-claims";

    private SagaClaims() {
    }

    /** The saga's data. */
    public record Item(int n) {
    }

    /** One phase's figures. */
    record Phase(String what, int sagas, double seconds, KeelMetrics.Sagas metrics) {
        String line() {
            return String.format("%-44s %,9d claims  p99 %7.2f ms   %,7.0f sagas/s", what, metrics.claims(),
                    metrics.p99ClaimMillis(), sagas / seconds);
        }
    }

    public static void main(String[] args) throws Exception {
        int runnable = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int finished = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Path dir = Files.createTempDirectory("keel-saga-claims");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDirectory(dir).durable(true).start()) {
            try (Keel keel = Keel.builder().jdbcUrl(pg.jdbcUrl()).build()) {
                keel.dsl().execute("SELECT 1"); // migrations applied
            }
            phase(pg, "warm-up", Math.min(1_000, runnable), workers);
            Phase empty = phase(pg, "no finished sagas", runnable, workers);
            long seeding = System.nanoTime();
            seedFinished(pg, finished);
            double seeded = (System.nanoTime() - seeding) / 1e9;
            Phase loaded = phase(pg, String.format("%,d finished sagas", finished), runnable, workers);
            CompletableFuture<double[]> cleanup = new CompletableFuture<>();
            Phase during = phase(pg, "the same, while cleanup removes them", runnable, workers, keel -> {
                Thread t = new Thread(() -> {
                    long start = System.nanoTime();
                    try {
                        int removed = keel.sagas().cleanup(Duration.ofHours(1));
                        cleanup.complete(new double[] {removed, (System.nanoTime() - start) / 1e9});
                    } catch (RuntimeException e) {
                        cleanup.completeExceptionally(e);
                    }
                }, "cleanup");
                t.start();
                return cleanup;
            });
            double[] c = cleanup.get();
            System.out.printf("PostgreSQL %s (durable), %,d runnable sagas of 3 no-op steps per phase, %d workers; "
                    + "%,d finished sagas seeded in %.0f s%n", pg.serverVersion(), runnable, workers, finished, seeded);
            System.out.println(empty.line());
            System.out.println(loaded.line());
            System.out.println(during.line());
            System.out.printf("cleanup: %,.0f sagas removed in %.1f s, %,.0f sagas/s (with all their rows); "
                    + "claim p99 %.2fx without cleanup%n", c[0], c[1], c[0] / c[1],
                    during.metrics().p99ClaimMillis() / loaded.metrics().p99ClaimMillis());
        }
    }

    /** Something to start with a phase's runner, on that phase's Keel, which stays open until it is done. */
    @FunctionalInterface
    interface Alongside {
        Future<?> start(Keel keel);
    }

    static Phase phase(EmbeddedPostgres pg, String what, int sagas, int workers) throws Exception {
        return phase(pg, what, sagas, workers, k -> CompletableFuture.completedFuture(null));
    }

    static Phase phase(EmbeddedPostgres pg, String what, int sagas, int workers, Alongside alongside)
            throws Exception {
        try (Keel keel = Keel.builder().jdbcUrl(pg.jdbcUrl()).maxPoolSize(workers + 4).migrate(false).build()) {
            SagaDefinition<Item> def = SagaDefinition.builder(NAME, Item.class)
                    .step("a", (ctx, d) -> d).step("b", (ctx, d) -> d).step("c", (ctx, d) -> d).build();
            start(keel, def, sagas);
            keel.dsl().execute("ANALYZE keel.sagas");
            long before = unfinished(keel);
            Future<?> beside = alongside.start(keel);
            long start = System.nanoTime();
            try (SagaRunner runner = keel.sagas().runner(def).workers(workers).pollInterval(Duration.ofMillis(10))
                    .start()) {
                while (unfinished(keel) > before - sagas) {
                    Thread.sleep(10);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            KeelMetrics.Sagas metrics = keel.metricsSnapshot().sagas();
            beside.get();
            return new Phase(what, sagas, seconds, metrics);
        }
    }

    static void start(Keel keel, SagaDefinition<Item> def, int n) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                done.add(starters.submit(() -> {
                    for (int i = first; i < n; i += 4) {
                        keel.sagas().start(def, new Item(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            starters.shutdown();
        }
    }

    static long unfinished(Keel keel) {
        return keel.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE name = ? AND completed_at IS NULL",
                NAME).get(0, Long.class);
    }

    /** {@code n} finished sagas completed two days ago, each with its 3 step rows and 8 events, in 100k batches. */
    static void seedFinished(EmbeddedPostgres pg, int n) {
        try (Keel keel = Keel.builder().jdbcUrl(pg.jdbcUrl()).migrate(false).build()) {
            for (int from = 0; from < n; from += 100_000) {
                int count = Math.min(100_000, n - from);
                keel.transaction(tx -> {
                    tx.dsl().execute("""
                            CREATE TEMP TABLE seed ON COMMIT DROP AS
                            SELECT gen_random_uuid() AS id, now() - interval '2 days' - g * interval '1 ms' AS t
                            FROM generate_series(1, ?) g""", count);
                    tx.dsl().execute("""
                            INSERT INTO keel.sagas (id, name, status, data, total_steps, completed_steps,
                                current_step, created_at, updated_at, completed_at, version, last_seq)
                            SELECT id, ?, 'COMPLETED', '{"n": 1}', 3, 3, 3, t, t, t, 8, 8 FROM seed""", NAME);
                    tx.dsl().execute("""
                            INSERT INTO keel.saga_steps (saga_id, step_index, name, status, attempts, output,
                                started_at, completed_at)
                            SELECT id, i, chr(97 + i), 'COMPLETED', 1, '{"n": 1}', t, t
                            FROM seed, generate_series(0, 2) i""");
                    tx.dsl().execute("""
                            INSERT INTO keel.saga_events (saga_id, seq, type, status, step_index, attempt, runner, at)
                            SELECT id, e, CASE WHEN e = 8 THEN 'FINISHED' WHEN e % 2 = 0 THEN 'STEP_STARTED'
                                ELSE 'STEP_COMPLETED' END, 'COMPLETED', NULL, 1, 'seed', t
                            FROM seed, generate_series(1, 8) e""");
                });
            }
            keel.dsl().execute("VACUUM ANALYZE keel.sagas");
            keel.dsl().execute("VACUUM ANALYZE keel.saga_steps");
            keel.dsl().execute("VACUUM ANALYZE keel.saga_events");
        }
    }
}
