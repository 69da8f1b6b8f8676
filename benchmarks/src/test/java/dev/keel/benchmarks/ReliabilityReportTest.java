package dev.keel.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reliability report's table and JSON from rows as the fault tests publish them. */
class ReliabilityReportTest {
    static final List<ReliabilityReport.Row> ROWS = List.of(
            new ReliabilityReport.Row("2. restart", "10", "all | typed", "first success=1.20 s; rows=40", "PASS", "A.b"),
            new ReliabilityReport.Row("x()", "0", "", "", "FAIL: AssertionError: boom", "x()"));

    @TempDir
    Path dir;

    @Test
    void theTableEscapesPipesAndShowsEveryRow() {
        String md = ReliabilityReport.markdown(ROWS);
        assertThat(md.lines()).hasSize(4);
        assertThat(md).contains("| 2. restart | 10 | all \\| typed | first success=1.20 s; rows=40 | PASS |")
                .contains("FAIL: AssertionError: boom");
    }

    @Test
    void theJsonSplitsFiguresAndSaysWhetherEachPassed() throws Exception {
        Path file = dir.resolve("r.json");
        ReliabilityReport.writeJson(file, ROWS, Map.of("variants", "long"));
        JsonNode doc = new ObjectMapper().readTree(Files.readString(file));
        assertThat(doc.get("variants").asText()).isEqualTo("long");
        assertThat(doc.get("faults").get(0).get("figures").get("first success").asText()).isEqualTo("1.20 s");
        assertThat(doc.get("faults").get(0).get("passed").asBoolean()).isTrue();
        assertThat(doc.get("faults").get(1).get("passed").asBoolean()).isFalse();
        assertThat(ReliabilityReport.allPassed(ROWS)).isFalse();
        assertThat(ReliabilityReport.allPassed(ROWS.subList(0, 1))).isTrue();
    }
}
