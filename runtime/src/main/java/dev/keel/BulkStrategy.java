package dev.keel;

/** How a {@link BulkWriter} sends rows. */
public enum BulkStrategy {
    /**
     * Buffers the first rows: a load that ends within {@link BulkWriter#AUTO_COPY_THRESHOLD} rows goes as
     * multi-row INSERTs, a larger one as binary COPY. ON CONFLICT and RETURNING always use multi-row INSERTs.
     */
    AUTO,
    /** {@code INSERT … VALUES (…), (…)} in chunks under PostgreSQL's bind-parameter limit. */
    MULTI_ROW,
    /** {@code COPY … FROM STDIN (FORMAT binary)}. */
    COPY
}
