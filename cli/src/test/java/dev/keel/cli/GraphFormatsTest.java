package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import and export formats without a database: what is written reads back the same, bad lines are named. */
class GraphFormatsTest {
    @TempDir
    Path dir;

    static final List<NodeState> NODES = List.of(
            new NodeState(1, 0.1f, JSONB.valueOf("{\"label\": \"a, \\\"quoted\\\"\\nline\", \"n\": [1, 2]}"), true, 0f, null),
            new NodeState(2, 0.5f, null, true, 1.25f, 1L),
            new NodeState(-3, Float.MIN_VALUE, null, false, null, null));
    static final List<EdgeState> EDGES = List.of(
            new EdgeState(1, 2, "follows", 0.1, JSONB.valueOf("{\"since\": 2020}")),
            new EdgeState(2, -3, null, 1e-300, null));

    static final class Collected implements GraphVisitor {
        final List<NodeState> nodes = new ArrayList<>();
        final List<EdgeState> edges = new ArrayList<>();

        @Override
        public void node(NodeState node) {
            nodes.add(node);
        }

        @Override
        public void edge(EdgeState edge) {
            edges.add(edge);
        }
    }

    static void feed(GraphVisitor sink) {
        NODES.forEach(sink::node);
        EDGES.forEach(sink::edge);
    }

