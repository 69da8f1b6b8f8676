package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.document.CollectionOptions;
import dev.keel.document.DocumentId;
import dev.keel.error.InvalidInputException;

/**
 * A document checked and ready to store: its id (its own string {@code _id} or a new UUIDv7), its JSON without
 * {@code _id} (which lives in the id column), and its data subject.
 */
record PreparedDocument(String id, String json, String subject, boolean ownId) {

    static PreparedDocument of(Object document, CollectionOptions options) {
        ObjectNode doc = DocumentJson.toObject(document, "document").deepCopy();
        JsonNode given = doc.remove("_id");
        String id;
        boolean own = given != null;
        if (given == null || given.isNull()) {
            id = UuidV7.next().toString();
            own = false;
        } else if (given.isTextual()) {
            id = given.textValue();
            DocumentId.checkId(id);
            if (options.isPartitionedByMonth()) {
                checkMonthlyId(id);
            }
        } else {
            throw new InvalidInputException("must be a string when given, was " + given.getNodeType(), "_id");
        }
        checkScalars(doc, options);
        String json = DocumentJson.checkedText(doc, "document");
        return new PreparedDocument(id, json, subjectOf(doc, options), own);
    }

    /** Refuses an id of a collection partitioned by month that is not a UUIDv7 (whose time is its created_at). */
    static void checkMonthlyId(String id) {
        if (UuidV7.millis(id) < 0) {
            throw new InvalidInputException("'" + DocPath.abbreviate(id) + "' is not a UUIDv7 in lower case: a "
                    + "collection partitioned by month takes no other ids, since the id's time is its created_at",
                    "_id");
        }
    }

    /**
     * Refuses an array at a path declared scalar, before any SQL, where it is reached through objects alone; one
     * reached through an array of objects is left to the table's CHECK constraint.
     */
    static void checkScalars(JsonNode doc, CollectionOptions options) {
        for (CollectionOptions.Index i : options.indexes()) {
            if (!i.scalar()) {
                continue;
            }
            JsonNode at = doc;
            for (String segment : i.path().split("\\.")) {
                at = at.isObject() ? at.get(segment) : null;
                if (at == null) {
                    break;
                }
            }
            if (at != null && at.isArray()) {
                throw new InvalidInputException("'" + i.path() + "' is declared a scalar index path, so it cannot "
                        + "hold an array", "document");
            }
        }
    }

    static String subjectOf(JsonNode doc, CollectionOptions options) {
        if (options.subjectField() == null) {
            return null;
        }
        JsonNode s = doc.get(options.subjectField());
        if (s == null || s.isNull() || s.isContainerNode()) {
            return null;
        }
        return s.isTextual() ? s.textValue() : s.asText();
    }
}
