package dev.keel.internal.graph;

import dev.keel.error.InvalidInputException;
import dev.keel.graph.NodeState;
import java.util.Arrays;
import java.util.Collection;

/**
 * The node ids of a snapshot whose nodes are all in memory, as an open-addressing hash set of {@code long}s
 * (16 bytes per node at most). With it a save checks node ids and edge ends while it encodes them, instead of
 * joining the staged tables afterwards.
 */
final class NodeIds {
    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] slots;
    private final int mask;
    private boolean hasEmptyMarker;

    private NodeIds(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1; // at most half full
        slots = new long[capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
    }

    /** Largest collection checked in memory; beyond it (8 GiB of slots) the database checks. */
    static final int MAX_NODES = 1 << 28;

    /**
     * The ids of {@code nodes}, or an {@link InvalidInputException} naming the first id that appears twice.
     *
     * @param snapshot the snapshot's name, for the error
     */
    static NodeIds of(String snapshot, Collection<NodeState> nodes) {
        NodeIds ids = new NodeIds(nodes.size());
        for (NodeState n : nodes) {
            if (n != null && !ids.add(n.id())) { // a null node is refused where it is encoded
                throw Staging.duplicateNode(snapshot, " " + n.id());
            }
        }
        return ids;
    }

    /** Adds {@code id}; false when it was there already. */
    boolean add(long id) {
        if (id == EMPTY) {
            if (hasEmptyMarker) {
                return false;
            }
            hasEmptyMarker = true;
            return true;
        }
        int i = slot(id);
        while (slots[i] != EMPTY) {
            if (slots[i] == id) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = id;
        return true;
    }

    boolean contains(long id) {
        if (id == EMPTY) {
            return hasEmptyMarker;
        }
        int i = slot(id);
        long v;
        while ((v = slots[i]) != EMPTY) {
            if (v == id) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private int slot(long id) {
        long h = id * 0x9E3779B97F4A7C15L; // Fibonacci hashing spreads sequential ids
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
