package dev.keel.cli;

import org.jooq.JSONB;

/**
 * A snapshot's header as an import file carries it: name, algorithm and metadata, plus the node and edge counts
 * that an export records so that an import can tell a truncated file (null when not given).
 */
record SnapshotHeader(String name, String algorithm, JSONB metadata, Long nodes, Long edges) {
}
