package dev.keel.document;

import dev.keel.error.InvalidInputException;

/**
 * Options of an update or replace: upsert, and the version the caller read (optimistic concurrency). Immutable.
 */
public final class UpdateOptions {
    private static final UpdateOptions DEFAULTS = new UpdateOptions(false, null);
    private final boolean upsert;
    private final Long expectedVersion;

    private UpdateOptions(boolean upsert, Long expectedVersion) {
        this.upsert = upsert;
        this.expectedVersion = expectedVersion;
    }

    public static UpdateOptions defaults() {
        return DEFAULTS;
    }

    /** When nothing matches, insert a document made of the filter's equality fields with the update applied. */
    public UpdateOptions upsert() {
        return new UpdateOptions(true, expectedVersion);
    }

    /**
     * Apply only if the matched document still has this version; otherwise {@link VersionConflictException}
     * carrying the current version. For {@code updateOne} and {@code replaceOne}.
     */
    public UpdateOptions expectVersion(long version) {
        if (version < 1) {
            throw new InvalidInputException("must be >= 1, was " + version, "expectedVersion");
        }
        return new UpdateOptions(upsert, version);
    }

    public boolean isUpsert() {
        return upsert;
    }

    public Long expectedVersion() {
        return expectedVersion;
    }
}
