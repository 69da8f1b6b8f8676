package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the same generated operations against Keel and against mongo-java-server (an independent MongoDB
 * implementation, in memory) and requires equal results: hundreds of filters, sorts, projections and updates
 * over generated documents with nested objects, arrays, nulls, missing fields and mixed number types.
 */
@KeelTest
class DocumentDifferentialIT {
    private static final int DOCUMENTS = 300;
    static Keel keel;
    static DocumentStore docs;
    /** The paths of the generated documents that never hold an array, declared scalar on the second collection. */
    static final CollectionOptions SCALAR = CollectionOptions.defaults().scalarIndex("n").scalarIndex("s")
            .scalarIndex("b").scalarIndex("o.y").scalarIndex("o.z.w");
    /**
     * Plain indexes on the generated paths, arrays included: a find with a limit and an equality on one of them
     * runs as two halves (no array at the path, an array there), which must give MongoDB's result and order.
     */
    static final CollectionOptions INDEXED = CollectionOptions.defaults().index("n").index("s").index("b")
            .index("arr").index("tags").index("o.x").index("objs.k").index("objs.v");
    DocumentCollection<JsonNode> keelSide;
    /** The same documents with {@link #SCALAR}: filters on those paths compile without the array rule. */
    DocumentCollection<JsonNode> scalarSide;
    DocumentCollection<JsonNode> indexedSide;
    MongoOracle mongo;

