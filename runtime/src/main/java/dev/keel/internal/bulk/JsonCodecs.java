package dev.keel.internal.bulk;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jooq.JSON;
import org.jooq.JSONB;

/** Codecs of json and jsonb, and the JSON check they share with the graph store. */
final class JsonCodecs {
    private JsonCodecs() {
    }

    static final class Json extends Codec {
        private final boolean binary;
        private final int maxBytes;

        Json(boolean binary, int maxBytes) {
            super(binary ? "jsonb" : "json");
            this.binary = binary;
            this.maxBytes = maxBytes;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            String s = data(v);
            Codec.checkJson(s, maxBytes, binary);
            int at = out.beginField();
            if (binary) {
                out.int8(1); // jsonb's binary format version
            }
            out.utf8(s);
            out.endField(at);
            if (out.size() - at - 4 - (binary ? 1 : 0) > maxBytes) {
                out.truncate(at);
                throw new BadValue("JSON document is larger than the " + maxBytes + "-byte limit");
            }
        }

        private static String data(Object v) throws BadValue {
            if (v instanceof JSONB j) return j.data();
            if (v instanceof JSON j) return j.data();
            if (v instanceof String s) return s;
            throw Codec.expected("JSONB", v);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            try {
                ps.setString(i, data(v));
            } catch (BadValue e) {
                throw new IllegalStateException(e);
            }
        }

        @Override public String cast() {
            return binary ? "::jsonb" : "::json";
        }

        @Override public String text(Object v) {
            try {
                return data(v);
            } catch (BadValue e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
