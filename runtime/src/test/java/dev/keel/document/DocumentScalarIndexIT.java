package dev.keel.document;

import static dev.keel.document.DocumentCollectionIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.error.ConstraintViolationException;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.document.QueryPlan;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths declared with {@link CollectionOptions#scalarIndex}: equality with a limit reads the index in id order (no
 * sort, no combined index scans), and no array can be stored there by insert, update or replace.
 */
@KeelTest
class DocumentScalarIndexIT {
    static final CollectionOptions SCALAR = CollectionOptions.defaults().scalarIndex("type").scalarIndex("m.k");
    static final CollectionOptions PLAIN = CollectionOptions.defaults().index("type").index("m.k");
    static Keel keel;
    static TestDatabase db;
    static DocumentCollection<JsonNode> scalar;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(2).build();
        scalar = keel.documents().collection("scalar", JsonNode.class, SCALAR);
        DocumentCollection<JsonNode> plain = keel.documents().collection("plain", JsonNode.class, PLAIN);
        List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            batch.add(json("{\"_id\": \"k" + (100_000 + i) + "\", \"type\": \"t" + (i % 50) + "\", \"m\": {\"k\": "
                    + (i % 100) + "}}"));
        }
        scalar.insertMany(batch);
        plain.insertMany(batch);
        db.execute("ANALYZE keel_docs.scalar");
        db.execute("ANALYZE keel_docs.plain");
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static String plan(String collection, CollectionOptions options, Query q) {
        return String.join("\n", QueryPlan.explain(keel.dataSource(), collection, options, q, false));
    }

    @ParameterizedTest(name = "{0} with limit 20 reads the index in order")
    @ValueSource(strings = {"{\"type\": \"t7\"}", "{\"type\": {\"$eq\": \"t7\"}}", "{\"m.k\": 42}"})
    void equalityWithALimitReadsTheScalarIndexInIdOrder(String filter) {
        String plan = plan("scalar", SCALAR, Query.filter(filter).limit(20));
        assertThat(plan).as(plan).contains("Index Scan").contains("Index Cond").doesNotContain("Sort")
                .doesNotContain("BitmapOr").doesNotContain("Seq Scan");
    }

    @Test
    void withoutTheDeclarationTheArrayRuleKeepsItsSecondArm() {
        String plan = plan("plain", PLAIN, Query.filter("{\"type\": \"t7\"}").limit(20));
        assertThat(plan).as(plan).matches("(?s).*(Sort|Filter).*");
    }

    @Test
    void rangeAndSortReadTheScalarIndexInOrder() {
        String plan = plan("scalar", SCALAR, Query.filter("{\"m.k\": {\"$gte\": 90}}").sort("{\"m.k\": 1}")
                .limit(20));
        assertThat(plan).as(plan).contains("Index Cond").doesNotContain("  Sort  ").doesNotContain("Seq Scan");
    }

    @Test
    void resultsAreThoseOfThePlainCollection() {
        DocumentCollection<JsonNode> plain = keel.documents().collection("plain", JsonNode.class, PLAIN);
        for (String f : List.of("{\"type\": \"t7\"}", "{\"type\": {\"$in\": [\"t1\", \"t2\"]}}",
                "{\"m.k\": {\"$gt\": 97}}", "{\"type\": {\"$ne\": \"t3\"}, \"m.k\": {\"$lt\": 5}}",
                "{\"type\": {\"$exists\": false}}", "{\"m.k\": {\"$size\": 1}}")) {
            Query q = Query.filter(f).sort("{\"m.k\": -1}").limit(30);
            assertThat(scalar.findJson(q)).as(f).isEqualTo(plain.findJson(q));
            assertThat(scalar.count(f)).as(f).isEqualTo(plain.count(f));
        }
    }

    @Test
    void anArrayAtAScalarPathIsRefusedAndNothingChanges() {
        long before = scalar.count("{}");
        assertThatThrownBy(() -> scalar.insertOne(json("{\"_id\": \"bad1\", \"type\": [\"t1\"]}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'type'");
        assertThatThrownBy(() -> scalar.insertOne(json("{\"_id\": \"bad2\", \"m\": {\"k\": [1, 2]}}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'m.k'");
        // reached through an array of objects: the table's CHECK constraint refuses it
        assertThatThrownBy(() -> scalar.insertOne(json("{\"_id\": \"bad3\", \"m\": [{\"k\": 1}]}")))
                .isInstanceOf(ConstraintViolationException.class);
        assertThatThrownBy(() -> scalar.updateMany("{\"type\": \"t1\"}", "{\"$set\": {\"type\": [\"t1\"]}}"))
                .isInstanceOf(ConstraintViolationException.class);
        assertThatThrownBy(() -> scalar.updateOne("{\"type\": \"t2\"}", "{\"$set\": {\"m\": [{\"k\": 3}]}}"))
                .isInstanceOf(ConstraintViolationException.class);
        assertThatThrownBy(() -> scalar.replaceOne("{\"_id\": \"k100003\"}", json("{\"type\": [1]}")))
                .isInstanceOf(InvalidInputException.class);
        assertThat(scalar.count("{}")).isEqualTo(before);
        assertThat(scalar.count("{\"type\": \"t1\"}")).isEqualTo(100);
        assertThat(scalar.findById("k100003").orElseThrow().path("type").asText()).isEqualTo("t3");
    }

    @Test
    void declaringAScalarPathOverStoredArraysFails() {
        DocumentCollection<JsonNode> mixed = keel.documents().collection("mixed", JsonNode.class,
                CollectionOptions.defaults().index("type"));
        mixed.insertOne(json("{\"_id\": \"a\", \"type\": [\"x\"]}"));
        assertThatThrownBy(() -> keel.documents().collection("mixed", JsonNode.class,
                CollectionOptions.defaults().scalarIndex("type"))).isInstanceOf(ConstraintViolationException.class);
        assertThat(keel.documents().collection("mixed").count("{\"type\": \"x\"}")).isEqualTo(1);
    }

    @Test
    void theDeclarationSurvivesInTheCatalog() {
        DocumentCollection<JsonNode> again = keel.documents().collection("scalar");
        assertThatThrownBy(() -> again.insertOne(json("{\"type\": [2]}"))).isInstanceOf(InvalidInputException.class);
    }
}
