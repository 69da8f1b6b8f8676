package dev.keel.internal.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.keel.KeelException;
import dev.keel.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import org.jooq.JSONB;

/** Saga data, step outputs and checkpoints to and from JSON, with the size limit checked. Thread-safe. */
final class SagaJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SagaJson() {
    }

    /**
     * {@code value} as JSONB, checked to read back as {@code type}.
     *
     * @throws InvalidInputException naming {@code what} when Jackson cannot write or read it, or it is too large
     */
    static JSONB write(Object value, Class<?> type, int maxBytes, String what) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidInputException("Jackson cannot write " + describe(value) + ": " + e.getMessage(), what);
        }
        if (bytes.length > maxBytes) {
            throw new InvalidInputException("is " + bytes.length + " bytes as JSON, more than the " + maxBytes
                    + " allowed", what);
        }
        if (type != null && value != null) {
            try {
                MAPPER.readValue(bytes, type);
            } catch (java.io.IOException | RuntimeException e) {
                throw new InvalidInputException("Jackson cannot read " + type.getName() + " back from its JSON: "
                        + e.getMessage(), what);
            }
        }
        return JSONB.valueOf(new String(bytes, StandardCharsets.UTF_8));
    }

    static <T> T read(JSONB json, Class<T> type) {
        try {
            return MAPPER.readValue(json == null ? "null" : json.data(), type);
        } catch (JsonProcessingException e) {
            throw new KeelException("saga data cannot be read as " + type.getName() + ": " + e.getMessage(), null, e);
        }
    }

    static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
