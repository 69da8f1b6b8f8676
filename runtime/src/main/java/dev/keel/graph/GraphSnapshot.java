package dev.keel.graph;

import java.util.List;
import java.util.Objects;
import org.jooq.JSONB;

/**
 * A graph in memory: a header plus its nodes and edges. Use {@link GraphStore#writer} or
 * {@link GraphStore#stream} for graphs larger than memory.
 *
 * @param info  null before the snapshot is saved; the stored header after {@link GraphStore#load}
 * @param name  the snapshot series' name; versions count up per name
 * @param algorithm the algorithm that produced it (1–200 characters)
 * @param metadata  free-form JSON object; never null
 */
public record GraphSnapshot(SnapshotInfo info, String name, String algorithm, JSONB metadata,
                            List<NodeState> nodes, List<EdgeState> edges) {
    public GraphSnapshot {
        Objects.requireNonNull(name, "name");
        metadata = metadata == null ? NodeState.EMPTY : metadata;
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A snapshot to save. */
    public static GraphSnapshot of(String name, String algorithm, JSONB metadata, List<NodeState> nodes,
                                   List<EdgeState> edges) {
        return new GraphSnapshot(null, name, algorithm, metadata, nodes, edges);
    }
}
