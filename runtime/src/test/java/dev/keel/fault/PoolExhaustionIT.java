package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.Tx;
import dev.keel.error.PoolExhaustedException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/** Every pooled connection is held: the next caller is refused in time with the pool's state, and let in on release. */
@KeelTest
class PoolExhaustionIT {
    static final Duration ACQUIRE = Duration.ofMillis(500);
    static final Duration BOUND = ACQUIRE.plusMillis(150);
    private static Keel keel;

    @BeforeAll
    static void start(TestDatabase db) {
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).acquireTimeout(ACQUIRE).migrate(false)
                .poolName("exhausted").build();
        keel.dsl().execute("CREATE TABLE hit (n int)");
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @Test
    void withEveryConnectionHeldBeginFailsInTimeNamingThePoolAndAReleaseLetsTheNextCallerIn(TestReporter reporter,
            TestInfo info) throws Exception {
        ExecutorService holders = Executors.newFixedThreadPool(3);
        CountDownLatch held = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        List<Future<?>> holding = new ArrayList<>();
        for (CountDownLatch until : List.of(release, releaseSecond)) {
            holding.add(holders.submit(() -> {
                try (Tx tx = keel.begin()) {
                    tx.dsl().execute("INSERT INTO hit VALUES (1)");
                    held.countDown();
                    until.await();
                    tx.commit();
                }
                return null;
            }));
        }
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        long t0 = System.nanoTime();
        assertThatThrownBy(keel::begin).isInstanceOfSatisfying(PoolExhaustedException.class, e -> {
            assertThat(e.poolName()).isEqualTo("exhausted");
            assertThat(e.poolStats()).contains("total=2", "active=2", "idle=0");
            assertThat(e.getMessage()).contains("exhausted", "total=2", "active=2");
        });
        Duration refused = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(refused).as("time to refuse").isGreaterThanOrEqualTo(ACQUIRE.minusMillis(10))
                .isLessThanOrEqualTo(BOUND);

        // a waiter is let in as soon as a holder commits
        AtomicLong waited = new AtomicLong();
        Future<?> waiter = holders.submit(() -> {
            long w0 = System.nanoTime();
            try (Tx tx = keel.begin()) {
                waited.set(System.nanoTime() - w0);
                tx.dsl().execute("INSERT INTO hit VALUES (2)");
                tx.commit();
            }
            return null;
        });
        Thread.sleep(100);
        release.countDown();
        waiter.get(ACQUIRE.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        assertThat(Duration.ofNanos(waited.get())).as("wait of the caller let in").isLessThan(ACQUIRE);
        releaseSecond.countDown();
        for (Future<?> f : holding) {
            f.get(5, TimeUnit.SECONDS);
        }
        holders.shutdown();
        assertThat(((Number) keel.dsl().fetchValue("SELECT count(*) FROM hit")).longValue()).isEqualTo(3);

        // contention: 8 threads on 2 connections, each holding 20 ms; every call ends in time, none hangs
        int calls = 0;
        ExecutorService crowd = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        AtomicLong longest = new AtomicLong();
        for (int i = 0; i < 80; i++) {
            calls++;
            outcomes.add(crowd.submit(() -> {
                long c0 = System.nanoTime();
                try {
                    keel.transaction(tx -> {
                        tx.dsl().execute("SELECT pg_sleep(0.02)");
                    });
                    return true;
                } catch (PoolExhaustedException e) {
                    return false;
                } finally {
                    longest.accumulateAndGet(System.nanoTime() - c0, Math::max);
                }
            }));
        }
        int ok = 0;
        for (Future<Boolean> f : outcomes) {
            ok += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        crowd.shutdown();
        assertThat(crowd.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(longest.get())).as("longest call under contention")
                .isLessThanOrEqualTo(BOUND.plusMillis(100));
        FaultReport.of("5. pool exhaustion").figure("refused after", refused)
                .figure("waiter let in after", Duration.ofNanos(waited.get()))
                .figure("contended calls ok", ok + "/" + calls)
                .figure("longest contended call", Duration.ofNanos(longest.get()))
                .held(reporter, info, "PoolExhaustedException within acquireTimeout + 150 ms naming pool and state; "
                        + "release lets the next caller in; no thread hangs");
    }
}
