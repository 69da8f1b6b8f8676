package dev.keel.saga;

import dev.keel.Keel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test sagas: every step writes one "do" row to the table {@code ledger} through {@code ctx.tx()}, every
 * compensation one "undo" row. Duplicated effects show up as extra rows (the table has no unique key on purpose).
 */
final class Ledger {
    static final String DDL = "CREATE TABLE IF NOT EXISTS public.ledger (id bigserial PRIMARY KEY, saga_id uuid NOT NULL, "
            + "step int NOT NULL, kind text NOT NULL, writer text NOT NULL, attempt int NOT NULL, "
            + "at timestamptz NOT NULL DEFAULT clock_timestamp())";

    /**
     * A saga's data.
     *
     * @param failAt  the step that always throws (-1: none)
     * @param flaky   how many attempts of every step throw before one succeeds
     * @param sleepMs how long each step sleeps after writing its row
     * @param trail   the steps done so far, to show each step sees the previous one's output
     */
    record Job(int failAt, int flaky, int sleepMs, String trail) {
        static Job ok() {
            return new Job(-1, 0, 0, "");
        }

        static Job failingAt(int step) {
            return new Job(step, 0, 0, "");
        }
    }

    private Ledger() {
    }

    static SagaDefinition<Job> definition(String name, int steps, String writer, StepOptions options) {
        SagaDefinition.Builder<Job> b = SagaDefinition.builder(name, Job.class).stepOptions(options);
        for (int i = 0; i < steps; i++) {
            b.step("s" + i, (ctx, job) -> act(ctx, job, writer), (ctx, job) -> undo(ctx, writer));
        }
        return b.build();
    }

    static SagaDefinition<Job> definition(String name, int steps) {
        return definition(name, steps, "test", fast());
    }

    /** A runner tuned for tests: two workers, a 2 s lease, a 20 ms poll. */
    static SagaRunner quickRunner(SagaStore sagas, SagaDefinition<?> def) {
        return sagas.runner(def).workers(2).lease(java.time.Duration.ofSeconds(2))
                .pollInterval(java.time.Duration.ofMillis(20));
    }

