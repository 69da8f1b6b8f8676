package dev.keel.saga;

import dev.keel.error.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A named, ordered list of steps over one piece of data of type {@code T}, mapped to JSON by Jackson.
 *
 * <pre>{@code
 * SagaDefinition<Order> def = SagaDefinition.builder("order", Order.class)
 *         .step("reserve", Stock::reserve, Stock::release)
 *         .step("charge", Payments::charge, Payments::refund, StepOptions.defaults().attempts(5))
 *         .deadline(Duration.ofMinutes(10))
 *         .build();
 * }</pre>
 *
 * <p>The name identifies the saga kind in the database: a runner for a definition runs every saga started under its
 * name, so every process sharing the database must give a name the same steps in the same order. A saga stored
 * with a different number of steps than its definition has is quarantined rather than run. Immutable and
 * thread-safe once built.
 *
 * @param <T> the saga's data type
 */
public final class SagaDefinition<T> {
    /** The largest data, step output or checkpoint accepted by default, as JSON: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

    private final String name;
    private final Class<T> dataType;
    private final List<SagaStep<T>> steps;
    private final Duration deadline;
    private final int maxPayloadBytes;

    private SagaDefinition(Builder<T> b) {
        this.name = b.name;
        this.dataType = b.dataType;
        this.steps = List.copyOf(b.steps);
        this.deadline = b.deadline;
        this.maxPayloadBytes = b.maxPayloadBytes;
    }

    /**
     * A builder for a saga kind.
     *
     * @param name     1 to 200 characters, no NUL
     * @param dataType the data's class; Jackson must be able to write and read it
     */
    public static <T> Builder<T> builder(String name, Class<T> dataType) {
        return new Builder<>(name, dataType);
    }

    public String name() {
        return name;
    }

    public Class<T> dataType() {
        return dataType;
    }

    public List<SagaStep<T>> steps() {
        return steps;
    }

    /** How long after its start a saga may run before it times out, if limited. */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(deadline);
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    @Override
    public String toString() {
        return "saga " + name + " " + steps.stream().map(SagaStep::name).toList();
    }

    /** Collects steps; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder<T> {
        private final String name;
        private final Class<T> dataType;
        private final List<SagaStep<T>> steps = new ArrayList<>();
        private StepOptions defaults = StepOptions.defaults();
        private Duration deadline;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

        private Builder(String name, Class<T> dataType) {
            this.name = checkName(name, "saga name");
            this.dataType = Objects.requireNonNull(dataType, "dataType");
        }

        /** Options for the steps added after this call that give none of their own. */
        public Builder<T> stepOptions(StepOptions options) {
            this.defaults = Objects.requireNonNull(options, "options");
            return this;
        }

        /** A step without compensation. */
        public Builder<T> step(String stepName, SagaAction<T> action) {
            return step(stepName, action, null, defaults);
        }

        public Builder<T> step(String stepName, SagaAction<T> action, SagaCompensation<T> compensation) {
            return step(stepName, action, compensation, defaults);
        }

        public Builder<T> step(String stepName, SagaAction<T> action, SagaCompensation<T> compensation,
                               StepOptions options) {
            steps.add(new SagaStep<>(checkName(stepName, "step name"), Objects.requireNonNull(action, "action"),
                    compensation, Objects.requireNonNull(options, "options")));
            return this;
        }

        /** How long after its start a saga may run; past it, the saga is compensated and ends TIMED_OUT. */
        public Builder<T> deadline(Duration afterStart) {
            if (afterStart != null && (afterStart.isNegative() || afterStart.isZero())) {
                throw new InvalidInputException("must be positive, was " + afterStart, "deadline");
            }
            this.deadline = afterStart;
            return this;
        }

        /** The largest data, step output or checkpoint accepted, as JSON bytes (1 KiB .. 64 MiB). */
        public Builder<T> maxPayloadBytes(int bytes) {
            if (bytes < 1024 || bytes > 64 << 20) {
                throw new InvalidInputException("must be 1024..67108864, was " + bytes, "maxPayloadBytes");
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * The definition.
         *
         * @throws InvalidInputException when there is no step, more than 1000, or two share a name
         */
        public SagaDefinition<T> build() {
            if (steps.isEmpty() || steps.size() > 1000) {
                throw new InvalidInputException("saga " + name + " must have 1..1000 steps, has " + steps.size(),
                        "steps");
            }
            Set<String> seen = new HashSet<>();
            for (SagaStep<T> s : steps) {
                if (!seen.add(s.name())) {
                    throw new InvalidInputException("saga " + name + " has two steps named '" + s.name() + "'",
                            "step name");
                }
            }
            return new SagaDefinition<>(this);
        }

        private static String checkName(String value, String what) {
            if (value == null || value.isEmpty() || value.length() > 200 || value.indexOf('\0') >= 0) {
                throw new InvalidInputException("must be 1 to 200 characters without NUL, was "
                        + (value == null ? "null" : "'" + value + "'"), what);
            }
            return value;
        }
    }
}
