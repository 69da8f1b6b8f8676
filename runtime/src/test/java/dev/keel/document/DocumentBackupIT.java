package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Keel;
import dev.keel.error.ConstraintViolationException;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@KeelTest
class DocumentBackupIT {
    static Keel keel;
    static DocumentStore docs;

    @BeforeAll
    static void start(TestDatabase db) {
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).build();
        docs = keel.documents();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    private static void seed() {
        for (String n : List.of("b_notes", "b_events")) {
            docs.drop(n);
        }
        DocumentCollection<JsonNode> notes = docs.collection("b_notes", JsonNode.class,
                CollectionOptions.defaults().subjectField("owner").index("tag").retention(Duration.ofDays(30)));
        DocumentCollection<JsonNode> events = docs.collection("b_events", JsonNode.class,
                CollectionOptions.defaults().audit());
        List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            batch.add(DocumentCollectionIT.json("{\"_id\": \"n" + i + "\", \"owner\": \"u" + (i % 7) + "\", \"tag\": \"t"
                    + (i % 3) + "\", \"text\": \"line\\twith\\ttabs " + i + "\"}"));
        }
        notes.insertMany(batch);
        notes.updateOne("{\"_id\": \"n1\"}", "{\"$set\": {\"edited\": true}}");
        events.insertOne(DocumentCollectionIT.json("{\"_id\": \"e1\", \"what\": \"created\"}"));
    }

    private static List<JsonNode> all(String name) {
        return docs.collection(name).findJson(Query.all());
    }

    @Test
    void backupThenRestoreRoundTripsDocumentsVersionsAndOptions() {
        seed();
        List<JsonNode> notes = all("b_notes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(docs.backup(out)).containsEntry("b_notes", 2500L).containsEntry("b_events", 1L);
        docs.drop("b_notes");
        docs.drop("b_events");

        Map<String, Long> restored = docs.restore(new ByteArrayInputStream(out.toByteArray()));

        assertThat(restored).containsEntry("b_notes", 2500L).containsEntry("b_events", 1L);
        assertThat(all("b_notes")).isEqualTo(notes);
        assertThat(docs.collection("b_notes").version("n1")).contains(2L);
        assertThat(docs.collections()).filteredOn(c -> c.name().equals("b_notes"))
                .singleElement().satisfies(c -> {
                    assertThat(c.subjectField()).isEqualTo("owner");
                    assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
                });
        assertThat(docs.collections()).filteredOn(c -> c.name().equals("b_events")).singleElement()
                .extracting(CollectionInfo::audit).isEqualTo(true);
    }

    @Test
    void truncatedBackupIsRefusedAndRestoresNothing() throws Exception {
        seed();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        docs.backup(out, "b_notes");
        byte[] full = out.toByteArray();
        docs.drop("b_notes");

        byte[] cut = Arrays.copyOf(full, full.length / 2);
        assertThatThrownBy(() -> docs.restore(new ByteArrayInputStream(cut))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("truncated");
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(full)).readAllBytes(),
                StandardCharsets.UTF_8);
        String withoutTrailer = text.substring(0, text.lastIndexOf("{\"end\""));
        assertThatThrownBy(() -> docs.restore(new ByteArrayInputStream(gzip(withoutTrailer))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("truncated");
        String lineLost = text.replaceFirst("\\{\"collection\":\"b_notes\",\"_id\":\"n1\"[^\n]*\n", "");
        assertThatThrownBy(() -> docs.restore(new ByteArrayInputStream(gzip(lineLost))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("counts");
        // A byte that is not UTF-8 inside a document (0xC3 0x28) is refused, not stored as U+FFFD.
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        int at = text.indexOf("with\\ttabs 7\"");
        assertThat(at).isPositive();
        raw[at] = (byte) 0xC3;
        raw[at + 1] = (byte) 0x28;
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bad)) {
            g.write(raw);
        }
        assertThatThrownBy(() -> docs.restore(new ByteArrayInputStream(bad.toByteArray())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not UTF-8")
                .hasMessageContaining("nothing was restored");
        assertThat(docs.collections()).extracting(CollectionInfo::name).doesNotContain("b_notes");

        docs.restore(new ByteArrayInputStream(full));
        assertThatThrownBy(() -> docs.restore(new ByteArrayInputStream(full)))
                .isInstanceOf(ConstraintViolationException.class);
        assertThat(docs.collection("b_notes").count("{}")).isEqualTo(2500);
    }

    private static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }
}
