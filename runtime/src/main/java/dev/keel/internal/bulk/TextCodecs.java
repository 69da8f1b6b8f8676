package dev.keel.internal.bulk;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import org.jooq.EnumType;

/** Codecs of text, uuid, bytea and enum labels. */
final class TextCodecs {
    private TextCodecs() {
    }

    static final class Text extends Codec {
        private final int maxLength;

        Text(String name, int maxLength) {
            super(maxLength > 0 ? name + "(" + maxLength + ")" : name);
            this.maxLength = maxLength;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof String s)) throw Codec.expected("String", v);
            Codec.checkText(s, maxLength, typeName());
            int at = out.beginField();
            out.utf8(s);
            out.endField(at);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setString(i, (String) v);
        }
    }

    static final class Uuid extends Codec {
        Uuid() { super("uuid"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof UUID u)) throw Codec.expected("UUID", v);
            out.int32(16);
            out.int64(u.getMostSignificantBits());
            out.int64(u.getLeastSignificantBits());
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    static final class Bytea extends Codec {
        Bytea() { super("bytea"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof byte[] b)) throw Codec.expected("byte[]", v);
            out.int32(b.length);
            out.put(b, 0, b.length);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setBytes(i, (byte[]) v);
        }

        @Override public String text(Object v) {
            return "\\x" + HexFormat.of().formatHex((byte[]) v);
        }
    }

    static final class Enum extends Codec {
        private final Set<String> labels;

        Enum(String qualifiedName, Set<String> labels) {
            super(qualifiedName);
            this.labels = labels;
        }

        private String label(Object v) throws BadValue {
            String label;
            if (v instanceof EnumType e) {
                label = e.getLiteral();
            } else if (v instanceof String s) {
                label = s;
            } else {
                throw Codec.expected("an enum of " + typeName(), v);
            }
            if (!labels.contains(label)) {
                throw new BadValue("'" + label + "' is not a label of enum " + typeName());
            }
            return label;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            String label = label(v);
            int at = out.beginField();
            out.utf8(label);
            out.endField(at);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setString(i, text(v));
        }

        @Override public String cast() {
            return "::" + typeName();
        }

        @Override public String text(Object v) {
            return v instanceof EnumType e ? e.getLiteral() : (String) v;
        }
    }
}
