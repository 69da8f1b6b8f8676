package dev.keel.graph;

import java.util.Objects;
import org.jooq.JSONB;

/**
 * One node of a {@link GraphSnapshot}: the state a graph algorithm left it in.
 *
 * @param id              the node's id, unique within its snapshot
 * @param activationLevel activation (spreading-activation algorithms); finite
 * @param properties      free-form JSON object; never null ({@code {}} when empty)
 * @param visited         whether the algorithm visited the node
 * @param distance        distance from the source, or null when unreached; finite when present
 * @param parent          the node it was reached from, or null
 */
public record NodeState(long id, float activationLevel, JSONB properties, boolean visited, Float distance, Long parent) {
    static final JSONB EMPTY = JSONB.valueOf("{}");

    public NodeState {
        properties = properties == null ? EMPTY : properties;
    }

    /** A node with no state yet. */
    public static NodeState of(long id) {
        return new NodeState(id, 0f, EMPTY, false, null, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeState n && id == n.id
                && Float.compare(activationLevel, n.activationLevel) == 0 && visited == n.visited
                && Objects.equals(distance, n.distance) && Objects.equals(parent, n.parent)
                && properties.equals(n.properties);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }
}
