package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile or broken input: each is a typed error, and no row anywhere changes. */
@KeelTest
class DocumentBadInputIT {
    static final String INJECTION = "x'); DROP TABLE keel_docs.victim; --";
    static Keel keel;
    static TestDatabase db;
    DocumentCollection<JsonNode> victim;
    String before;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(2).build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void seed() throws Exception {
        keel.documents().drop("victim");
        victim = keel.documents().collection("victim", JsonNode.class, CollectionOptions.defaults().index("a"));
        victim.insertMany(List.of(DocumentCollectionIT.json("{\"_id\": \"1\", \"a\": 1, \"s\": \"x\"}"),
                DocumentCollectionIT.json("{\"_id\": \"2\", \"a\": [1, 2], \"t\": [\"q\"]}")));
        before = state();
    }

    @AfterEach
    void nothingChanged() throws Exception {
        assertThat(state()).isEqualTo(before);
    }

    /** Every row of every collection table and of the catalog, as text. */
    private static String state() throws Exception {
        StringBuilder b = new StringBuilder();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT string_agg(name || ':' || coalesce(subject_field, ''), ',' "
                    + "ORDER BY name) FROM keel.doc_collections")) {
                rs.next();
                b.append(rs.getString(1)).append('\n');
            }
            try (ResultSet rs = s.executeQuery("SELECT string_agg(table_name, ',' ORDER BY table_name) "
                    + "FROM information_schema.tables WHERE table_schema = 'keel_docs'")) {
                rs.next();
                b.append(rs.getString(1)).append('\n');
            }
            try (ResultSet rs = s.executeQuery("SELECT id, data::text, version FROM keel_docs.victim ORDER BY id")) {
                while (rs.next()) {
                    b.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getLong(3))
                            .append('\n');
                }
            }
        }
        return b.toString();
    }

    private static void refused(Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class, e);
    }

    @ParameterizedTest
    @ValueSource(strings = {INJECTION, "Memories", "a b", "", "1abc", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "notes;", "é",
        "victim\"; DROP TABLE keel_docs.victim; --", "pg_catalog.pg_class"})
    void badCollectionNamesAreRefused(String name) {
        refused(() -> keel.documents().collection(name));
        refused(() -> keel.documents().drop(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"" + "a'); DROP TABLE keel_docs.victim; --" + "\": 1}", "{\"a\\\"b\": 1}",
        "{\"a.$b\": 1}", "{\"\": 1}", "{\"a\": {\"$where\": \"1\"}}", "{\"a\": }", "not json", "{\"a\": 1} {}",
        "{\"a\": {\"$regex\": \"(\"}}"})
    void badFiltersAreRefusedByEveryOperation(String filter) {
        refused(() -> victim.find(Query.filter(filter)));
        refused(() -> victim.count(filter));
        refused(() -> victim.updateMany(filter, "{\"$set\": {\"a\": 9}}"));
        refused(() -> victim.deleteMany(filter));
        refused(() -> victim.replaceOne(filter, DocumentCollectionIT.json("{\"a\": 9}")));
    }

    @Test
    void injectionStringsAsValuesAreJustValues() {
        assertThat(victim.count(Filters.eq("s", INJECTION))).isZero();
        assertThat(victim.count(Filters.regex("s", INJECTION.replace("(", "").replace(")", "")))).isZero();
        assertThat(victim.findById(INJECTION)).isEmpty();
        assertThat(victim.updateMany(Filters.eq("_id", INJECTION), Updates.set("a", INJECTION)).matched()).isZero();
    }

    @Test
    void badUpdatesAreRefused() {
        refused(() -> victim.updateMany("{}", "{\"$set\": {\"a'); DROP TABLE x; --\": 1}}"));
        refused(() -> victim.updateMany("{}", "{\"a\": 1}"));
        refused(() -> victim.updateMany("{}", "{\"$set\": {\"_id\": \"new\"}}"));
        refused(() -> victim.updateMany("{}", "{\"$inc\": {\"s\": 1}}")); // fails in the statement: nothing written
        refused(() -> victim.updateMany("{}", "{\"$push\": {\"a\": 3}}")); // a is 1 in one document
        refused(() -> victim.updateMany("{}", "{\"$set\": {\"s.x\": 1}}")); // s is a string
    }

    @Test
    void badDocumentsAreRefused() {
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"$set\": 1}")));
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"a.b\": 1}")));
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"_id\": 5}")));
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"_id\": \"\"}")));
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"_id\": \"" + "x".repeat(256) + "\"}")));
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"_id\": \"a\\u0000b\"}")));
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"_id\": \"a\\nb\"}")));
        refused(() -> victim.insertOne(DocumentCollectionIT.json("{\"s\": \"nul\\u0000inside\"}")));
        refused(() -> keel.documents().collection("victim", String.class).insertOne("{\"a\": "));
        refused(() -> keel.documents().collection("victim", String.class).insertOne("[1, 2]"));
        refused(() -> victim.insertMany(List.of(DocumentCollectionIT.json("{\"_id\": \"ok\"}"),
                DocumentCollectionIT.json("{\"$bad\": 1}"))));
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            deep.append("{\"d\": ");
        }
        deep.append("1").append("}".repeat(150));
        refused(() -> keel.documents().collection("victim", String.class).insertOne(deep.toString()));
    }

    @Test
    void oversizedDocumentIsRefused() {
        String big = "{\"blob\": \"" + "x".repeat(DocumentBadInputIT.SIXTEEN_MB + 1) + "\"}";
        refused(() -> keel.documents().collection("victim", String.class).insertOne(big));
    }

    static final int SIXTEEN_MB = 16 * 1024 * 1024;

    @Test
    void oddButValidIdsRoundTrip() {
        for (String id : List.of("a:b:c", "with space", "quote'\"", "emoji-\uD83D\uDE00", "slash/..\\", "ä", "%_")) {
            String text = victim.insertOne(DocumentCollectionIT.json("{\"_id\": " + jsonString(id) + "}"));
            assertThat(DocumentId.parse(text).id()).isEqualTo(id);
            assertThat(victim.findById(text)).isPresent();
            assertThat(victim.deleteOne(Filters.eq("_id", id))).isEqualTo(1);
        }
    }

    private static String jsonString(String s) {
        return dev.keel.internal.document.DocumentJson.write(
                com.fasterxml.jackson.databind.node.TextNode.valueOf(s));
    }
}
