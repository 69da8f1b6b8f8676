package dev.keel.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.saga.Ledger.Job;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runners in child JVMs, killed with SIGKILL or frozen with SIGSTOP while they work. {@code -Dkeel.saga.kills=300}
 * runs the kill test longer (default 20 kills).
 */
@KeelTest
class SagaCrashIT {
    static final int KILLS = Integer.getInteger("keel.saga.kills", 20);
    static final long SEED = Long.getLong("keel.saga.seed", System.nanoTime());
    static Keel keel;
    static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        db.execute(Ledger.DDL);
        // Commits need not wait for the disk here: these tests kill clients, never the server.
        db.execute("ALTER DATABASE \"" + db.name() + "\" SET synchronous_commit = off");
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(4).build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        keel.close();
        Ledger.awaitSessionsGone(db);
    }

    static List<UUID> startSagas(SagaDefinition<Job> def, int n, Random rnd) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(keel.sagas().start(def, new Job(rnd.nextInt(8) == 0 ? 2 : -1, 0, 5 + rnd.nextInt(25), "")));
        }
        return ids;
    }

    static long unfinished(String name) {
        return keel.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE name = ? AND completed_at IS NULL",
                name).get(0, Long.class);
    }

    @Test
    void killedRunnersLoseNoStepAndRunNoneTwice() throws Exception {
        Random rnd = new Random(SEED);
        SagaDefinition<Job> def = Ledger.definition("kill", 3);
        List<UUID> ids = new ArrayList<>(startSagas(def, 200, rnd));
        List<ChildRunner> children = new ArrayList<>();
        int kills = 0;
        try {
            for (int i = 0; i < 3; i++) {
                children.add(new ChildRunner(db.jdbcUrl(), "kill", "child" + i, 2, 1000).start());
            }
            while (kills < KILLS) {
                ChildRunner victim = pickReady(children, rnd);
                Thread.sleep(rnd.nextInt(600));
                victim.kill();
                kills++;
                victim.start();
                if (unfinished("kill") < 20) {
                    ids.addAll(startSagas(def, 60, rnd)); // keep the survivors busy until the last kill
                }
            }
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (unfinished("kill") > 0 && System.nanoTime() < end) {
                Thread.sleep(100);
            }
        } finally {
            for (ChildRunner c : children) {
                c.close();
            }
        }
        System.out.printf("Saga kill test: %d SIGKILLs over %d sagas (seed %d)%n", kills, ids.size(), SEED);
        assertThat(kills).isGreaterThanOrEqualTo(Math.min(KILLS, 20));
        assertThat(unfinished("kill")).as("sagas left unfinished (seed " + SEED + ")").isZero();
        Ledger.assertExactlyOnce(keel, "kill", ids.size());
        long recovered = keel.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE name = 'kill' AND recoveries > 0")
                .get(0, Long.class);
        assertThat(recovered).as("sagas taken over from a killed runner").isPositive();
    }

    @Test
    void runnerFrozenPastItsLeaseWritesNothingAfterItWakes() throws Exception {
        SagaDefinition<Job> def = Ledger.definition("zombie", 3, "taker", Ledger.fast());
        Random rnd = new Random(SEED);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(keel.sagas().start(def, new Job(i % 4 == 0 ? 2 : -1, 0, 300, "")));
        }
        Map<UUID, Integer> held;
        try (ChildRunner zombie = new ChildRunner(db.jdbcUrl(), "zombie", "zombie", 2, 2000).start()) {
            String owner = zombie.awaitReady(60);
            String writer = zombie.writer();
            assertThat(owner).isNotNull();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (keel.dsl().fetchSingle("SELECT count(*) FROM public.ledger WHERE writer = ?", writer)
                    .get(0, Long.class) < 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(100 + rnd.nextInt(150)); // into the next steps' sleep
            zombie.signal("STOP");
            held = keel.dsl().fetch("SELECT id, current_step FROM keel.sagas WHERE lease_owner = ? "
                    + "AND completed_at IS NULL", owner).intoMap(r -> r.get(0, UUID.class), r -> r.get(1, Integer.class));
            assertThat(held).as("sagas the frozen runner held").isNotEmpty();
            long frozenAt = System.nanoTime();
            try (SagaRunner taker = keel.sagas().runner(def).workers(2).lease(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(20)).maxRecoveries(1000).start()) {
                long limit = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!takenOver(held) && System.nanoTime() < limit) {
                    Thread.sleep(20);
                }
                assertThat(takenOver(held)).as("another runner took over the frozen one's sagas").isTrue();
                System.out.printf("Saga zombie test: %d held saga(s) taken over %d ms after the freeze%n",
                        held.size(), (System.nanoTime() - frozenAt) / 1_000_000);
                zombie.signal("CONT");
                Thread.sleep(3000); // the zombie wakes, finishes its sleeps and tries to commit
                Ledger.awaitFinished(keel.sagas(), ids, Duration.ofSeconds(60));
            }
        }
        for (Map.Entry<UUID, Integer> e : held.entrySet()) {
            List<String> writers = keel.dsl().fetch("SELECT writer FROM public.ledger WHERE saga_id = ? AND step = ? "
                    + "AND kind = 'do'", e.getKey(), e.getValue()).map(r -> r.get(0, String.class));
            assertThat(writers).as("step %d of saga %s, in flight when the runner froze", e.getValue(), e.getKey())
                    .containsExactly("taker");
        }
        Ledger.assertExactlyOnce(keel, "zombie", ids.size());
    }

    /** A random child among those whose runner is up; waits for one when none is. */
    static ChildRunner pickReady(List<ChildRunner> children, Random rnd) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            // at work: up, and its current generation has committed a step
            List<ChildRunner> up = children.stream().filter(c -> c.isReady() && keel.dsl().fetchSingle(
                    "SELECT count(*) FROM public.ledger WHERE writer = ?", c.writer()).get(0, Long.class) > 0).toList();
            if (!up.isEmpty()) {
                return up.get(rnd.nextInt(up.size()));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no child runner came up in 60 s; see target/saga-children/*.log");
    }

    /** Whether every held saga has moved past the step it was on (or finished). */
    static boolean takenOver(Map<UUID, Integer> held) {
        for (Map.Entry<UUID, Integer> e : held.entrySet()) {
            Integer step = keel.dsl().fetchSingle("SELECT CASE WHEN completed_at IS NOT NULL OR status <> 'EXECUTING' "
                    + "THEN 1000 ELSE current_step END FROM keel.sagas WHERE id = ?", e.getKey()).get(0, Integer.class);
            if (step <= e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
