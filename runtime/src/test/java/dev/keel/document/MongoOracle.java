package dev.keel.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ConnectionString;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.keel.internal.document.DocumentJson;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The independent implementation the differential test compares Keel with: mongo-java-server's in-memory backend,
 * spoken to through the MongoDB Java driver. Also the one normal form both sides' documents are compared in
 * (numbers as numbers, so 2 and 2.0 are equal).
 */
final class MongoOracle implements AutoCloseable {
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
    private final MongoServer server;
    private final MongoClient client;
    final MongoCollection<Document> collection;

    MongoOracle() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress a = server.bind();
        client = MongoClients.create(new ConnectionString("mongodb://" + a.getHostString() + ":" + a.getPort()));
        collection = client.getDatabase("keel").getCollection("docs");
    }

    void insert(List<String> docs) {
        List<Document> all = new ArrayList<>();
        docs.forEach(d -> all.add(Document.parse(d)));
        collection.insertMany(all);
    }

    List<JsonNode> find(String filter, String sort, String projection, int skip, int limit) {
        FindIterable<Document> it = collection.find(Document.parse(filter));
        Document s = sort == null ? new Document() : Document.parse(sort);
        if (!s.containsKey("_id")) {
            s.append("_id", 1); // Keel's documented tie-break
        }
        it = it.sort(s).skip(skip).limit(limit);
        if (projection != null) {
            it = it.projection(Document.parse(projection));
        }
        List<JsonNode> out = new ArrayList<>();
        for (Document d : it) {
            out.add(normal(DocumentJson.parse(d.toJson(RELAXED), "mongo")));
        }
        return out;
    }

    /** Numbers as plain BigDecimals without trailing zeros, recursively; key order does not matter to equals. */
    static JsonNode normal(JsonNode n) {
        if (n.isNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            return JsonNodeFactory.instance.numberNode(d.scale() < 0 ? d.setScale(0) : d);
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.forEach(c -> a.add(normal(c)));
            return a;
        }
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                o.set(e.getKey(), normal(e.getValue()));
            }
            return o;
        }
        return n;
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
