package dev.keel.saga;

/**
 * Where a saga stands. Runnable: {@link #CREATED}, {@link #EXECUTING}, {@link #COMPENSATING}. Finished (never
 * change again, and {@link SagaStore#cleanup} may remove them): {@link #COMPLETED}, {@link #COMPENSATED},
 * {@link #FAILED}, {@link #CANCELLED}, {@link #TIMED_OUT}. {@link #PAUSED} waits for {@link SagaStore#resume}.
 */
public enum SagaStatus {
    /** Started, no step has run yet. */
    CREATED,
    /** Running its steps forward. */
    EXECUTING,
    /** Undoing its completed steps, newest first, after a step failed, a timeout or a cancel. */
    COMPENSATING,
    /** Every step completed. */
    COMPLETED,
    /** A step failed for good, and every completed step was compensated. */
    COMPENSATED,
    /** A compensation kept failing; the cause is in {@link SagaState#error()}. Needs a person. */
    FAILED,
    /** Held by {@link SagaStore#pause}; no runner touches it until {@link SagaStore#resume}. */
    PAUSED,
    /** Cancelled by {@link SagaStore#cancel}, and its completed steps were compensated. */
    CANCELLED,
    /** Its deadline or a step's timeout passed, and its completed steps were compensated. */
    TIMED_OUT;

    /** Whether the saga is finished and will never change again. */
    public boolean isFinished() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED || this == CANCELLED || this == TIMED_OUT;
    }
}
