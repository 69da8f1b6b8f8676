package dev.keel.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {
    private static Figure seconds(Method m, String shape, int rows, double seconds) {
        long perOp = m == Method.GRAPH_SAVE && shape.equals("graph") ? 2L * rows : rows;
        return new Figure(m, shape, rows, perOp, seconds, 0.1, 3);
    }

    @Test
    void eachTargetIsTheRatioOfTwoFiguresAtTheLargestSizeBothHave() {
        String md = new Targets(List.of(
                seconds(Method.COPY_BINARY, "nodes", 1_000_000, 4.0),
                seconds(Method.COPY_BINARY, "edges", 1_000_000, 3.0),
                seconds(Method.KEEL_COPY, "nodes", 1_000_000, 4.0 / 0.97),
                seconds(Method.GRAPH_SAVE, "graph", 1_000_000, 5.0),
                seconds(Method.JDBC_BATCH, "edges", 1_000_000, 20.0),
                seconds(Method.KEEL_MULTI_ROW, "edges", 1_000_000, 12.5),
                seconds(Method.JDBC_BATCH, "edges", 10_000, 0.2),
                seconds(Method.KEEL_MULTI_ROW, "edges", 10_000, 0.05))).render();

        assertThat(md).contains("| Keel bulk COPY ÷ pgjdbc COPY binary, nodes | 1M | 0.97 | ≥ 0.95 | yes |");
        // (4 s + 3 s) of raw COPY against a 5 s save
        assertThat(md).contains("indexed tables (time of both COPYs ÷ time of the save) | 1M | 1.40 | ≥ 1.30 | yes |");
        assertThat(md).contains("| Keel bulk MULTI_ROW ÷ JDBC addBatch of 1,000, edges | 1M | 1.60 | ≥ 1.80 | **no** |");
        assertThat(md).doesNotContain("COPY binary, edges |").doesNotContain("GraphStore.load");
    }

    @Test
    void aRunWithoutTheirFiguresHasNoTargetsSection() {
        assertThat(new Targets(List.of(seconds(Method.COPY_BINARY, "nodes", 100, 0.01))).render()).isEmpty();
    }
}
