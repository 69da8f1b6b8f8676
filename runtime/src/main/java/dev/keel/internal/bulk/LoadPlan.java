package dev.keel.internal.bulk;

import dev.keel.error.InvalidInputException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Converter;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.TableRecord;

/**
 * The columns one load writes, in order, with how to read each from a record and encode it; and the rule that
 * every record sets the same columns as the first.
 */
final class LoadPlan<R extends TableRecord<R>> {
    /** One written column: the generated field, its index in the record, the catalog's column, the converter. */
    record Col(Field<?> field, int index, TableShape.Column column, Converter<Object, Object> converter) {
        Codec codec() {
            return column.codec();
        }
    }

    private final Table<R> table;
    private final List<Col> columns;
    private final boolean[] expectedChanged;
    private final boolean[] unwritable;
    private final String columnList;

    private LoadPlan(Table<R> table, List<Col> columns, boolean[] expectedChanged, boolean[] unwritable,
                     String columnList) {
        this.table = table;
        this.columns = columns;
        this.expectedChanged = expectedChanged;
        this.unwritable = unwritable;
        this.columnList = columnList;
    }

    List<Col> columns() {
        return columns;
    }

    int size() {
        return columns.size();
    }

    /** The quoted column names, comma-separated. */
    String columnList() {
        return columnList;
    }

    Table<R> table() {
        return table;
    }

    /** Decides the columns from the options or the first record, and checks the catalog can encode them. */
    static <R extends TableRecord<R>> LoadPlan<R> of(Connection c, Table<R> table, TableShapes shapes,
                                                     BulkOptions<R> options, R first) throws SQLException {
        TableShape shape = shapes.get(c, table, options.allowNonFinite(), options.maxJsonBytes());
        Field<?>[] fields = table.fields();
        List<Col> cols = new ArrayList<>();
        boolean[] expected = null;
        boolean[] unwritable = new boolean[fields.length];
        if (!options.columns().isEmpty()) {
            for (Field<?> f : options.columns()) {
                int index = table.indexOf(f);
                if (index < 0) {
                    throw BulkEngine.invalid("column " + f.getName() + " is not a column of " + table.getName(), f.getName());
                }
                TableShape.Column col = catalogColumn(shape, fields[index]);
                if (!col.writable()) {
                    throw BulkEngine.invalid("column " + f.getName() + " is generated or identity ALWAYS and cannot be written",
                            f.getName());
                }
                cols.add(col(fields[index], index, col));
            }
        } else {
            boolean anyChanged = false;
            for (int i = 0; i < fields.length; i++) {
                anyChanged |= first.changed(i);
            }
            if (anyChanged) {
                expected = new boolean[fields.length];
            }
            for (int i = 0; i < fields.length; i++) {
                TableShape.Column col = catalogColumn(shape, fields[i]);
                if (!col.writable()) {
                    unwritable[i] = true;
                    continue;
                }
                if (anyChanged) {
                    expected[i] = first.changed(i);
                    if (!expected[i]) {
                        continue;
                    }
                }
                cols.add(col(fields[i], i, col));
            }
        }
        if (cols.isEmpty()) {
            throw BulkEngine.invalid("bulk write into " + table.getName() + ": no writable column is set", table.getName());
        }
        for (Col col : cols) {
            if (col.codec() == null) {
                throw BulkEngine.invalid("bulk write into " + table.getName() + ": column " + col.field().getName()
                        + " has type " + col.column().typname() + ", which bulk writes do not support; "
                        + "leave it out with columns(...) or insert these rows with jOOQ", col.field().getName());
            }
        }
        StringBuilder list = new StringBuilder();
        for (Col col : cols) {
            list.append(list.length() == 0 ? "" : ", ").append(TableShape.quote(col.column().name()));
        }
        return new LoadPlan<>(table, List.copyOf(cols), expected, unwritable, list.toString());
    }

    private static TableShape.Column catalogColumn(TableShape shape, Field<?> field) {
        TableShape.Column col = shape.column(field.getName());
        if (col == null) {
            throw BulkEngine.invalid("bulk write into " + shape.qualifiedName() + ": the generated class has column "
                    + field.getName() + " but the database table does not; regenerate the classes", field.getName());
        }
        return col;
    }

    @SuppressWarnings("unchecked")
    private static Col col(Field<?> field, int index, TableShape.Column column) {
        Converter<Object, Object> converter = (Converter<Object, Object>) field.getConverter();
        boolean identity = converter == null || converter.fromType() == converter.toType();
        return new Col(field, index, column, identity ? null : converter);
    }

    /** The database value of {@code col} in {@code row}. */
    Object value(R row, Col col) {
        Object v = row.get(col.index());
        return v == null || col.converter() == null ? v : col.converter().to(v);
    }

    void checkColumns(R row, long index) {
        boolean[] expected = expectedChanged;
        if (expected == null) {
            return;
        }
        for (int i = 0; i < expected.length; i++) {
            if (row.changed(i) != expected[i] && !unwritable[i]) {
                Field<?> f = table.field(i);
                throw BulkEngine.invalid("bulk write into " + table.getName() + ": row " + index + (row.changed(i)
                        ? " sets column " + f.getName() + ", which row 0 left unset"
                        : " leaves column " + f.getName() + " unset, which row 0 set")
                        + "; every row of a load writes the same columns (or choose them with columns(...))",
                        f.getName());
            }
        }
    }

    InvalidInputException badValue(long index, Col col, BadValue e) {
        return BulkEngine.invalid("bulk write into " + table.getName() + ": row " + index + " (0-based), column "
                + col.field().getName() + " (" + col.codec().typeName() + "): " + e.getMessage(),
                col.field().getName());
    }
}
