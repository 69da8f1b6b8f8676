package dev.keel.internal.document;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.error.InvalidInputException;
import java.util.Iterator;
import java.util.Map;

/**
 * Parsing, validation and mapping of documents and of the JSON of filters, sorts, projections and updates.
 * Thread-safe.
 */
public final class DocumentJson {
    /** MongoDB's limit, and far below PostgreSQL's 255 MB for one jsonb value. */
    public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
    static final int MAX_NESTING = 100;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING).maxStringLength(MAX_DOCUMENT_BYTES).build());
    }

    /**
     * For documents read back from jsonb, which already holds no duplicate keys: the same mapper without the
     * duplicate check, which costs a set lookup per field.
     */
    private static final com.fasterxml.jackson.databind.ObjectReader STORED = MAPPER.reader()
            .without(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DocumentJson() {
    }

    /** A document as PostgreSQL returns it from a jsonb column: known to be one JSON object. */
    static ObjectNode parseStored(String json) {
        try {
            return (ObjectNode) STORED.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("stored document is not a JSON object", e);
        }
    }

    /** Parses {@code json}; anything but one well-formed JSON value is an InvalidInputException naming {@code what}. */
    public static JsonNode parse(String json, String what) {
        if (json == null) {
            throw new InvalidInputException("must not be null", what);
        }
        if (json.length() > MAX_DOCUMENT_BYTES) {
            throw new InvalidInputException("is larger than " + MAX_DOCUMENT_BYTES + " characters", what);
        }
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new InvalidInputException("is empty, expected a JSON object", what);
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("is not valid JSON: " + e.getOriginalMessage(), what);
        }
    }

    public static ObjectNode parseObject(String json, String what) {
        JsonNode n = parse(json, what);
        if (!n.isObject()) {
            throw new InvalidInputException("must be a JSON object, was " + n.getNodeType(), what);
        }
        return (ObjectNode) n;
    }

    /** A value of any mapped type as a JSON object (a String is parsed as JSON, a JsonNode taken as it is). */
    public static ObjectNode toObject(Object doc, String what) {
        if (doc == null) {
            throw new InvalidInputException("document must not be null", what);
        }
        JsonNode n;
        if (doc instanceof String s) {
            n = parse(s, what);
        } else if (doc instanceof JsonNode j) {
            n = j;
        } else {
            try {
                n = MAPPER.valueToTree(doc);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("cannot be written as JSON: " + e.getMessage(), what);
            }
        }
        if (n == null || !n.isObject()) {
            throw new InvalidInputException("a document must be a JSON object, was "
                    + (n == null ? "null" : n.getNodeType()), what);
        }
        return (ObjectNode) n;
    }

    /**
     * Checks what PostgreSQL or MongoDB would refuse, so it is refused before any SQL: field names starting with
     * {@code $} or containing {@code .} or NUL, NUL characters in strings, nesting deeper than 100, and a text
     * larger than {@link #MAX_DOCUMENT_BYTES}. Returns the JSON text.
     */
    public static String checkedText(ObjectNode doc, String what) {
        check(doc, what, 0);
        String text;
        try {
            text = MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("cannot be written as JSON: " + e.getOriginalMessage(), what);
        }
        if (text.length() > MAX_DOCUMENT_BYTES) {
            throw new InvalidInputException("document is larger than " + MAX_DOCUMENT_BYTES + " bytes ("
                    + text.length() + ")", what);
        }
        return text;
    }

    private static void check(JsonNode n, String what, int depth) {
        if (depth > MAX_NESTING) {
            throw new InvalidInputException("document nests deeper than " + MAX_NESTING + " levels", what);
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                if (k.startsWith("$") || k.contains(".") || k.indexOf('\0') >= 0) {
                    throw new InvalidInputException("field name '" + DocPath.abbreviate(k.replace("\0", "\\u0000"))
                            + "' is not allowed in a document (no '$' prefix, '.' or NUL)", what);
                }
                check(e.getValue(), what, depth + 1);
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                check(c, what, depth + 1);
            }
        } else if (n.isTextual() && n.textValue().indexOf('\0') >= 0) {
            throw new InvalidInputException("strings must not contain NUL (\\u0000), which PostgreSQL's jsonb "
                    + "cannot store", what);
        }
    }

    public static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static <T> T map(JsonNode n, Class<T> type) {
        if (type == JsonNode.class || type == ObjectNode.class) {
            return (T) n;
        }
        if (type == String.class) {
            return (T) write(n);
        }
        try {
            return MAPPER.treeToValue(n, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidInputException("cannot be read as " + type.getSimpleName() + ": " + e.getMessage(),
                    "document");
        }
    }
}