    static StepOptions fast() {
        return StepOptions.defaults().attempts(3).backoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50));
    }

    static Job act(StepContext ctx, Job job, String writer) throws InterruptedException {
        write(ctx, "do", writer);
        if (job.sleepMs() > 0) {
            Thread.sleep(job.sleepMs());
        }
        if (job.failAt() == ctx.stepIndex()) {
            throw new IllegalStateException("step " + ctx.stepIndex() + " fails on purpose");
        }
        if (ctx.attempt() <= job.flaky()) {
            throw new IllegalStateException("attempt " + ctx.attempt() + " of step " + ctx.stepIndex() + " is flaky");
        }
        return new Job(job.failAt(), job.flaky(), job.sleepMs(), job.trail() + ctx.stepName() + ";");
    }

    static void undo(StepContext ctx, String writer) {
        write(ctx, "undo", writer);
    }

    static void write(StepContext ctx, String kind, String writer) {
        ctx.tx().dsl().execute("INSERT INTO public.ledger (saga_id, step, kind, writer, attempt) VALUES (?, ?, ?, ?, ?)",
                ctx.sagaId(), ctx.stepIndex(), kind, writer, ctx.attempt());
    }

    /** "do"/"undo" rows of a saga in the order they were written, as "do:0", "undo:1", …. */
    static List<String> rows(Keel keel, UUID saga) {
        return keel.dsl().fetch("SELECT kind, step FROM public.ledger WHERE saga_id = ? ORDER BY id", saga).stream()
                .map(r -> r.get(0, String.class) + ":" + r.get(1, Integer.class)).toList();
    }

    /** (saga, step, kind) → how many rows, for every group with more than one. */
    static Map<String, Integer> duplicates(Keel keel) {
        return keel.dsl().fetch("SELECT saga_id, step, kind, count(*) AS n FROM public.ledger "
                + "GROUP BY saga_id, step, kind HAVING count(*) > 1").stream()
                .collect(Collectors.toMap(r -> r.get(0) + "/" + r.get(1) + "/" + r.get(2), r -> r.get("n", Integer.class)));
    }

    /**
     * After closing the test's Keel instances and child processes: waits until the server has let their sessions go
     * (a backend exits a moment after its client hangs up), so the testkit's leak check sees only real leaks.
     */
    static void awaitSessionsGone(dev.keel.testkit.TestDatabase db) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!db.server().sessions(db.name(), false).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    /** Waits until every saga is finished; returns their states. */
    static List<SagaState> awaitFinished(SagaStore sagas, List<UUID> ids, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            List<SagaState> states = ids.stream().map(id -> sagas.load(id).orElseThrow()).toList();
            if (states.stream().allMatch(s -> s.status().isFinished())) {
                return states;
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("not finished in " + timeout + ": " + states.stream()
                        .filter(s -> !s.status().isFinished()).limit(5).toList());
            }
            Thread.sleep(20);
        }
    }

    static SagaState awaitFinished(SagaStore sagas, UUID id) throws InterruptedException {
        return awaitFinished(sagas, List.of(id), Duration.ofSeconds(20)).get(0);
    }

    /** Asserts the trail is numbered 1..n and its last number is the saga's version. */
    static void assertGapless(SagaStore sagas, UUID id) {
        List<SagaEvent> events = sagas.events(id);
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).seq() != i + 1) {
                throw new AssertionError("saga " + id + " trail has a gap at " + (i + 1) + ": " + events);
            }
        }
        long version = sagas.load(id).orElseThrow().version();
        if (events.size() != version) {
            throw new AssertionError("saga " + id + " has version " + version + " but " + events.size() + " events");
        }
    }

    /**
     * Every saga named {@code name} COMPLETED (three "do" rows) or COMPENSATED after failing at step 2 ("do" 0 and
     * 1, then "undo" 1 and 0, in that order), nothing twice, and every trail gapless.
     */
    static void assertExactlyOnce(Keel k, String name, int expected) {
        assertThat(k.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE name = ?", name).get(0, Long.class))
                .isEqualTo(expected);
        assertThat(k.dsl().fetch("SELECT DISTINCT status::text FROM keel.sagas WHERE name = ?", name)
                .map(r -> r.get(0, String.class))).isSubsetOf("COMPLETED", "COMPENSATED");
        assertThat(Ledger.duplicates(k)).as("effects written twice").isEmpty();
        List<String> wrong = k.dsl().fetch("""
                SELECT s.id, s.status::text, string_agg(l.kind || ':' || l.step, ',' ORDER BY l.id) AS rows
                FROM keel.sagas s LEFT JOIN public.ledger l ON l.saga_id = s.id
                WHERE s.name = ?
                GROUP BY s.id, s.status
                HAVING NOT ((s.status = 'COMPLETED' AND string_agg(l.kind || ':' || l.step, ',' ORDER BY l.id)
                                = 'do:0,do:1,do:2')
                         OR (s.status = 'COMPENSATED' AND string_agg(l.kind || ':' || l.step, ',' ORDER BY l.id)
                                = 'do:0,do:1,undo:1,undo:0'))
                LIMIT 5""", name).map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2));
        assertThat(wrong).as("sagas whose ledger is not exactly once, compensations in reverse").isEmpty();
        List<String> gaps = k.dsl().fetch("""
                SELECT s.id FROM keel.sagas s
                WHERE s.name = ? AND (s.version <> s.last_seq
                   OR s.version <> (SELECT count(*) FROM keel.saga_events e WHERE e.saga_id = s.id)
                   OR s.version <> (SELECT max(e.seq) FROM keel.saga_events e WHERE e.saga_id = s.id))
                LIMIT 5""", name).map(r -> String.valueOf(r.get(0)));
        assertThat(gaps).as("sagas whose trail has gaps").isEmpty();
    }
}
