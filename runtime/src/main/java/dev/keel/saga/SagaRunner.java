package dev.keel.saga;

import java.time.Duration;

/**
 * Runs the sagas of one definition: claims runnable ones (any process's, including those whose runner died),
 * runs their steps and compensations, and hands them back. Configure it, then {@link #start()}; close it to stop.
 *
 * <h2>Claims, leases and fencing</h2>
 * A claim is one short statement ({@code FOR UPDATE SKIP LOCKED}) that sets the lease owner and expiry from the
 * database's clock and bumps the saga's fencing epoch. The runner renews its leases while it works. Every write it
 * makes for a saga checks that epoch and an unexpired lease in the same statement; when it finds neither (it was
 * paused or cut off past its lease, and another runner may have claimed the saga), it rolls back what it was doing
 * and drops the saga. A step's transaction also runs with PostgreSQL's {@code idle_in_transaction_session_timeout}
 * set to the lease, so a frozen runner cannot hold the saga's rows past it; the limit is set when the step first asks
 * for {@link StepContext#tx()}. A step that never does completes in one auto-committed statement.
 *
 * <h2>Recovery</h2>
 * Claiming is a periodic sweep: sagas whose lease expired are claimed again within the lease plus one poll interval.
 * A saga recovered more than {@link #maxRecoveries(int)} times (it keeps killing its runners) is quarantined. While
 * the database cannot be reached, the runner waits with backoff and carries on when it answers.
 *
 * <h2>Threads and connections</h2>
 * {@code workers} threads run steps, each holding one pooled connection during a step (two while saving a
 * checkpoint); one more thread claims and renews. Keep Keel's pool larger than the workers. {@link #close()}
 * stops claiming, lets running steps finish (up to the lease), hands every lease back at once, and is idempotent.
 * The configuration methods must be called before {@link #start()}; the runner is thread-safe after it.
 */
public interface SagaRunner extends AutoCloseable {
    /** Threads running steps (1..256, default 1). */
    SagaRunner workers(int n);

    /** How long a claim lasts without renewal (1 s .. 10 min, default 10 s). */
    SagaRunner lease(Duration lease);

    /** How often to look for runnable sagas when there was nothing to do (10 ms .. 1 min, default 250 ms). */
    SagaRunner pollInterval(Duration interval);

    /** Recoveries (claims after an expired lease) before a saga is quarantined (1..1000, default 10). */
    SagaRunner maxRecoveries(int n);

    /**
     * A test mode: runs each action (and compensation) twice, the first time inside a savepoint that is then
     * rolled back, as a crash before the commit would, and fails the step when the two runs return different
     * data. Effects outside {@link StepContext#tx()} happen twice, which shows steps that are not idempotent.
     */
    SagaRunner everyStepTwice();

    /** Starts claiming; returns this runner. */
    SagaRunner start();

    /** This runner's name as written to leases and events: host, process id and a number. */
    String owner();

    /**
     * Sagas this runner finished (completed, compensated, failed, …) since it started, counted as each final commit
     * returns. A final commit whose outcome the runner could not learn (the connection dropped during it) is not
     * counted, though the saga may well be finished; the sagas' rows say for certain.
     */
    long finished();

    /** Stops claiming, waits for running steps (up to the lease), hands every lease back. Idempotent. */
    @Override
    void close();
}
