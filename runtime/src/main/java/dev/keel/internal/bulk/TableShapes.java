package dev.keel.internal.bulk;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jooq.Table;

/**
 * One Keel instance's cache of table shapes, so repeated small loads read the catalog once per table. A table
 * altered while Keel runs keeps its old shape for that instance's lifetime.
 */
public final class TableShapes {
    private final ConcurrentMap<String, TableShape> cache = new ConcurrentHashMap<>();

    TableShape get(Connection c, Table<?> table, boolean allowNonFinite, int maxJsonBytes) throws SQLException {
        String key = TableShape.quotedName(table) + '|' + allowNonFinite + '|' + maxJsonBytes;
        TableShape shape = cache.get(key);
        if (shape == null) {
            shape = TableShape.read(c, table, allowNonFinite, maxJsonBytes);
            cache.put(key, shape);
        }
        return shape;
    }
}
