package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.document.DocumentId;
import dev.keel.document.DocumentService;
import dev.keel.document.DocumentStore;
import dev.keel.document.Query;
import dev.keel.error.InvalidInputException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link DocumentService} on the collections of a {@link DocumentStore}. */
final class PgDocumentService implements DocumentService {
    private final DocumentStore store;

    PgDocumentService(DocumentStore store) {
        this.store = store;
    }

    @Override
    public String create(String collection, JsonNode json) {
        return store.collection(collection).insertOne(json);
    }

    @Override
    public Optional<JsonNode> read(String documentId) {
        DocumentId id = DocumentId.parse(documentId);
        return store.collection(id.collection()).findById(id.id());
    }

    @Override
    public boolean update(String documentId, JsonNode patch) {
        DocumentId id = DocumentId.parse(documentId);
        if (patch == null || !patch.isObject()) {
            throw new InvalidInputException("a merge patch must be a JSON object", "patch");
        }
        ObjectNode set = DocumentJson.MAPPER.createObjectNode();
        ObjectNode unset = DocumentJson.MAPPER.createObjectNode();
        flatten("", patch, set, unset);
        ObjectNode update = DocumentJson.MAPPER.createObjectNode();
        if (!set.isEmpty()) {
            update.set("$set", set);
        }
        if (!unset.isEmpty()) {
            update.set("$unset", unset);
        }
        String filter = DocumentJson.write(DocumentJson.MAPPER.createObjectNode().put("_id", id.id()));
        if (update.isEmpty()) {
            return store.collection(id.collection()).count(filter) > 0;
        }
        return store.collection(id.collection()).updateOne(filter, DocumentJson.write(update)).matched() > 0;
    }

    /** A merge patch as $set and $unset of dotted paths. */
    private static void flatten(String prefix, JsonNode patch, ObjectNode set, ObjectNode unset) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("_id")) {
                throw new InvalidInputException("_id cannot be changed", "patch");
            }
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isNull()) {
                unset.put(path, "");
            } else if (e.getValue().isObject() && !e.getValue().isEmpty()) {
                flatten(path, e.getValue(), set, unset);
            } else {
                set.set(path, e.getValue());
            }
        }
    }

    @Override
    public boolean delete(String documentId) {
        DocumentId id = DocumentId.parse(documentId);
        String filter = DocumentJson.write(DocumentJson.MAPPER.createObjectNode().put("_id", id.id()));
        return store.collection(id.collection()).deleteOne(filter) > 0;
    }

    @Override
    public List<JsonNode> query(String collection, String filter, Map<String, ?> params) {
        JsonNode bound = bind(DocumentJson.parse(filter, "filter"), params == null ? Map.of() : params);
        return store.collection(collection).findJson(Query.filter(DocumentJson.write(bound)).sort("{\"_id\": 1}"));
    }

    private static JsonNode bind(JsonNode n, Map<String, ?> params) {
        if (n.isObject() && n.size() == 1 && n.has("$param")) {
            String name = n.get("$param").asText();
            if (!params.containsKey(name)) {
                throw new InvalidInputException("no value given for parameter '" + DocPath.abbreviate(name) + "'",
                        "params");
            }
            return DocumentJson.MAPPER.valueToTree(params.get(name));
        }
        if (n.isObject()) {
            ObjectNode o = DocumentJson.MAPPER.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), bind(e.getValue(), params)));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = DocumentJson.MAPPER.createArrayNode();
            n.forEach(c -> a.add(bind(c, params)));
            return a;
        }
        return n;
    }
}
