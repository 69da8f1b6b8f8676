package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.embedded.EmbeddedPostgres;
import dev.keel.saga.SagaDefinition;
import dev.keel.saga.SagaRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Saga throughput against its floor, side by side in one run on a durable embedded PostgreSQL (fsync on):
 * <ul>
 *   <li><b>floor</b>: three plain Keel transactions per saga, each inserting one row, on {@code workers} threads;</li>
 *   <li><b>saga</b>: a 3-step saga of no-op steps run by one runner with {@code workers} workers (started
 *       beforehand, not timed);</li>
 *   <li><b>two runners</b>: the same, split over two Keel instances with {@code workers} workers each.</li>
 * </ul>
 * Each is measured {@code rounds} times in turns; the median is printed.
 *
 * <pre>java -cp benchmarks/target/keel-benchmarks.jar dev.keel.benchmarks.SagaThroughput [sagas] [workers] [rounds]</pre>
 */
public final class SagaThroughput {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private SagaThroughput() {
    }

    /** The saga's data: nothing to speak of. */
    public record Empty(int n) {
    }

    public static void main(String[] args) throws Exception {
        int sagas = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("keel-saga-bench");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDirectory(dir).durable(true).start();
             Keel keel = Keel.builder().jdbcUrl(pg.jdbcUrl()).maxPoolSize(workers + 2).build();
             Keel second = Keel.builder().jdbcUrl(pg.jdbcUrl()).maxPoolSize(workers + 2).migrate(false).build()) {
            keel.dsl().execute("CREATE TABLE public.bench_steps (saga uuid NOT NULL, step int NOT NULL)");
            List<Double> floor = new ArrayList<>();
            List<Double> saga = new ArrayList<>();
            List<Double> two = new ArrayList<>();
            for (int r = 0; r <= rounds; r++) {
                double f = floor(keel, sagas, workers);
                double s = sagas(keel, null, sagas, workers);
                double t = sagas(keel, second, sagas, workers);
                if (r > 0) { // round 0 warms up
                    floor.add(f);
                    saga.add(s);
                    two.add(t);
                }
            }
            double fm = median(floor);
            double sm = median(saga);
            double tm = median(two);
            System.out.printf("PostgreSQL %s (durable), %d sagas of 3 no-op steps, %d worker(s), median of %d%n",
                    pg.serverVersion(), sagas, workers, rounds);
            System.out.printf("floor (3 plain transactions per saga): %,.0f sagas/s%n", fm);
            System.out.printf("saga store, one runner:                %,.0f sagas/s (%.2fx the floor)%n", sm, sm / fm);
            System.out.printf("saga store, two runners:               %,.0f sagas/s (%.2fx one runner)%n", tm, tm / sm);
        }
    }

    static double floor(Keel keel, int sagas, int workers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(() -> {
                    while (next.getAndIncrement() < sagas) {
                        UUID id = UUID.randomUUID();
                        for (int step = 0; step < 3; step++) {
                            int s = step;
                            keel.transaction(tx -> tx.dsl().execute(
                                    "INSERT INTO public.bench_steps (saga, step) VALUES (?, ?)", id, s));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return sagas / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    static double sagas(Keel keel, Keel second, int sagas, int workers) throws Exception {
        SagaDefinition<Empty> def = SagaDefinition.builder("bench-" + NAMES.incrementAndGet(), Empty.class)
                .step("a", (ctx, d) -> d).step("b", (ctx, d) -> d).step("c", (ctx, d) -> d).build();
        for (int i = 0; i < sagas; i++) {
            keel.sagas().start(def, new Empty(i));
        }
        long start = System.nanoTime();
        try (SagaRunner one = keel.sagas().runner(def).workers(workers).pollInterval(Duration.ofMillis(10)).start();
             SagaRunner two = second == null ? null
                     : second.sagas().runner(def).workers(workers).pollInterval(Duration.ofMillis(10)).start()) {
            // The runners count what they finish: polling the table instead would load the server while it runs.
            while (one.finished() + (two == null ? 0 : two.finished()) < sagas) {
                Thread.sleep(1);
            }
            double rate = sagas / ((System.nanoTime() - start) / 1e9);
            long completed = completed(keel, def.name());
            if (completed != sagas) {
                throw new IllegalStateException(completed + " of " + sagas + " sagas completed");
            }
            return rate;
        }
    }

    static long completed(Keel keel, String name) {
        return keel.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE name = ? AND status = 'COMPLETED'",
                name).get(0, Long.class);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
