package dev.keel.saga;

import java.time.Instant;
import java.util.Optional;

/**
 * One step of a stored saga.
 *
 * @param index    0-based position
 * @param attempts attempts started so far
 * @param error    the last failure, if any
 */
public record StepState(int index, String name, StepStatus status, int attempts, Optional<String> error,
                        Optional<Instant> completedAt) {
}
