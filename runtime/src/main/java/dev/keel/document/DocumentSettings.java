package dev.keel.document;

import dev.keel.error.InvalidInputException;
import java.time.Duration;

/**
 * How {@code keel.documents()} runs, given to {@code Keel.builder().documents(settings)}: a periodic purge of
 * expired documents, pseudonyms for the subject of audit documents kept by an erasure, and which collection
 * operations the access log records. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * Keel keel = Keel.builder().jdbcUrl(url)
 *         .documents(DocumentSettings.defaults().purgeEvery(Duration.ofMinutes(10))
 *                 .pseudonymiseAudit(secretKey).logWrites().logReads())
 *         .build();
 * }</pre>
 */
public final class DocumentSettings {
    /** The shortest key {@link #pseudonymiseAudit(String)} takes. */
    public static final int MIN_KEY_LENGTH = 16;
    private static final DocumentSettings DEFAULTS = new DocumentSettings(null, null, false, false, null);

    private final Duration purgeInterval;
    private final String pseudonymKey;
    private final boolean logWrites;
    private final boolean logReads;
    private final Duration accessLogRetention;

    private DocumentSettings(Duration purgeInterval, String pseudonymKey, boolean logWrites, boolean logReads,
                             Duration accessLogRetention) {
        this.purgeInterval = purgeInterval;
        this.pseudonymKey = pseudonymKey;
        this.logWrites = logWrites;
        this.logReads = logReads;
        this.accessLogRetention = accessLogRetention;
    }

    /**
     * No periodic purge, audit documents keep their subject, and the access log records subject exports and
     * erasures only (and what the application records itself).
     */
    public static DocumentSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Runs {@link DocumentStore#purgeExpired()} every {@code interval} on one of Keel's background threads, from
     * {@code build()} until Keel is closed. A failed purge is logged and tried again at the next interval.
     */
    public DocumentSettings purgeEvery(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new InvalidInputException("must be positive, was " + interval, "documents.purgeEvery");
        }
        return new DocumentSettings(interval, pseudonymKey, logWrites, logReads, accessLogRetention);
    }

    /**
     * On {@link DocumentStore#eraseSubject(String)}, replaces the subject of the documents kept in audit
     * collections (the {@code subject_id} column and the subject field in the document) and the target of the
     * access log entries that named it with a pseudonym: {@code "pseudonym:"} and an HMAC-SHA256 of the subject
     * under {@code key}. The same subject under the same key always gets the same pseudonym, so an audit trail stays
     * linked; without the key the subject cannot be recovered. Keep the key secret and stable.
     */
    public DocumentSettings pseudonymiseAudit(String key) {
        if (key == null || key.length() < MIN_KEY_LENGTH) {
            throw new InvalidInputException("the key must be at least " + MIN_KEY_LENGTH + " characters",
                    "documents.pseudonymiseAudit");
        }
        return new DocumentSettings(purgeInterval, key, logWrites, logReads, accessLogRetention);
    }

    /**
     * Records every insert, update, replace and delete of a collection in the access log, with its outcome. Each
     * record is one more INSERT, written after the operation on a connection of its own.
     */
    public DocumentSettings logWrites() {
        return new DocumentSettings(purgeInterval, pseudonymKey, true, logReads, accessLogRetention);
    }

    /** Records reads too (findById, find, findPage, stream, count), as {@link #logWrites()} records writes. */
    public DocumentSettings logReads() {
        return new DocumentSettings(purgeInterval, pseudonymKey, logWrites, true, accessLogRetention);
    }

    /**
     * Keeps the access log ({@code keel.doc_access_log}, partitioned by month of its entries' time) for
     * {@code retention}: {@link DocumentStore#purgeExpired()} then drops each month of entries whole once the
     * month ended longer than {@code retention} ago, and keeps the log's partitions (this month's and the next
     * {@value CollectionOptions#MONTHS_AHEAD}) made ahead. The first purge moves the entries already logged into
     * partitions of their months, one month per transaction, and entries written meanwhile wait for each move.
     * Without it the access log is kept for ever.
     */
    public DocumentSettings accessLogRetention(Duration retention) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new InvalidInputException("must be positive, was " + retention, "documents.accessLogRetention");
        }
        return new DocumentSettings(purgeInterval, pseudonymKey, logWrites, logReads, retention);
    }

    /** How long the access log is kept, or {@code null} for ever. */
    public Duration accessLogRetention() {
        return accessLogRetention;
    }

    /** The interval of the periodic purge, or {@code null} for none. */
    public Duration purgeInterval() {
        return purgeInterval;
    }

    /** The key of audit pseudonyms, or {@code null} when audit documents keep their subject. */
    public String pseudonymKey() {
        return pseudonymKey;
    }

    public boolean logsWrites() {
        return logWrites;
    }

    public boolean logsReads() {
        return logReads;
    }

    @Override
    public String toString() {
        return "DocumentSettings[purgeEvery=" + purgeInterval + ", pseudonymiseAudit="
                + (pseudonymKey == null ? "off" : "on") + ", logWrites=" + logWrites + ", logReads=" + logReads
                + ", accessLogRetention=" + accessLogRetention + "]";
    }
}
