package dev.keel.benchmarks.data;

import java.util.UUID;

/**
 * The rows that every benchmark writes and reads. Row {@code i} of a load of {@code n} rows is a pure function
 * of {@code i} and {@code n}, so every method sends exactly the same values, and nothing is held in memory
 * beyond a few hundred pre-rendered JSON documents.
 *
 * <p>Nodes form a binary tree (node {@code i}'s parent is {@code (i - 1) / 2}); a seventh of them are unreached
 * (null distance). Edges connect {@link #nodesForEdges(int)} nodes, ten outgoing edges each, a quarter untyped.
 */
public final class Dataset {
    /** The snapshot id of every row in the benchmark tables. */
    public static final UUID SNAPSHOT = UUID.fromString("6b0f7f4e-2f59-4c1e-9a43-5b7d7a3c0001");

    private static final String[] NODE_PROPERTIES = new String[512];
    private static final String[] EDGE_PROPERTIES = new String[64];
    private static final String[] EDGE_TYPES = {"road", "rail", "ferry", null};

    static {
        for (int k = 0; k < NODE_PROPERTIES.length; k++) {
            NODE_PROPERTIES[k] = "{\"label\": \"node-" + k + "\", \"rank\": " + (k * 37 % 101)
                    + ", \"tags\": [\"t" + (k % 7) + "\", \"t" + (k % 11) + "\"], \"score\": " + (k % 13) / 4.0 + "}";
        }
        for (int k = 0; k < EDGE_PROPERTIES.length; k++) {
            EDGE_PROPERTIES[k] = "{\"capacity\": " + (k * 13 % 97) + ", \"toll\": " + (k % 3 == 0) + "}";
        }
    }

    private Dataset() {
    }

    // --- graph_nodes

    public static long nodeId(int i) {
        return i;
    }

    public static float activation(int i) {
        return ((i * 2654435761L) & 0xffff) / 65536f;
    }

    public static String nodeProperties(int i) {
        return NODE_PROPERTIES[i % NODE_PROPERTIES.length];
    }

    public static boolean visited(int i) {
        return i % 3 == 0;
    }

    /** Null for every seventh node. */
    public static Float distance(int i) {
        return i % 7 == 6 ? null : (i % 1000) / 8f;
    }

    /** Null for the root. */
    public static Long parent(int i) {
        return i == 0 ? null : (long) (i - 1) / 2;
    }

    // --- graph_edges

    /** How many nodes the {@code n} edges of a load connect: every node has ten outgoing edges. */
    public static int nodesForEdges(int n) {
        return Math.max(1, (n + 9) / 10);
    }

    public static long edgeFrom(int i) {
        return i / 10;
    }

    public static long edgeTo(int i, int n) {
        return (i / 10 + 1 + i % 10) % nodesForEdges(n);
    }

    /** Null for a quarter of the edges. */
    public static String edgeType(int i) {
        return EDGE_TYPES[i % EDGE_TYPES.length];
    }

    public static double weight(int i) {
        return (i % 1000) / 10.0 + 0.5;
    }

    public static String edgeProperties(int i) {
        return EDGE_PROPERTIES[i % EDGE_PROPERTIES.length];
    }

    // --- narrow

    public static long narrowId(int i) {
        return i;
    }

    public static int narrowValue(int i) {
        return (int) (i * 31L % 1_000_003);
    }
}
