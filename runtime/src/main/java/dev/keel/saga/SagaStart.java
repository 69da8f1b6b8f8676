package dev.keel.saga;

import dev.keel.error.InvalidInputException;
import java.util.Optional;

/**
 * How to start a saga, beyond its data: all optional.
 *
 * <pre>{@code
 * sagas.start(def, order, SagaStart.key("order-1001").transactionId("tx-77").userId("u-42"));
 * }</pre>
 *
 * @param idempotencyKey starting again with a key already used for this saga name returns the first saga's id and
 *                       stores nothing
 * @param transactionId  the business transaction the saga belongs to, stored with it for lookups and the audit
 * @param userId         the user on whose behalf it runs
 */
public record SagaStart(Optional<String> idempotencyKey, Optional<String> transactionId, Optional<String> userId) {
    private static final SagaStart NONE = new SagaStart(Optional.empty(), Optional.empty(), Optional.empty());

    /** Each value, when present, is 1 to 200 characters; else an {@link InvalidInputException} naming it. */
    public SagaStart {
        check(idempotencyKey, "idempotencyKey");
        check(transactionId, "transactionId");
        check(userId, "userId");
    }

    /** No key, transaction or user. */
    public static SagaStart defaults() {
        return NONE;
    }

    /** Starts once per {@code idempotencyKey} and saga name. */
    public static SagaStart key(String idempotencyKey) {
        return NONE.idempotencyKey(idempotencyKey);
    }

    public SagaStart idempotencyKey(String key) {
        return new SagaStart(Optional.ofNullable(key), transactionId, userId);
    }

    public SagaStart transactionId(String id) {
        return new SagaStart(idempotencyKey, Optional.ofNullable(id), userId);
    }

    public SagaStart userId(String id) {
        return new SagaStart(idempotencyKey, transactionId, Optional.ofNullable(id));
    }

    private static void check(Optional<String> value, String field) {
        if (value == null) {
            throw new InvalidInputException("must not be null; use Optional.empty()", field);
        }
        value.ifPresent(v -> {
            if (v.isEmpty() || v.length() > 200) {
                throw new InvalidInputException("must be 1 to 200 characters, was " + v.length(), field);
            }
        });
    }
}
