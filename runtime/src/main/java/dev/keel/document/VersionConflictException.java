package dev.keel.document;

import dev.keel.KeelException;

/**
 * An update or replace named the version it read, and the document has moved on: nothing was written. Read the
 * document again (its version is {@link #currentVersion()}) and decide. Immutable and thread-safe.
 */
public final class VersionConflictException extends KeelException {
    private final String documentId;
    private final long expectedVersion;
    private final long currentVersion;

    public VersionConflictException(String documentId, long expectedVersion, long currentVersion) {
        super(documentId + ": expected version " + expectedVersion + " but the document is at version "
                + currentVersion, null, null);
        this.documentId = documentId;
        this.expectedVersion = expectedVersion;
        this.currentVersion = currentVersion;
    }

    /** {@code collection:id} of the document. */
    public String documentId() {
        return documentId;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    public long currentVersion() {
        return currentVersion;
    }
}
