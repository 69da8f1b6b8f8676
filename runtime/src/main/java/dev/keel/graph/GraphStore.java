package dev.keel.graph;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.JSONB;

/**
 * Graph snapshots in PostgreSQL: each snapshot's nodes and edges are bulk-loaded into their own partitions,
 * indexed, checked and attached in one step, so a snapshot is either wholly visible or not at all.
 * Obtain one from {@code keel.graphs()}; it is thread-safe.
 *
 * <p>What a save checks, before anything becomes visible: the name and algorithm are 1–200 characters;
 * metadata and properties are JSON objects within the size cap (PostgreSQL's jsonb parser checks the syntax of
 * properties as they load); activation levels, distances and weights are finite; node ids are unique; every edge's
 * ends are nodes of the snapshot (checked in memory as edges are sent when the nodes are a {@link
 * java.util.Collection}, otherwise in the database once both tables are loaded). A failed check throws
 * {@link dev.keel.error.InvalidInputException} naming the node or edge (0-based, in input order) and stores
 * nothing. Versions count up per name, and concurrent saves of one name get distinct versions.
 *
 * <p>A save uses two pooled connections at once, so the pool needs at least two (with one, a save fails at once),
 * and at most half the pool's connections save at a time; further saves wait their turn. {@link #stream} uses one
 * connection; {@link #load} of 50,000 rows or more reads half of them on a second connection when a save's slot
 * is free, and on one otherwise.
 */
public interface GraphStore {
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
}
