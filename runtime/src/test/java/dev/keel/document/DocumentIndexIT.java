package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.internal.document.QueryPlan;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every documented filter and index pair: PostgreSQL's plan for the SELECT Keel runs uses the declared index
 * (asked with sequential scans discouraged, so an index that cannot serve the query shows as a Seq Scan).
 */
@KeelTest
class DocumentIndexIT {
    static final CollectionOptions OPTIONS = CollectionOptions.defaults().index("type").index("a.b")
            .uniqueIndex("email").ginIndex();
    static Keel keel;

    @BeforeAll
    static void start(TestDatabase db) {
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).build();
        DocumentCollection<JsonNode> c = keel.documents().collection("indexed", JsonNode.class, OPTIONS);
        List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            batch.add(DocumentCollectionIT.json("{\"_id\": \"k" + i + "\", \"type\": \"t" + (i % 50) + "\", \"a\": {\"b\": "
                    + (i % 100) + "}, \"email\": \"u" + i + "@example.org\", \"tags\": [\"x" + (i % 30) + "\"], "
                    + "\"meta\": {\"kind\": \"m" + (i % 40) + "\"}}"));
        }
        c.insertMany(batch);
        db.execute("ANALYZE keel_docs.indexed");
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static String plan(Query q) {
        return String.join("\n", QueryPlan.explain(keel.dataSource(), "indexed", OPTIONS, q, true));
    }

    @ParameterizedTest(name = "{0} uses an index")
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"t7\"}",
        "{\"type\": {\"$eq\": \"t7\"}}",
        "{\"type\": {\"$in\": [\"t7\", \"t8\"]}}",
        "{\"type\": {\"$gt\": \"t45\"}}",
        "{\"type\": {\"$gte\": \"t1\", \"$lt\": \"t11\"}}",
        "{\"a.b\": 42}",
        "{\"a.b\": {\"$gte\": 97}}",
        "{\"a.b\": {\"$in\": [1, 2, 3]}}",
        "{\"email\": \"u17@example.org\"}",
        "{\"_id\": \"k17\"}",
        "{\"_id\": {\"$in\": [\"k1\", \"k2\"]}}",
        "{\"tags\": \"x3\"}",
        "{\"meta.kind\": \"m5\"}",
        "{\"type\": \"t7\", \"meta.kind\": \"m5\"}"})
    void documentedFilterUsesItsIndex(String filter) {
        String plan = plan(Query.filter(filter));
        assertThat(plan).as(plan).doesNotContain("Seq Scan").contains("Index Cond");
    }

    @ParameterizedTest(name = "sort {1} with filter {0} reads an index in order")
    @CsvSource(delimiter = '|', value = {
        "{}|{\"type\": 1}",
        "{}|{\"type\": -1}",
        "{\"a.b\": {\"$gte\": 10}}|{\"a.b\": -1}"})
    void sortOnAnIndexedPathNeedsNoSort(String filter, String sort) {
        String plan = plan(Query.filter(filter).sort(sort).limit(20));
        assertThat(plan).as(plan).doesNotContain("Seq Scan").doesNotContain("  Sort  ").contains("Index Scan");
    }

    @Test
    void unindexedPathIsASeqScanSoTheCheckCanFail() {
        String plan = plan(Query.filter("{\"other\": {\"$gt\": 3}}"));
        assertThat(plan).as(plan).doesNotContain("Index Cond");
    }

    @Test
    void cursorPagesUseTheIndexAtAnyDepth() {
        DocumentCollection<JsonNode> c = keel.documents().collection("indexed", JsonNode.class, OPTIONS);
        Page<JsonNode> p = c.findPage(Query.all().sort("{\"type\": 1}").limit(20));
        for (int i = 0; i < 20; i++) {
            p = c.findPage(Query.all().sort("{\"type\": 1}").limit(20).after(p.nextCursor()));
        }
        String plan = plan(Query.all().sort("{\"type\": 1}").limit(20).after(p.nextCursor()));
        assertThat(plan).as(plan).doesNotContain("Seq Scan").contains("Index Cond").doesNotContain("  Sort  ");
    }
}
