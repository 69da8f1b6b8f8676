package dev.keel.saga;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One entry of a saga's append-only audit trail. A saga's events are numbered 1..n without gaps: each number is
 * taken under the same fenced update of the saga that records the change, in the same transaction.
 *
 * @param seq    1-based, gapless per saga
 * @param type   what happened, one of the constants of this record
 * @param status the saga's status after the event
 * @param step   the step concerned, if any
 * @param attempt the attempt concerned, if any
 * @param runner the runner that wrote it, or {@code "api"} for start, pause, resume and cancel
 * @param detail more, for example the failure's message
 */
public record SagaEvent(UUID sagaId, long seq, String type, SagaStatus status, Optional<Integer> step,
                        Optional<Integer> attempt, String runner, Optional<String> detail, Instant at) {
    public static final String CREATED = "CREATED";
    public static final String CLAIMED = "CLAIMED";
    public static final String STEP_STARTED = "STEP_STARTED";
    public static final String STEP_COMPLETED = "STEP_COMPLETED";
    public static final String STEP_RETRYING = "STEP_RETRYING";
    public static final String STEP_FAILED = "STEP_FAILED";
    public static final String STEP_TIMED_OUT = "STEP_TIMED_OUT";
    public static final String DEADLINE_PASSED = "DEADLINE_PASSED";
    public static final String CHECKPOINT = "CHECKPOINT";
    public static final String COMPENSATION_STARTED = "COMPENSATION_STARTED";
    public static final String COMPENSATION_COMPLETED = "COMPENSATION_COMPLETED";
    public static final String COMPENSATION_SKIPPED = "COMPENSATION_SKIPPED";
    public static final String COMPENSATION_RETRYING = "COMPENSATION_RETRYING";
    public static final String COMPENSATION_FAILED = "COMPENSATION_FAILED";
    public static final String FINISHED = "FINISHED";
    public static final String PAUSED = "PAUSED";
    public static final String RESUMED = "RESUMED";
    public static final String CANCELLED = "CANCELLED";
    public static final String QUARANTINED = "QUARANTINED";
}
