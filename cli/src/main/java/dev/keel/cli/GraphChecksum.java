package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.jooq.JSONB;

/**
 * Counts and a 64-bit checksum of a graph's rows, independent of their order: the sum of a mixed hash of every
 * field of every row. Properties are hashed as parsed JSON, so the spacing and key order PostgreSQL's jsonb
 * gives them back in do not matter, while any changed value does.
 */
final class GraphChecksum implements GraphVisitor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EMPTY_OBJECT = JSON.createObjectNode().hashCode();

    private long nodes;
    private long edges;
    private long sum;

    @Override
    public void node(NodeState n) {
        long h = mix(0x6e6f6465L ^ n.id());
        h = mix(h ^ Float.floatToIntBits(n.activationLevel()));
        h = mix(h ^ (n.visited() ? 1 : 2));
        h = mix(h ^ (n.distance() == null ? 0x7fc00001L : Float.floatToIntBits(n.distance())));
        h = mix(h ^ (n.parent() == null ? 0x8000000000000001L : n.parent()));
        h = mix(h ^ json(n.properties()));
        nodes++;
        sum += h;
    }

    @Override
    public void edge(EdgeState e) {
        long h = mix(0x65646765L ^ e.from());
        h = mix(h ^ e.to());
        h = mix(h ^ Objects.hashCode(e.type()));
        h = mix(h ^ Double.doubleToLongBits(e.weight()));
        h = mix(h ^ json(e.properties()));
        edges++;
        sum += h;
    }

    long nodes() {
        return nodes;
    }

    long edges() {
        return edges;
    }

    String value() {
        return String.format("%016x", sum);
    }

    /** Adds what {@code other} has seen: the checksum of both halves of a graph read separately. */
    GraphChecksum plus(GraphChecksum other) {
        GraphChecksum both = new GraphChecksum();
        both.nodes = nodes + other.nodes;
        both.edges = edges + other.edges;
        both.sum = sum + other.sum;
        return both;
    }

    boolean matches(GraphChecksum other) {
        return nodes == other.nodes && edges == other.edges && sum == other.sum;
    }

    private static long json(JSONB value) {
        String text = value == null ? "{}" : value.data();
        if (text.equals("{}")) {
            return EMPTY_OBJECT;
        }
        try {
            JsonNode tree = JSON.readTree(text);
            return tree.hashCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
