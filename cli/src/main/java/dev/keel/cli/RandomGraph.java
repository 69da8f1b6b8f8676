package dev.keel.cli;

import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
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
        SplittableRandom random = new SplittableRandom(seed);
        for (long id = 1; id <= nodes; id++) {
            boolean visited = random.nextInt(4) != 0;
            Float distance = visited ? (float) random.nextInt(1, 64) : null;
            Long parent = visited && id > 1 ? 1 + random.nextLong(id - 1) : null;
            sink.node(new NodeState(id, random.nextFloat(), GROUPS[(int) (id % GROUPS.length)], visited, distance,
                    parent));
        }
        for (long i = 0; i < edges; i++) {
            long from = 1 + random.nextLong(nodes);
            long to = 1 + random.nextLong(nodes - 1);
            if (to >= from) {
                to++; // no self-loops: skip over from
            }
            sink.edge(new EdgeState(from, to, TYPES[random.nextInt(TYPES.length)], random.nextDouble(), null));
        }
    }
}
