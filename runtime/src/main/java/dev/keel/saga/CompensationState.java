package dev.keel.saga;

import java.time.Instant;
import java.util.Optional;

/**
 * A compensation that ran, recorded exactly once.
 *
 * @param stepIndex the step it undid
 * @param status    {@link StepStatus#COMPLETED}, {@link StepStatus#SKIPPED} (the step had no compensation) or
 *                  {@link StepStatus#FAILED} (it kept failing; the saga is {@link SagaStatus#FAILED})
 */
public record CompensationState(int stepIndex, String name, StepStatus status, int attempts, Optional<String> error,
                                Instant completedAt) {
}
