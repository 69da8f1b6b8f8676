package dev.keel.benchmarks.data;

import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.NodeState;
import java.util.ArrayList;
import java.util.List;
import org.jooq.JSONB;

/**
 * The {@link Dataset}'s rows as graph snapshots for {@code GraphStore}. On the nodes shape a snapshot is
 * {@code n} nodes and no edges. On the edges shape it is {@code n} edges plus the
 * {@link Dataset#nodesForEdges(int) n/10 nodes} they connect, since an edge needs both ends; those nodes are
 * counted as rows written. On the graph shape it is {@code n} nodes and {@code n} edges: the snapshot whose save is
 * compared with raw binary COPY of the same nodes and edges into the indexed bench tables.
 */
public final class GraphData {
    /** The name every benchmark snapshot is saved under. */
    public static final String NAME = "keel-benchmarks";

    private GraphData() {
    }

    public static int nodes(String shape, int n) {
        return switch (shape) {
            case "nodes", "graph" -> n;
            case "edges" -> Dataset.nodesForEdges(n);
            default -> throw new IllegalArgumentException("GraphStore benchmarks take nodes, edges or graph, not "
                    + shape);
        };
    }

    public static int edges(String shape, int n) {
        return "edges".equals(shape) || "graph".equals(shape) ? n : 0;
    }

    /** Rows one save or load of this shape and size writes or reads. */
    public static long rows(String shape, int n) {
        return (long) nodes(shape, n) + edges(shape, n);
    }

    /**
     * An algorithm's checkpoint: {@code nodeCount} nodes (a binary tree by {@code parent}, as {@link Dataset} has
     * them) and {@code edgeCount} edges, spread evenly over the nodes as their outgoing edges, each to a node a
     * little further on.
     */
    public static GraphSnapshot checkpoint(String name, int nodeCount, int edgeCount) {
        List<NodeState> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new NodeState(Dataset.nodeId(i), Dataset.activation(i), JSONB.valueOf(Dataset.nodeProperties(i)),
                    Dataset.visited(i), Dataset.distance(i), Dataset.parent(i)));
        }
        int perNode = Math.max(1, (edgeCount + nodeCount - 1) / Math.max(1, nodeCount));
        List<EdgeState> edges = new ArrayList<>(edgeCount);
        for (int i = 0; i < edgeCount; i++) {
            long from = i / perNode;
            long to = (from + 1 + (i % perNode) * 17L) % nodeCount;
            edges.add(new EdgeState(from, to, Dataset.edgeType(i), Dataset.weight(i),
                    JSONB.valueOf(Dataset.edgeProperties(i))));
        }
        return GraphSnapshot.of(name, "benchmark", JSONB.valueOf("{\"nodes\": " + nodeCount + "}"), nodes, edges);
    }

    public static GraphSnapshot snapshot(String shape, int n) {
        int nodeCount = nodes(shape, n);
        List<NodeState> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new NodeState(Dataset.nodeId(i), Dataset.activation(i), JSONB.valueOf(Dataset.nodeProperties(i)),
                    Dataset.visited(i), Dataset.distance(i), Dataset.parent(i)));
        }
        int edgeCount = edges(shape, n);
        List<EdgeState> edges = new ArrayList<>(edgeCount);
        for (int i = 0; i < edgeCount; i++) {
            edges.add(new EdgeState(Dataset.edgeFrom(i), Dataset.edgeTo(i, n), Dataset.edgeType(i), Dataset.weight(i),
                    JSONB.valueOf(Dataset.edgeProperties(i))));
        }
        return GraphSnapshot.of(NAME, "benchmark", JSONB.valueOf("{\"rows\": " + n + "}"), nodes, edges);
    }
}
