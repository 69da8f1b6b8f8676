package dev.keel.graph;

import org.jooq.JSONB;

/**
 * One directed edge of a {@link GraphSnapshot}. Both ends must be nodes of the same snapshot.
 *
 * @param from       the source node's id
 * @param to         the target node's id
 * @param type       the edge's type, or null
 * @param weight     finite weight
 * @param properties free-form JSON object; never null ({@code {}} when empty)
 */
public record EdgeState(long from, long to, String type, double weight, JSONB properties) {
    public EdgeState {
        properties = properties == null ? NodeState.EMPTY : properties;
    }

    /** An untyped edge with weight 1 and no properties. */
    public static EdgeState of(long from, long to) {
        return new EdgeState(from, to, null, 1.0, NodeState.EMPTY);
    }
}