    @BeforeAll
    static void start(TestDatabase db) {
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).build();
        docs = keel.documents();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void load() {
        docs.drop("diff");
        keelSide = docs.collection("diff");
        QueryGenerator gen = new QueryGenerator(42);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            all.add(gen.document(i));
        }
        keelSide.insertMany(all.stream().map(d -> DocumentCollectionIT.json(d)).toList());
        docs.drop("diff_scalar");
        scalarSide = docs.collection("diff_scalar", JsonNode.class, SCALAR);
        scalarSide.insertMany(all.stream().map(d -> DocumentCollectionIT.json(d)).toList());
        docs.drop("diff_indexed");
        indexedSide = docs.collection("diff_indexed", JsonNode.class, INDEXED);
        indexedSide.insertMany(all.stream().map(d -> DocumentCollectionIT.json(d)).toList());
        mongo = new MongoOracle();
        mongo.insert(all);
    }

    @org.junit.jupiter.api.AfterEach
    void closeMongo() {
        mongo.close();
    }

    private List<JsonNode> keel(String filter, String sort, String projection, int skip, int limit) {
        return keel(keelSide, filter, sort, projection, skip, limit);
    }

    private static List<JsonNode> keel(DocumentCollection<JsonNode> side, String filter, String sort,
                                       String projection, int skip, int limit) {
        Query q = Query.filter(filter).skip(skip).limit(limit);
        if (sort != null) {
            q = q.sort(sort);
        }
        if (projection != null) {
            q = q.projection(projection);
        }
        return side.findJson(q).stream().map(MongoOracle::normal).toList();
    }

    private static List<String> ids(List<JsonNode> docs) {
        return docs.stream().map(d -> d.path("_id").asText()).toList();
    }

    @Test
    void generatedFiltersMatchTheSameDocuments() {
        QueryGenerator gen = new QueryGenerator(7);
        int nonEmpty = 0;
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String f = gen.filter();
            List<String> expected = ids(mongo.find(f, null, null, 0, 0));
            List<String> got = ids(keel(f, null, null, 0, 0));
            if (!got.equals(expected)) {
                List<String> onlyMongo = new ArrayList<>(expected);
                onlyMongo.removeAll(got);
                List<String> onlyKeel = new ArrayList<>(got);
                onlyKeel.removeAll(expected);
                wrong.add(f + "\n   only mongo: " + docsOf(onlyMongo) + "\n   only keel: " + docsOf(onlyKeel));
                continue;
            }
            assertThat(keelSide.count(f)).as("count %s", f).isEqualTo(expected.size());
            assertThat(ids(keel(scalarSide, f, null, null, 0, 0))).as("with scalar paths: %s", f).isEqualTo(expected);
            if (!expected.isEmpty() && expected.size() < DOCUMENTS) {
                nonEmpty++;
            }
        }
        assertThat(wrong).as("filters whose results differ").isEmpty();
        assertThat(nonEmpty).as("filters that select some but not all documents").isGreaterThan(200);
    }

    private String docsOf(List<String> ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids.subList(0, Math.min(3, ids.size()))) {
            out.add(keelSide.findById(id).map(JsonNode::toString).orElse(id));
        }
        return ids.size() + " " + out;
    }

    @Test
    void generatedSortsWithSkipAndLimitGiveTheSameOrder() {
        QueryGenerator gen = new QueryGenerator(11);
        for (int i = 0; i < 120; i++) {
            String f = i % 3 == 0 ? "{}" : gen.filter();
            String s = gen.sort();
            int skip = gen.nextInt(3) == 0 ? gen.nextInt(20) : 0;
            int limit = gen.nextInt(2) == 0 ? 1 + gen.nextInt(30) : 0;
            List<String> expected = ids(mongo.find(f, s, null, skip, limit));
            assertThat(ids(keel(f, s, null, skip, limit))).as("filter %s sort %s skip %d limit %d", f, s, skip, limit)
                    .isEqualTo(expected);
            assertThat(ids(keel(scalarSide, f, s, null, skip, limit))).as("with scalar paths: filter %s sort %s",
                    f, s).isEqualTo(expected);
        }
    }

    @Test
    void generatedFiltersWithALimitOnPlainIndexesGiveTheSameOrder() {
        QueryGenerator gen = new QueryGenerator(13);
        int split = 0;
        for (int i = 0; i < 400; i++) {
            String f = i % 2 == 0 ? gen.filter() : gen.equalityFilter();
            String s = i % 4 < 2 ? null : gen.sort();
            int skip = gen.nextInt(4) == 0 ? gen.nextInt(10) : 0;
            int limit = 1 + gen.nextInt(30);
            List<String> expected = ids(mongo.find(f, s, null, skip, limit));
            assertThat(ids(keel(indexedSide, f, s, null, skip, limit)))
                    .as("plain indexes: filter %s sort %s skip %d limit %d", f, s, skip, limit).isEqualTo(expected);
            if (explain(f).stream().anyMatch(l -> l.contains("Append"))) {
                split++;
            }
        }
        assertThat(split).as("finds run as two halves").isGreaterThan(150);
    }

    private List<String> explain(String filter) {
        return dev.keel.internal.document.QueryPlan.explain(keel.dataSource(), "diff_indexed", INDEXED,
                Query.filter(filter).limit(10), false);
    }

    @Test
    void generatedProjectionsGiveTheSameDocuments() {
        QueryGenerator gen = new QueryGenerator(13);
        for (int i = 0; i < 60; i++) {
            String f = gen.simpleFilter();
            String p = gen.projection();
            assertThat(keel(f, "{\"_id\": 1}", p, 0, 0)).as("filter %s projection %s", f, p)
                    .isEqualTo(mongo.find(f, "{\"_id\": 1}", p, 0, 0));
        }
    }

    @Test
    void generatedUpdatesLeaveTheSameDocuments() {
        QueryGenerator gen = new QueryGenerator(17);
        for (int i = 0; i < 120; i++) {
            String[] fu = gen.update();
            boolean one = gen.nextInt(3) == 0;
            UpdateResult k;
            com.mongodb.client.result.UpdateResult m;
            if (one) {
                k = keelSide.updateOne(fu[0], fu[1]);
                m = mongo.collection.updateOne(org.bson.Document.parse(fu[0]), org.bson.Document.parse(fu[1]));
            } else {
                k = keelSide.updateMany(fu[0], fu[1]);
                m = mongo.collection.updateMany(org.bson.Document.parse(fu[0]), org.bson.Document.parse(fu[1]));
            }
            String what = (one ? "updateOne " : "updateMany ") + fu[0] + " " + fu[1];
            assertThat(k.matched()).as("matched by %s", what).isEqualTo(m.getMatchedCount());
            assertThat(keel("{}", "{\"_id\": 1}", null, 0, 0)).as("documents after %s", what)
                    .isEqualTo(mongo.find("{}", "{\"_id\": 1}", null, 0, 0));
            assertThat(k.modified()).as("modified by %s", what).isEqualTo(m.getModifiedCount());
        }
    }

    @Test
    void anUpdateThatFailsOnOneDocumentChangesNone() {
        keelSide.insertOne(DocumentCollectionIT.json("{\"_id\": \"zz\", \"n\": \"text\"}"));
        long before = keelSide.count("{\"n\": {\"$type\": \"number\"}}");
        List<JsonNode> all = keel("{}", null, null, 0, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> keelSide.updateMany("{}", "{\"$inc\": {\"n\": 1}}"))
                .isInstanceOf(KeelException.class).hasMessageContaining("not a number");
        assertThat(keel("{}", null, null, 0, 0)).isEqualTo(all);
        assertThat(keelSide.count("{\"n\": {\"$type\": \"number\"}}")).isEqualTo(before);
    }
}
