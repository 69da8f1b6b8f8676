package dev.keel.internal.bulk;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** One-dimensional arrays of any other codec's type, in PostgreSQL's binary array format. */
final class ArrayCodec extends Codec {
    private final Codec element;
    private final int elementOid;
    private final String sqlType;

    ArrayCodec(Codec element, int elementOid, String elementSqlType) {
        super(element.typeName() + "[]");
        this.element = element;
        this.elementOid = elementOid;
        this.sqlType = elementSqlType + "[]";
    }

    @Override public void write(Object v, CopyBuffer out) throws BadValue {
        if (!(v instanceof Object[] items)) throw Codec.expected("an array", v);
        int at = out.beginField();
        boolean hasNull = false;
        for (Object item : items) {
            if (item == null) {
                hasNull = true;
            } else if (item instanceof Object[]) {
                throw new BadValue("multidimensional arrays are not supported by bulk writes");
            }
        }
        out.int32(items.length == 0 ? 0 : 1);
        out.int32(hasNull ? 1 : 0);
        out.int32(elementOid);
        if (items.length > 0) {
            out.int32(items.length);
            out.int32(1);
        }
        for (int k = 0; k < items.length; k++) {
            if (items[k] == null) {
                out.nullField();
            } else {
                try {
                    element.write(items[k], out);
                } catch (BadValue e) {
                    throw new BadValue("element " + k + ": " + e.getMessage());
                }
            }
        }
        out.endField(at);
    }

    @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        ps.setString(i, text(v));
    }

    @Override public String cast() {
        return "::" + sqlType;
    }

    @Override public String text(Object v) {
        Object[] items = (Object[]) v;
        StringBuilder sb = new StringBuilder().append('{');
        for (int k = 0; k < items.length; k++) {
            if (k > 0) sb.append(',');
            if (items[k] == null) {
                sb.append("NULL");
            } else {
                appendElement(sb, element.text(items[k]));
            }
        }
        return sb.append('}').toString();
    }

    /** Appends {@code text} as a quoted element of an array literal. */
    static void appendElement(StringBuilder sb, String text) {
        sb.append('"');
        for (int c = 0; c < text.length(); c++) {
            char ch = text.charAt(c);
            if (ch == '"' || ch == '\\') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        sb.append('"');
    }
}
