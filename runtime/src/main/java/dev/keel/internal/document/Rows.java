package dev.keel.internal.document;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Running compiled {@link Sql} on a connection, and turning rows back into documents. */
final class Rows {
    interface Reader {
        void row(ResultSet rs) throws SQLException;
    }

    private Rows() {
    }

    static PreparedStatement prepare(Connection c, Sql sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql.text());
        try {
            sql.bindTo(ps, 1);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    static void query(Connection c, Sql sql, Reader reader) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                reader.row(rs);
            }
        }
    }

    static long queryLong(Connection c, Sql sql) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static String queryString(Connection c, Sql sql) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static int update(Connection c, Sql sql) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql)) {
            return ps.executeUpdate();
        }
    }

    /** The document a row holds: {@code _id} (when included) first, then the data's fields. */
    static ObjectNode document(String id, String data, boolean includeId) {
        ObjectNode body = DocumentJson.parseStored(data);
        if (!includeId) {
            return body;
        }
        ObjectNode out = DocumentJson.MAPPER.createObjectNode();
        out.put("_id", id);
        out.setAll(body);
        return out;
    }
}