    @Test
    void jsonLinesWrittenByExportReadBackTheSameGraphAndHeader() throws IOException {
        Path file = dir.resolve("g.jsonl.gz");
        SnapshotInfo info = new SnapshotInfo(UUID.randomUUID(), "social", "bfs", JSONB.valueOf("{\"by\": \"x\"}"), 3,
                NODES.size(), EDGES.size(), OffsetDateTime.now());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
             JsonLinesWriter writer = new JsonLinesWriter(out)) {
            writer.snapshot(info);
            feed(writer);
        }
        Collected back = new Collected();
        try (JsonLinesReader reader = new JsonLinesReader(file)) {
            SnapshotHeader header = reader.header().orElseThrow();
            assertThat(header.name()).isEqualTo("social");
            assertThat(header.algorithm()).isEqualTo("bfs");
            assertThat(header.metadata().data()).isEqualTo("{\"by\":\"x\"}");
            assertThat(header.nodes()).isEqualTo(3);
            assertThat(header.edges()).isEqualTo(2);
            reader.rows(back);
        }
        assertSameGraph(back);
    }

    @Test
    void csvWrittenByExportReadsBackTheSameGraph() throws IOException {
        Path nodes = dir.resolve("nodes.csv");
        Path edges = dir.resolve("edges.csv");
        try (OutputStream n = Files.newOutputStream(nodes); OutputStream e = Files.newOutputStream(edges);
             CsvGraphWriter writer = new CsvGraphWriter(n, e)) {
            feed(writer);
        }
        assertThat(Files.readAllLines(nodes).get(0)).isEqualTo("id,activationLevel,visited,distance,parent,properties");
        Collected back = new Collected();
        try (CsvGraphReader reader = new CsvGraphReader(nodes, edges)) {
            assertThat(reader.header()).isEmpty();
            reader.rows(back);
        }
        assertSameGraph(back);
    }

    @Test
    void jsonLinesLeaveOutDefaultsAndSkipBlankLines() throws IOException {
        Collected back = readJsonLines("""
                {"node":{"id":1}}

                {"node":{"id":2,"visited":true,"parent":1,"distance":3}}
                {"edge":{"from":1,"to":2}}
                """);
        assertThat(back.nodes).containsExactly(NodeState.of(1), new NodeState(2, 0f, null, true, 3f, 1L));
        assertThat(back.edges).containsExactly(EdgeState.of(1, 2));
    }

    @Test
    void csvColumnsMayComeInAnyOrderAndEmptyCellsMeanDefaults() throws IOException {
        Path nodes = write("n.csv", "properties,id\n,1\n\"{\"\"a\"\": 1}\",2\n");
        Path edges = write("e.csv", "to,from\n2,1\n");
        Collected back = new Collected();
        try (CsvGraphReader reader = new CsvGraphReader(nodes, edges)) {
            reader.rows(back);
        }
        assertThat(back.nodes).containsExactly(NodeState.of(1), new NodeState(2, 0f, JSONB.valueOf("{\"a\": 1}"), false,
                null, null));
        assertThat(back.edges).containsExactly(EdgeState.of(1, 2));
    }

    @Test
    void aBadJsonLineIsNamedByItsNumber() {
        String good = "{\"snapshot\":{\"name\":\"g\"}}\n{\"node\":{\"id\":1}}\n";
        assertBad(good + "{\"node\":{\"id\":\"x\"}}\n", "line 3: node \"id\" must be an integer, got \"x\"");
        assertBad(good + "{\"node\":{\"id\":1,}}\n", "line 3: not valid JSON");
        assertBad(good + "{\"node\":{\"id\":2,\"colour\":1}}\n", "line 3: node has an unknown field \"colour\"");
        assertBad(good + "{\"edge\":{\"from\":1}}\n", "line 3: edge needs both \"from\" and \"to\"");
        assertBad(good + "{\"node\":{\"id\":2}} {\"node\":{\"id\":3}}\n", "line 3: more than one JSON value");
        assertBad(good + "{\"node\":{\"id\":2,\"activationLevel\":1e99}}\n", "line 3: node \"activationLevel\" is out of range");
        assertBad(good + "{\"node\":{\"id\":99999999999999999999}}\n", "line 3: node \"id\" is out of range");
        assertBad(good + "{\"snapshot\":{\"name\":\"again\"}}\n", "line 3: the snapshot header must be the first line");
        assertBad(good + "{\"node\":{\"id\":2,\"properties\":[1]}}\n", "line 3: node \"properties\" must be a JSON object");
        assertBad(good + "[1]\n", "line 3: expected an object");
    }

    @Test
    void aBadCsvRowIsNamedByFileAndLine() throws IOException {
        Path nodes = write("n.csv", "id,visited\n1,true\n2,maybe\n");
        Path edges = write("e.csv", "from,to\n1,2\n");
        assertThatThrownBy(() -> {
            try (CsvGraphReader reader = new CsvGraphReader(nodes, edges)) {
                reader.rows(new Collected());
            }
        }).isInstanceOf(CliException.class).hasMessageContaining("n.csv line 3: \"visited\" must be true or false")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.DATA_INVALID);

        Path badEdges = write("e2.csv", "from,to,colour\n1,2,red\n");
        assertThatThrownBy(() -> {
            try (CsvGraphReader reader = new CsvGraphReader(write("n2.csv", "id\n1\n2\n"), badEdges)) {
                reader.rows(new Collected());
            }
        }).hasMessageContaining("e2.csv line 1: unknown column \"colour\"");
    }

    @Test
    void checksumIgnoresOrderAndJsonSpacingButNotValues() {
        GraphChecksum a = new GraphChecksum();
        feed(a);
        GraphChecksum b = new GraphChecksum();
        List<EdgeState> edges = new ArrayList<>(EDGES);
        List<NodeState> nodes = new ArrayList<>(NODES);
        Collections.reverse(edges);
        Collections.reverse(nodes);
        edges.forEach(b::edge);
        nodes.forEach(b::node);
        assertThat(a.matches(b)).isTrue();

        GraphChecksum spaced = new GraphChecksum();
        spaced.node(new NodeState(7, 0f, JSONB.valueOf("{\"a\":1,\"b\":2}"), false, null, null));
        GraphChecksum pg = new GraphChecksum();
        pg.node(new NodeState(7, 0f, JSONB.valueOf("{\"b\": 2, \"a\": 1}"), false, null, null));
        assertThat(spaced.matches(pg)).isTrue();

        GraphChecksum changed = new GraphChecksum();
        changed.node(new NodeState(7, 0f, JSONB.valueOf("{\"a\":1,\"b\":3}"), false, null, null));
        assertThat(changed.matches(pg)).isFalse();
    }

    @Test
    void theDemoGraphIsTheSameForTheSameSeed() {
        GraphChecksum first = new GraphChecksum();
        new RandomGraph(7, 1000, 3000).generate(first);
        GraphChecksum again = new GraphChecksum();
        new RandomGraph(7, 1000, 3000).generate(again);
        GraphChecksum other = new GraphChecksum();
        new RandomGraph(8, 1000, 3000).generate(other);
        assertThat(first.matches(again)).isTrue();
        assertThat(first.matches(other)).isFalse();
        assertThat(first.nodes()).isEqualTo(1000);
        assertThat(first.edges()).isEqualTo(3000);
    }

    private void assertSameGraph(Collected back) {
        assertThat(back.nodes).hasSize(NODES.size());
        assertThat(back.edges).hasSize(EDGES.size());
        GraphChecksum expected = new GraphChecksum();
        feed(expected);
        GraphChecksum actual = new GraphChecksum();
        back.nodes.forEach(actual::node);
        back.edges.forEach(actual::edge);
        assertThat(actual.matches(expected)).as("checksum").isTrue();
        for (int i = 0; i < NODES.size(); i++) {
            assertThat(back.nodes.get(i).id()).isEqualTo(NODES.get(i).id());
            assertThat(back.nodes.get(i).activationLevel()).isEqualTo(NODES.get(i).activationLevel());
            assertThat(back.nodes.get(i).distance()).isEqualTo(NODES.get(i).distance());
            assertThat(back.nodes.get(i).parent()).isEqualTo(NODES.get(i).parent());
        }
        for (int i = 0; i < EDGES.size(); i++) {
            assertThat(back.edges.get(i).weight()).isEqualTo(EDGES.get(i).weight());
            assertThat(back.edges.get(i).type()).isEqualTo(EDGES.get(i).type());
        }
    }

    private Collected readJsonLines(String text) throws IOException {
        Path file = write("g.jsonl", text);
        Collected back = new Collected();
        try (JsonLinesReader reader = new JsonLinesReader(file)) {
            reader.rows(back);
        }
        return back;
    }

    private void assertBad(String text, String message) {
        assertThatThrownBy(() -> readJsonLines(text)).isInstanceOf(CliException.class)
                .hasMessageContaining("g.jsonl " + message)
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.DATA_INVALID);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
