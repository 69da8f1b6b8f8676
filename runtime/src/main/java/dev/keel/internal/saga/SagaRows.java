package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;

import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.db.tables.records.SagasRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.EnumType;
import org.jooq.Field;
import org.jooq.JSONB;

/**
 * Runs the saga statements that workers issue for every step and claim, as fixed SQL on plain JDBC, and reads the
 * saga rows they return into records: column by column in the generated table's order, with readers chosen once per
 * column type. Building and rendering those statements through jOOQ's DSL cost a worker more CPU than the server
 * spent running them.
 */
final class SagaRows {
    @FunctionalInterface
    private interface Reader {
        Object read(ResultSet rs, int column) throws SQLException;
    }

    private static final Field<?>[] FIELDS = SAGAS.fields();
    private static final Reader[] READERS = readers();
    /** The select list of a statement that returns saga rows: the columns {@link #read} expects, in its order. */
    static final String COLUMNS = columns();

    private SagaRows() {
    }

    private static String columns() {
        StringBuilder b = new StringBuilder();
        for (Field<?> f : FIELDS) {
            b.append(b.length() == 0 ? "" : ", ").append('"').append(f.getName()).append('"');
        }
        return b.toString();
    }

    private static Reader[] readers() {
        Reader[] r = new Reader[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            r[i] = reader(FIELDS[i].getType());
        }
        return r;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Reader reader(Class<?> type) {
        if (type == UUID.class) {
            return (rs, i) -> rs.getObject(i, UUID.class);
        } else if (type == String.class) {
            return ResultSet::getString;
        } else if (type == Integer.class) {
            return (rs, i) -> {
                int v = rs.getInt(i);
                return rs.wasNull() ? null : v;
            };
        } else if (type == Long.class) {
            return (rs, i) -> {
                long v = rs.getLong(i);
                return rs.wasNull() ? null : v;
            };
        } else if (type == Boolean.class) {
            return (rs, i) -> {
                boolean v = rs.getBoolean(i);
                return rs.wasNull() ? null : v;
            };
        } else if (type == OffsetDateTime.class) {
            return (rs, i) -> rs.getObject(i, OffsetDateTime.class);
        } else if (type == JSONB.class) {
            return (rs, i) -> {
                String v = rs.getString(i);
                return v == null ? null : JSONB.valueOf(v);
            };
        } else if (EnumType.class.isAssignableFrom(type) && type.isEnum()) {
            return (rs, i) -> {
                String v = rs.getString(i);
                return v == null ? null : EnumType.lookupLiteral((Class) type, v);
            };
        }
        throw new IllegalStateException("keel.sagas has a column of type " + type.getName()
                + " that SagaRows cannot read");
    }

    /** The saga rows {@code sql} returns with {@code binds} (UUID, String, Integer, Long or null) on {@code c}. */
    private static List<SagasRecord> query(DSLContext dsl, Connection c, String sql, Object... binds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < binds.length; i++) {
                ps.setObject(i + 1, binds[i]);
            }
            List<SagasRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(dsl, rs));
                }
            }
            return out;
        }
    }

    /** As {@link #query}, translating a failure into Keel's errors; {@code op} names the operation in them. */
    static List<SagasRecord> run(DSLContext dsl, String op, String sql, Object... binds) {
        return dsl.connectionResult(c -> {
            try {
                return query(dsl, c, sql, binds);
            } catch (SQLException e) {
                throw ErrorTranslator.translate(op, e);
            }
        });
    }

    private static SagasRecord read(DSLContext dsl, ResultSet rs) throws SQLException {
        SagasRecord r = dsl.newRecord(SAGAS);
        for (int i = 0; i < FIELDS.length; i++) {
            set(r, FIELDS[i], READERS[i].read(rs, i + 1));
        }
        r.changed(false);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(SagasRecord r, Field<T> f, Object v) {
        r.set(f, (T) v);
    }
}
