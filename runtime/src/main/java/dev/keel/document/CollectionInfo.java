package dev.keel.document;

import java.time.Duration;

/**
 * A collection as recorded in Keel's catalog.
 *
 * @param name         the collection's name
 * @param table        its table, schema-qualified
 * @param retention    its retention, or {@code null}
 * @param subjectField its subject field, or {@code null}
 * @param audit        whether erasure keeps it
 * @param partitionedByMonth whether it is {@linkplain CollectionOptions#partitionedByMonth() partitioned by month}
 */
public record CollectionInfo(String name, String table, Duration retention, String subjectField, boolean audit,
                             boolean partitionedByMonth) {
}
