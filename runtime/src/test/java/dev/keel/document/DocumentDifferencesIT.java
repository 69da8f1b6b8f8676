package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins each behaviour the README lists under "Differences from MongoDB", and Keel's behaviour in the cases the
 * differential test leaves out because mongo-java-server departs from MongoDB there.
 */
@KeelTest
class DocumentDifferencesIT {
    static Keel keel;
    DocumentCollection<JsonNode> c;

    @BeforeAll
    static void start(TestDatabase db) {
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void fresh() {
        keel.documents().drop("diffs");
        c = keel.documents().collection("diffs");
    }

    private void docs(String... json) {
        for (String j : json) {
            c.insertOne(DocumentCollectionIT.json(j));
        }
    }

    private List<String> ids(String filter) {
        return c.findJson(Query.filter(filter)).stream().map(d -> d.get("_id").asText()).toList();
    }

    @Test
    void embeddedDocumentEqualityIgnoresKeyOrder() {
        docs("{\"_id\": \"1\", \"o\": {\"x\": 4, \"y\": \"q\"}}");
        assertThat(ids("{\"o\": {\"y\": \"q\", \"x\": 4}}")).containsExactly("1"); // MongoDB: no match
    }

    @Test
    void sortingByAnArrayFieldUsesJsonbArrayOrderNotTheMinimumElement() {
        docs("{\"_id\": \"long\", \"a\": [1, 9]}", "{\"_id\": \"short\", \"a\": [5]}");
        List<String> asc = c.findJson(Query.all().sort("{\"a\": 1}")).stream().map(d -> d.get("_id").asText()).toList();
        assertThat(asc).containsExactly("short", "long"); // MongoDB sorts by the smallest element: long, short
    }

    @Test
    void numericPathSegmentsAreRefused() {
        assertThatThrownBy(() -> c.count("{\"a.0\": 1}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("numeric");
    }

    @Test
    void onlyJsonTypeNamesAreKnownToType() {
        assertThatThrownBy(() -> c.count("{\"a\": {\"$type\": \"double\"}}")).isInstanceOf(InvalidInputException.class);
        docs("{\"_id\": \"1\", \"a\": 1.5}", "{\"_id\": \"2\", \"a\": 2}");
        assertThat(ids("{\"a\": {\"$type\": \"number\"}}")).containsExactly("1", "2");
    }

    @Test
    void negationThroughArraysOfObjectsIsOfTheWholeDocumentAsInMongoDb() {
        docs("{\"_id\": \"1\", \"objs\": [{\"v\": \"a\"}, {\"v\": \"b\"}]}", "{\"_id\": \"2\", \"objs\": [{\"v\": \"c\"}]}");
        assertThat(ids("{\"objs.v\": {\"$ne\": \"a\"}}")).containsExactly("2");
        assertThat(ids("{\"objs.v\": {\"$not\": {\"$lte\": \"a\"}}}")).containsExactly("2");
        // as in MongoDB, each condition may be met by a different element; $elemMatch asks for one element
        assertThat(ids("{\"objs.v\": {\"$gte\": \"b\", \"$lt\": \"b\"}}")).containsExactly("1");
        assertThat(ids("{\"objs\": {\"$elemMatch\": {\"v\": {\"$gte\": \"b\", \"$lt\": \"b\"}}}}")).isEmpty();
    }

    @Test
    void aRangeOnAnArrayMayBeMetByDifferentElementsAsInMongoDb() {
        // mongo-java-server asks one element to meet both bounds; MongoDB does not, and neither does Keel
        docs("{\"_id\": \"1\", \"a\": [1, 5]}", "{\"_id\": \"2\", \"a\": [3]}", "{\"_id\": \"3\", \"a\": 1}");
        assertThat(ids("{\"a\": {\"$gte\": 2.5, \"$lt\": 2}}")).containsExactly("1");
        assertThat(ids("{\"a\": {\"$elemMatch\": {\"$gte\": 2.5, \"$lt\": 2}}}")).isEmpty();
        keel.documents().drop("diffs_indexed");
        c = keel.documents().collection("diffs_indexed", JsonNode.class, CollectionOptions.defaults().index("a"));
        docs("{\"_id\": \"1\", \"a\": [1, 5]}", "{\"_id\": \"2\", \"a\": [3]}", "{\"_id\": \"3\", \"a\": 1}");
        assertThat(ids("{\"a\": {\"$gte\": 2.5, \"$lt\": 2}}")).as("on index(\"a\")").containsExactly("1");
    }

    @Test
    void nullThroughAnArrayMatchesWhenNoElementHasTheField() {
        docs("{\"_id\": \"none\", \"objs\": [{\"v\": \"a\"}]}", "{\"_id\": \"some\", \"objs\": [{\"k\": 1}, {\"v\": \"a\"}]}",
                "{\"_id\": \"empty\", \"objs\": []}");
        assertThat(ids("{\"objs.k\": null}")).containsExactly("empty", "none"); // MongoDB also matches "some"
        assertThat(ids("{\"objs.k\": {\"$exists\": false}}")).containsExactly("empty", "none");
    }

    @Test
    void arrayEqualityAlsoMatchesANestedArrayAsInMongoDb() {
        docs("{\"_id\": \"1\", \"a\": [[1, 2], 3]}", "{\"_id\": \"2\", \"a\": [1, 2]}");
        assertThat(ids("{\"a\": [1, 2]}")).containsExactly("1", "2");
    }

    @Test
    void numbersAreExactDecimals() {
        docs("{\"_id\": \"1\", \"n\": 0.1}");
        c.updateOne("{}", "{\"$inc\": {\"n\": 0.2}}");
        assertThat(c.findById("1").orElseThrow().get("n").decimalValue()).isEqualByComparingTo("0.3");
    }

    @Test
    void currentDateStoresAnIsoTimestampString() {
        docs("{\"_id\": \"1\"}");
        c.updateOne("{}", "{\"$currentDate\": {\"at\": true}}");
        assertThat(c.findById("1").orElseThrow().get("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
    }

    @Test
    void updateOneAndDeleteOneTakeTheFirstMatchInIdOrder() {
        docs("{\"_id\": \"b\", \"k\": 1}", "{\"_id\": \"a\", \"k\": 1}");
        c.updateOne("{\"k\": 1}", "{\"$set\": {\"first\": true}}");
        assertThat(ids("{\"first\": true}")).containsExactly("a");
        c.deleteOne("{\"k\": 1}");
        assertThat(ids("{}")).containsExactly("b");
    }

    @Test
    void fieldNamesWithDotsOrDollarsAreRefused() {
        assertThatThrownBy(() -> docs("{\"a.b\": 1}")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> docs("{\"$a\": 1}")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void regexUsesPostgresSyntaxAndOnlyTheIOption() {
        docs("{\"_id\": \"1\", \"s\": \"Alpha\"}");
        assertThat(ids("{\"s\": {\"$regex\": \"^al\", \"$options\": \"i\"}}")).containsExactly("1");
        assertThatThrownBy(() -> c.count("{\"s\": {\"$regex\": \"a\", \"$options\": \"m\"}}"))
                .isInstanceOf(InvalidInputException.class);
    }
}
