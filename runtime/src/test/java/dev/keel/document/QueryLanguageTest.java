package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.error.InvalidInputException;
import dev.keel.internal.document.QueryCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The query compiler's validation and the Java builders, without a database. */
class QueryLanguageTest {

    @Test
    void buildersProduceTheJsonAMongoDbUserWrites() {
        assertThat(Filters.and(Filters.eq("type", "pattern"), Filters.gte("strength", 0.5)))
                .isEqualTo("{\"$and\":[{\"type\":\"pattern\"},{\"strength\":{\"$gte\":0.5}}]}");
        assertThat(Filters.in("n", 1, 2)).isEqualTo("{\"n\":{\"$in\":[1,2]}}");
        assertThat(Filters.regex("s", "^a", "i")).isEqualTo("{\"s\":{\"$regex\":\"^a\",\"$options\":\"i\"}}");
        assertThat(Filters.elemMatch("objs", "{\"k\": 2}")).isEqualTo("{\"objs\":{\"$elemMatch\":{\"k\":2}}}");
        assertThat(Filters.not("n", "{\"$gt\": 5}")).isEqualTo("{\"n\":{\"$not\":{\"$gt\":5}}}");
        assertThat(Updates.combine(Updates.set("a", 1), Updates.set("b", "x"), Updates.inc("c", 2)))
                .isEqualTo("{\"$set\":{\"a\":1,\"b\":\"x\"},\"$inc\":{\"c\":2}}");
        assertThat(Updates.pushEach("tags", "a", "b")).isEqualTo("{\"$push\":{\"tags\":{\"$each\":[\"a\",\"b\"]}}}");
        assertThat(Sorts.orderBy(Sorts.descending("strength"), Sorts.ascending("type")))
                .isEqualTo("{\"strength\":-1,\"type\":1}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\": 1, \"b\": {\"$ne\": null}, \"c\": {\"$gt\": 1, \"$lte\": 9}, \"d\": {\"$in\": [1, \"x\"]}}",
        "{\"$or\": [{\"a\": {\"$exists\": true}}, {\"a.b\": {\"$type\": [\"string\", \"null\"]}}]}",
        "{\"$nor\": [{\"t\": {\"$all\": [\"x\", \"y\"]}}], \"t\": {\"$size\": 2}}",
        "{\"o\": {\"$elemMatch\": {\"k\": {\"$gte\": 2}, \"v\": \"a\"}}, \"p\": {\"$elemMatch\": {\"$lt\": 3}}}",
        "{\"s\": {\"$regex\": \"^a.*\", \"$options\": \"i\"}, \"n\": {\"$not\": {\"$in\": [1, 2]}}, \"m\": {\"$nin\": []}}"})
    void supportedFiltersCompile(String filter) {
        assertThat(QueryCheck.query(Query.filter(filter).sort("{\"a\": 1, \"b.c\": -1}")
                .projection("{\"a\": 1, \"b.c\": 1}"))).startsWith("SELECT id, ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"$where\": \"this.a == 1\"}", "{\"$expr\": {\"$eq\": [1, 1]}}", "{\"$text\": {}}",
        "{\"a\": {\"$near\": [0, 0]}}", "{\"a\": {\"$mod\": [2, 0]}}", "{\"a\": {\"$type\": \"double\"}}",
        "{\"a\": {\"$regex\": \"x\", \"$options\": \"s\"}}", "{\"a\": {\"$gt\": 1, \"b\": 2}}", "{\"$and\": []}",
        "{\"a.0\": 1}", "{\"a..b\": 1}", "{\"a'; DROP TABLE x; --\": 1}", "{\"a\": {\"$size\": -1}}",
        "{\"a\": {\"$not\": 5}}", "{\"a\": {\"$in\": 5}}", "[1]", "{\"a\": }", "{\"a\": 1, \"a\": 2}"})
    void unsupportedOrMalformedFiltersAreRefusedBeforeAnySql(String filter) {
        assertThatThrownBy(() -> QueryCheck.query(Query.filter(filter))).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void refusalNamesTheOperator() {
        assertThatThrownBy(() -> QueryCheck.query(Query.filter("{\"$where\": \"1\"}")))
                .hasMessageContaining("$where");
        assertThatThrownBy(() -> QueryCheck.update("{\"$setOnInsert\": {\"a\": 1}}")).hasMessageContaining("$setOnInsert");
        assertThatThrownBy(() -> QueryCheck.update("{\"$push\": {\"a\": {\"$each\": [1], \"$slice\": 2}}}"))
                .hasMessageContaining("$slice");
        assertThatThrownBy(() -> QueryCheck.query(Query.all().sort("{\"a\": 2}"))).hasMessageContaining("a");
        assertThatThrownBy(() -> QueryCheck.query(Query.all().projection("{\"a\": {\"$slice\": 2}}")))
                .hasMessageContaining("a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": 1}", "{\"$set\": {\"_id\": \"x\"}}", "{\"$set\": {\"a\": 1}, \"$inc\": {\"a\": 1}}",
        "{\"$set\": {\"a\": 1, \"a.b\": 2}}", "{\"$inc\": {\"a\": \"x\"}}", "{\"$pop\": {\"a\": 2}}",
        "{\"$rename\": {\"a\": 5}}", "{}", "{\"$set\": {}}", "{\"$currentDate\": {\"a\": {\"$type\": \"timestamp\"}}}"})
    void invalidUpdatesAreRefused(String update) {
        assertThatThrownBy(() -> QueryCheck.update(update)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void valuesAreBoundNeverSpliced() {
        String evil = "'; DROP TABLE keel_docs.x; --";
        String sql = QueryCheck.query(Query.filter(Filters.or(Filters.eq("a", evil), Filters.regex("b", evil),
                Filters.in("c", evil), Filters.eq("_id", evil))));
        assertThat(sql).doesNotContain("DROP TABLE");
        assertThat(QueryCheck.update(Updates.combine(Updates.set("a", evil), Updates.push("b", evil))))
                .doesNotContain("DROP TABLE");
    }

    @Test
    void documentIdsParseWithColonsInTheId() {
        assertThat(DocumentId.parse("note:a:b")).isEqualTo(new DocumentId("note", "a:b"));
        assertThat(new DocumentId("note", "x:y").toString()).isEqualTo("note:x:y");
        assertThat(DocumentId.idIn("note", "note:1")).isEqualTo("1");
        assertThat(DocumentId.idIn("note", "other:1")).isEqualTo("other:1");
        assertThatThrownBy(() -> DocumentId.parse("noColon")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> DocumentId.parse("Bad-Name:1")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new DocumentId("note", "a\u0000b")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new DocumentId("note", "x".repeat(256))).isInstanceOf(InvalidInputException.class);
    }
}
