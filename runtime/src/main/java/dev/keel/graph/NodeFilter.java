package dev.keel.graph;

/**
 * Which nodes of a stored snapshot {@link GraphStore#nodes(java.util.UUID, NodeFilter)} returns: every condition
 * given must hold. Ranges are inclusive; a node with no distance (unreached) never matches a distance range.
 * Immutable; each method returns a new filter.
 *
 * <pre>{@code
 * NodeFilter.all().visited(true).distanceBetween(0, 3)      // visited within three steps of the source
 * NodeFilter.all().activationBetween(0.8f, 1f)              // strongly activated
 * }</pre>
 *
 * @param visited       the visited flag to match, or null for either
 * @param minDistance   lowest distance, or null for no lower bound
 * @param maxDistance   highest distance, or null for no upper bound
 * @param minActivation lowest activation level, or null for no lower bound
 * @param maxActivation highest activation level, or null for no upper bound
 */
public record NodeFilter(Boolean visited, Float minDistance, Float maxDistance, Float minActivation,
                         Float maxActivation) {
    private static final NodeFilter ALL = new NodeFilter(null, null, null, null, null);

    /** No condition: every node. */
    public static NodeFilter all() {
        return ALL;
    }

    /** Only nodes whose visited flag is {@code flag}. */
    public NodeFilter visited(boolean flag) {
        return new NodeFilter(flag, minDistance, maxDistance, minActivation, maxActivation);
    }

    /** Only nodes with a distance from {@code min} to {@code max}. */
    public NodeFilter distanceBetween(float min, float max) {
        return new NodeFilter(visited, min, max, minActivation, maxActivation);
    }

    /** Only nodes with a distance of at most {@code max}: for a breadth-first search, those reached by step max. */
    public NodeFilter distanceAtMost(float max) {
        return new NodeFilter(visited, null, max, minActivation, maxActivation);
    }

    /** Only nodes with an activation level from {@code min} to {@code max}. */
    public NodeFilter activationBetween(float min, float max) {
        return new NodeFilter(visited, minDistance, maxDistance, min, max);
    }

    /** Only nodes with an activation level of at least {@code min}. */
    public NodeFilter activationAtLeast(float min) {
        return new NodeFilter(visited, minDistance, maxDistance, min, null);
    }
}
