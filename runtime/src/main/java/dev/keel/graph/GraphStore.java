package dev.keel.graph;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.JSONB;

/**
 * Graph snapshots in PostgreSQL. A large snapshot's nodes and edges are bulk-loaded into partitions of their own,
 * indexed, checked and attached in one step; a small one's go into shared storage in one transaction (below). Either
 * way a snapshot is wholly visible or not at all. Obtain one from {@code keel.graphs()}; it is thread-safe.
 *
 * <p>What a save checks, before anything becomes visible: the name and algorithm are 1–200 characters;
 * metadata and properties are JSON objects within the size cap (PostgreSQL's jsonb parser checks the syntax of
 * properties as they load); activation levels, distances and weights are finite; node ids are unique; every edge's
 * ends are nodes of the snapshot (checked in memory as edges are sent when the nodes are a {@link
 * java.util.Collection}, otherwise in the database once both tables are loaded). A failed check throws
 * {@link dev.keel.error.InvalidInputException} naming the node or edge (0-based, in input order) and stores
 * nothing. Versions count up per name from a counter taken in the publishing transaction: concurrent saves of one
 * name get distinct versions, a failed save uses none, and a deleted version's number is never handed out again.
 *
 * <p>Small snapshots, of at most {@link #SHARED_MAX_ROWS} nodes and edges together, take a faster path: their rows
 * go into storage shared by all small snapshots (the tables' default partitions), with one binary COPY per table in
 * the one transaction that also inserts the snapshot's row. They get the same checks and the same all-or-nothing
 * visibility, and every method here treats both kinds alike. A save whose nodes and edges are not collections,
 * and a {@link #writer}, hold up to that many rows in memory until they know which path to take.
 *
 * <p>A large save uses two pooled connections at once, so the pool needs at least two (with one, a large save fails
 * at once), and at most half the pool's connections run large saves at a time; further ones wait their turn. A small
 * save uses one connection. {@link #stream} uses one connection; {@link #load} of 50,000 rows or more of a large
 * snapshot reads half of them on a second connection when a save's slot is free, and on one otherwise.
 *
 * <p>The queries ({@link #neighbours}, {@link #edges}, {@link #khop}, {@link #pathTo}, {@link #nodes(UUID,
 * NodeFilter)}, {@link #diff}) read a stored snapshot in place, each through an index, without loading it. They
 * throw {@link dev.keel.error.NotFoundException} when there is no such snapshot.
 */
public interface GraphStore {
    /**
     * Snapshots of at most this many nodes and edges together are stored in shared storage rather than in
     * partitions of their own; where the two paths were measured to cross (see the README's Graph snapshots section).
     */
    int SHARED_MAX_ROWS = 10_000;

    /** Saves a whole snapshot and returns its id; its version is one more than the name's latest. */
    UUID save(GraphSnapshot snapshot);

    /**
     * Saves a snapshot read from two sources, nodes and edges, which are loaded side by side on two connections
     * with bounded memory; each source is iterated once. The fastest way to store a graph larger than memory.
     */
    SnapshotInfo save(String name, String algorithm, JSONB metadata, Iterable<NodeState> nodes,
                      Iterable<EdgeState> edges);

    /**
     * Starts a streaming save that accepts nodes and edges in any order from one thread; see
     * {@link SnapshotWriter}.
     */
    SnapshotWriter writer(String name, String algorithm, JSONB metadata);

    /**
     * Loads a snapshot into memory, nodes and edges in the order they were saved.
     *
     * @throws dev.keel.error.NotFoundException when there is no such snapshot
     */
    GraphSnapshot load(UUID id);

    /**
     * Streams a snapshot to {@code visitor} with bounded memory.
     *
     * @throws dev.keel.error.NotFoundException when there is no such snapshot
     */
    void stream(UUID id, GraphVisitor visitor);

    Optional<SnapshotInfo> info(UUID id);

    /** The highest version saved under {@code name}. */
    Optional<SnapshotInfo> latest(String name);

    /** All snapshots, newest first. */
    default List<SnapshotInfo> list() {
        return list(null, null);
    }

    /** Snapshots filtered by name and algorithm (null matches any), newest first. */
    List<SnapshotInfo> list(String name, String algorithm);

    /** Deletes a snapshot with its nodes and edges; false when there was none. */
    boolean delete(UUID id);

    // ---- names as a history ---------------------------------------------------------------------------------

    /**
     * Loads the latest version saved under {@code name}.
     *
     * @throws dev.keel.error.NotFoundException when no snapshot has that name
     */
    GraphSnapshot load(String name);

    /** Every stored version of {@code name}, newest first; empty when there is none. */
    List<SnapshotInfo> history(String name);

    /**
     * Deletes every version of {@code name} but the newest {@code lastN}, in one transaction, and returns how many
     * it deleted. Versions are never handed out again: the next save still gets the next number.
     *
     * @throws dev.keel.error.InvalidInputException when {@code lastN} is less than 1 (use {@link #delete} for the
     *                                              last ones)
     */
    int keep(String name, int lastN);

    // ---- queries on a stored snapshot -----------------------------------------------------------------------

    /**
     * The neighbours of node {@code nodeId}, each with the edge that joins them, in saved order (for
     * {@link Direction#BOTH}: outgoing edges, then incoming ones); one entry per edge, so parallel edges give a
     * neighbour more than once. Empty when the node has none or is not in the snapshot.
     */
    List<Neighbour> neighbours(UUID snapshotId, long nodeId, Direction direction);

    /** The edges from {@code from} to {@code to}, in saved order; empty when there is none. */
    List<EdgeState> edges(UUID snapshotId, long from, long to);

    /**
     * The nodes reachable from {@code nodeId} in 1 to {@code k} steps along outgoing edges, each once with its
     * fewest steps, nearest first (then by id), at most {@code limit} of them; the start node itself is left out.
     * Computed in the database by a recursive query that keeps each node once per depth, so cycles and many paths
     * to one node cost nothing extra.
     *
     * @throws dev.keel.error.InvalidInputException when {@code k} or {@code limit} is less than 1
     */
    List<Hop> khop(UUID snapshotId, long nodeId, int k, int limit);

    /**
     * The path the algorithm recorded to {@code nodeId}: its {@code parent}, that node's parent and so on back to a
     * node without one, root first and {@code nodeId} last. The walk stops early at a parent that is not in the
     * snapshot (the first node then still has a parent) and at a node met twice (a cycle of parents). Empty when
     * {@code nodeId} is not in the snapshot.
     */
    List<NodeState> pathTo(UUID snapshotId, long nodeId);

    /**
     * Streams the nodes that match {@code filter}, in no particular order, with bounded memory. The stream holds a
     * pooled connection until it is closed: use it in try-with-resources.
     *
     * @throws dev.keel.error.InvalidInputException when a bound is not finite or a range's low end exceeds its
     *                                              high end
     */
    Stream<NodeState> nodes(UUID snapshotId, NodeFilter filter);

    /**
     * Streams how the nodes of {@code after} differ from those of {@code before}: nodes added, removed and changed,
     * by node id, with bounded memory; unchanged nodes are left out. Both snapshots are read in one database
     * snapshot. The stream holds a pooled connection until it is closed: use it in try-with-resources.
     */
    Stream<NodeChange> diff(UUID before, UUID after);
}
