package dev.keel.saga;

/** Where one step (or one compensation) stands. */
public enum StepStatus {
    /** Not started. */
    PENDING,
    /** An attempt is running (or its runner died and another will run it again). */
    EXECUTING,
    /** Done: for a step, its work committed together with this status, exactly once. */
    COMPLETED,
    /** Failed for good, after its last attempt. */
    FAILED,
    /** Not run: a compensation of a step that has none. */
    SKIPPED,
    /** An attempt failed; another will run after the backoff. */
    RETRYING
}
