package dev.keel.cli;

import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.jooq.JSONB;

/**
 * A random graph that is the same for the same seed and sizes, produced one row at a time so that no size needs
 * more memory than one row: nodes {@code 1..nodes} in the state a traversal might leave them, then edges between
 * distinct random nodes.
 */
final class RandomGraph {
    private static final String[] TYPES = {"follows", "likes", "cites"};
    private static final JSONB[] GROUPS = new JSONB[16];

    static {
        for (int g = 0; g < GROUPS.length; g++) {
            GROUPS[g] = JSONB.valueOf("{\"group\": " + g + "}");
        }
    }

    private final long seed;
    private final long nodes;
    private final long edges;

    RandomGraph(long seed, long nodes, long edges) {
        if (nodes < 1) {
            throw CliException.userError("--nodes must be at least 1, was " + nodes);
        }
        if (edges < 0) {
            throw CliException.userError("--edges must be 0 or more, was " + edges);
        }
        if (edges > 0 && nodes < 2) {
            throw CliException.userError("edges need at least 2 nodes; --nodes was " + nodes);
        }
        this.seed = seed;
        this.nodes = nodes;
        this.edges = edges;
    }

    long nodes() {
        return nodes;
    }

    long edges() {
        return edges;
    }

    /** Sends every node, then every edge, to {@code sink}. */
    void generate(GraphVisitor sink) {
        nodeRows().forEach(sink::node);
        edgeRows().forEach(sink::edge);
    }

    /** The nodes, from a random stream of their own, so nodes and edges can be produced side by side. */
    Iterable<NodeState> nodeRows() {
        return () -> new Iterator<>() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private long id = 1;

            @Override
            public boolean hasNext() {
                return id <= nodes;
            }

            @Override
            public NodeState next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                boolean visited = random.nextInt(4) != 0;
                Float distance = visited ? (float) random.nextInt(1, 64) : null;
                Long parent = visited && id > 1 ? 1 + random.nextLong(id - 1) : null;
                NodeState n = new NodeState(id, random.nextFloat(), GROUPS[(int) (id % GROUPS.length)], visited,
                        distance, parent);
                id++;
                return n;
            }
        };
    }

    /** The edges: between distinct random nodes, never a self-loop. */
    Iterable<EdgeState> edgeRows() {
        return () -> new Iterator<>() {
            private final SplittableRandom random = new SplittableRandom(~seed * 0x9E3779B97F4A7C15L);
            private long i;

            @Override
            public boolean hasNext() {
                return i < edges;
            }

            @Override
            public EdgeState next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                i++;
                long from = 1 + random.nextLong(nodes);
                long to = 1 + random.nextLong(nodes - 1);
                if (to >= from) {
                    to++; // skip over from
                }
                return new EdgeState(from, to, TYPES[random.nextInt(TYPES.length)], random.nextDouble(), null);
            }
        };
    }
}
