package dev.keel.cli;

import dev.keel.graph.SnapshotInfo;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the graph commands show a snapshot's header: the same names in the table, the text and the JSON. */
final class SnapshotFields {
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");

    private SnapshotFields() {
    }

    /** One row of {@code keel graph list}. */
    static Map<String, Object> row(SnapshotInfo info, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", info.id().toString());
        row.put("name", info.name());
        row.put("version", info.version());
        row.put("algorithm", info.algorithm());
        row.put("nodes", info.nodeCount());
        row.put("edges", info.edgeCount());
        row.put("created", created(info, json));
        return row;
    }

    /** Everything {@code keel graph show} prints. */
    static Map<String, Object> all(SnapshotInfo info, boolean json) {
        Map<String, Object> all = row(info, json);
        all.put("metadata", info.metadata());
        return all;
    }

    /** ISO-8601 for scripts, UTC to the second for people. */
    private static String created(SnapshotInfo info, boolean json) {
        if (info.createdAt() == null) {
            return null;
        }
        return json ? info.createdAt().toString()
                : CREATED.format(info.createdAt().withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code name v3 (1,000 nodes, 3,000 edges)}. */
    static String label(SnapshotInfo info) {
        return String.format("%s v%d (%,d nodes, %,d edges)", info.name(), info.version(), info.nodeCount(),
                info.edgeCount());
    }
}
