package dev.keel.saga;

/**
 * One step of a {@link SagaDefinition}: its name (unique within the saga), its action, its compensation
 * ({@code null} when the step needs no undoing) and its options.
 *
 * @param <T> the saga's data type
 */
public record SagaStep<T>(String name, SagaAction<T> action, SagaCompensation<T> compensation, StepOptions options) {
}
