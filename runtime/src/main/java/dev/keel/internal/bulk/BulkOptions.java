package dev.keel.internal.bulk;

import dev.keel.BulkStrategy;
import dev.keel.BulkWriter;
import dev.keel.Tx;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jooq.Field;

/** A {@link BulkWriter}'s settings; immutable. */
public record BulkOptions<R>(BulkStrategy strategy, Tx tx, List<Field<?>> columns, Conflict conflict,
                             List<Field<?>> conflictKeys, Consumer<? super R> returning, boolean allowNonFinite,
                             int maxJsonBytes, LongConsumer progress) {
    public enum Conflict { FAIL, DO_NOTHING, DO_UPDATE }

    public static <R> BulkOptions<R> defaults() {
        return new BulkOptions<>(BulkStrategy.AUTO, null, List.of(), Conflict.FAIL, List.of(), null, false,
                BulkWriter.DEFAULT_MAX_JSON_BYTES, n -> { });
    }

    public BulkOptions<R> withStrategy(BulkStrategy s) {
        return new BulkOptions<>(s, tx, columns, conflict, conflictKeys, returning, allowNonFinite, maxJsonBytes, progress);
    }

    public BulkOptions<R> withTx(Tx t) {
        return new BulkOptions<>(strategy, t, columns, conflict, conflictKeys, returning, allowNonFinite, maxJsonBytes, progress);
    }

    public BulkOptions<R> withColumns(List<Field<?>> c) {
        return new BulkOptions<>(strategy, tx, c, conflict, conflictKeys, returning, allowNonFinite, maxJsonBytes, progress);
    }

    public BulkOptions<R> withConflict(Conflict c, List<Field<?>> keys) {
        return new BulkOptions<>(strategy, tx, columns, c, keys, returning, allowNonFinite, maxJsonBytes, progress);
    }

    public BulkOptions<R> withReturning(Consumer<? super R> sink) {
        return new BulkOptions<>(strategy, tx, columns, conflict, conflictKeys, sink, allowNonFinite, maxJsonBytes, progress);
    }

    public BulkOptions<R> withAllowNonFinite(boolean allow) {
        return new BulkOptions<>(strategy, tx, columns, conflict, conflictKeys, returning, allow, maxJsonBytes, progress);
    }

    public BulkOptions<R> withMaxJsonBytes(int bytes) {
        return new BulkOptions<>(strategy, tx, columns, conflict, conflictKeys, returning, allowNonFinite, bytes, progress);
    }

    public BulkOptions<R> withProgress(LongConsumer p) {
        return new BulkOptions<>(strategy, tx, columns, conflict, conflictKeys, returning, allowNonFinite, maxJsonBytes, p);
    }

    /** Whether the load needs INSERT (COPY cannot do ON CONFLICT or RETURNING). */
    public boolean needsInsert() {
        return conflict != Conflict.FAIL || returning != null;
    }
}
