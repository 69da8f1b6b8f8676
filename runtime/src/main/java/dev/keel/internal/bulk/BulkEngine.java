package dev.keel.internal.bulk;

import dev.keel.BulkResult;
import dev.keel.Keel;
import java.util.Iterator;
import org.jooq.Table;
import org.jooq.TableRecord;

/** Runs one bulk load. */
public final class BulkEngine<R extends TableRecord<R>> {
    public BulkEngine(Keel keel, Table<R> table, BulkOptions<R> options) {
    }

    public BulkResult load(Iterator<? extends R> rows) {
        throw new UnsupportedOperationException("bulk engine under construction");
    }
}
