package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.HealthStatus;
import dev.keel.Keel;
import dev.keel.error.CommitOutcomeUnknownException;
import dev.keel.error.ConnectionLostException;
import dev.keel.error.PoolExhaustedException;
import dev.keel.testkit.RestartableServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * Eight threads run transactions while the server is stopped and started again on the same data directory and
 * port. Every call succeeds or fails with a typed error within the acquire timeout, health follows the outage, and
 * every committed row is there afterwards.
 */
class RestartUnderLoadIT {
    static final int THREADS = 8;
    static final Duration ACQUIRE = Duration.ofSeconds(2);
    /** Slack over the acquire timeout for one call: a connect attempt that began just before the deadline. */
    static final Duration CALL_SLACK = Duration.ofMillis(1500);

    private static RestartableServer server;

    @BeforeAll
    static void start() {
        server = RestartableServer.create("restart-under-load");
        server.start();
        server.execute("postgres", "CREATE TABLE work (thread int, seq int, PRIMARY KEY (thread, seq))");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void transactionsAcrossRestartsFailTypedOrSucceedAndCommittedWorkStays(TestReporter reporter, TestInfo info)
            throws Exception {
        int restarts = FaultReport.size(1, 10);
        Map<Integer, Set<Integer>> committed = new ConcurrentHashMap<>();
        Map<Integer, Set<Integer>> unknown = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Throwable> untyped = new ConcurrentLinkedQueue<>();
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        AtomicLong longestCall = new AtomicLong();
        AtomicLong lastSuccess = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> firstSuccessAfterRestart = new ArrayList<>();
        List<Long> healthyAgainAfterStart = new ArrayList<>();
        List<Long> startTimes = new ArrayList<>();
        boolean sawUnhealthy = false;

        try (Keel keel = Keel.builder().jdbcUrl(server.jdbcUrl("postgres")).maxPoolSize(THREADS)
                .acquireTimeout(ACQUIRE).migrate(false).name("restart-load").build()) {
            ExecutorService exec = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                committed.put(thread, ConcurrentHashMap.newKeySet());
                unknown.put(thread, ConcurrentHashMap.newKeySet());
                workers.add(exec.submit(() -> {
                    for (int seq = 0; running.get(); seq++) {
                        int s = seq;
                        long t0 = System.nanoTime();
                        try {
                            keel.transaction(tx -> tx.dsl().execute("INSERT INTO work VALUES (?, ?)", thread, s));
                            committed.get(thread).add(s);
                            lastSuccess.set(System.nanoTime());
                        } catch (CommitOutcomeUnknownException e) {
                            unknown.get(thread).add(s);
                            count(failures, e);
                        } catch (ConnectionLostException | PoolExhaustedException e) {
                            count(failures, e);
                        } catch (RuntimeException e) {
                            untyped.add(e);
                        } finally {
                            longestCall.accumulateAndGet(System.nanoTime() - t0, Math::max);
                        }
                    }
                    return null;
                }));
            }
            try {
                Thread.sleep(500);
                for (int r = 0; r < restarts; r++) {
                    server.stop();
                    long stopped = System.nanoTime();
                    HealthStatus down = keel.health();
                    sawUnhealthy |= !down.isHealthy();
                    Thread.sleep(500);
                    server.start();
                    long started = System.nanoTime();
                    startTimes.add(started);
                    long deadline = started + ACQUIRE.toNanos() + CALL_SLACK.toNanos();
                    while (!keel.health().isHealthy() && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    healthyAgainAfterStart.add(System.nanoTime() - started);
                    while (lastSuccess.get() < started && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
                        Thread.sleep(5);
                    }
                    firstSuccessAfterRestart.add(lastSuccess.get() - stopped);
                    Thread.sleep(300);
                }
            } finally {
                running.set(false); // workers stop even when a restart step fails
                if (!server.isRunning()) {
                    server.start();
                }
            }
            for (Future<?> f : workers) {
                f.get(ACQUIRE.toSeconds() + 10, TimeUnit.SECONDS); // no thread hangs
            }
            exec.shutdown();
        }

        assertThat(untyped).as("untyped failures").isEmpty();
        assertThat(sawUnhealthy).as("health() unhealthy while the server was down").isTrue();
        assertThat(Duration.ofNanos(longestCall.get())).as("longest call")
                .isLessThanOrEqualTo(ACQUIRE.plus(CALL_SLACK));
        for (long healthy : healthyAgainAfterStart) {
            assertThat(Duration.ofNanos(healthy)).as("healthy again after the start")
                    .isLessThanOrEqualTo(ACQUIRE.plus(CALL_SLACK));
        }
        for (int r = 0; r < restarts; r++) {
            assertThat(firstSuccessAfterRestart.get(r)).as("a success after restart " + r).isPositive();
        }
        Set<String> present = new HashSet<>();
        long committedCount = committed.values().stream().mapToLong(Set::size).sum();
        try (Keel check = Keel.builder().jdbcUrl(server.jdbcUrl("postgres")).migrate(false).build()) {
            for (Record2<Integer, Integer> row : check.dsl().resultQuery("SELECT thread, seq FROM work")
                    .coerce(DSL.field("thread", Integer.class), DSL.field("seq", Integer.class))) {
                present.add(row.value1() + "/" + row.value2());
            }
        }
        committed.forEach((t, seqs) -> seqs.forEach(s -> assertThat(present).as("committed row present")
                .contains(t + "/" + s)));
        long extra = present.stream().filter(k -> {
            String[] p = k.split("/");
            int t = Integer.parseInt(p[0]);
            int s = Integer.parseInt(p[1]);
            return !committed.get(t).contains(s);
        }).peek(k -> {
            String[] p = k.split("/");
            assertThat(unknown.get(Integer.parseInt(p[0]))).as("row not acknowledged must be an unknown commit")
                    .contains(Integer.parseInt(p[1]));
        }).count();
        long worstFirstSuccess = firstSuccessAfterRestart.stream().mapToLong(Long::longValue).max().orElse(0);
        long worstHealthy = healthyAgainAfterStart.stream().mapToLong(Long::longValue).max().orElse(0);
        FaultReport.of("2. restart under load (8 threads)").runs(restarts)
                .figure("first success after stop (worst)", Duration.ofNanos(worstFirstSuccess))
                .figure("healthy after start (worst)", Duration.ofNanos(worstHealthy))
                .figure("longest call", Duration.ofNanos(longestCall.get()))
                .figure("committed rows checked", committedCount)
                .figure("typed failures", failures.toString().replace(", ", " "))
                .figure("unknown commits found committed", extra)
                .held(reporter, info, "every call typed or ok; no call past acquire timeout; health down then up; "
                        + "all committed rows present");
    }

    private static void count(Map<String, AtomicLong> failures, RuntimeException e) {
        failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
    }
}
