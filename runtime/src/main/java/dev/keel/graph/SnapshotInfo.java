package dev.keel.graph;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.JSONB;

/** A stored snapshot's header, without its nodes and edges. */
public record SnapshotInfo(UUID id, String name, String algorithm, JSONB metadata, int version,
                           long nodeCount, long edgeCount, OffsetDateTime createdAt) {
}
