package dev.keel.internal.bulk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import org.jooq.EnumType;
import org.jooq.JSON;
import org.jooq.JSONB;

/**
 * Validates and encodes the values of one PostgreSQL column type: as a binary COPY field, as a JDBC parameter
 * (with the SQL cast the parameter needs), and as an element of a text array literal. Instances are immutable and
 * shared by all rows of a load.
 */
public abstract class Codec {
    /** Microseconds and days between the Unix epoch and PostgreSQL's, 2000-01-01. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final long PG_EPOCH_DAYS = 10_957L;
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private final String typeName;

    protected Codec(String typeName) {
        this.typeName = typeName;
    }

    /** The PostgreSQL type, as a person would write it, for messages. */
    public String typeName() {
        return typeName;
    }

    /** Writes {@code v} (not null) as one binary COPY field: length word, then the value. */
    public abstract void write(Object v, CopyBuffer out) throws BadValue;

    /** Binds {@code v} (not null, already validated by {@link #write}) as parameter {@code i}. */
    public abstract void bind(PreparedStatement ps, int i, Object v) throws SQLException;

    /** The cast a parameter of this type needs in SQL, e.g. {@code ::jsonb}; empty when none. */
    public String cast() {
        return "";
    }

    /** {@code v} as PostgreSQL's text input would read it, for array literals. */
    public String text(Object v) {
        return v.toString();
    }

    static BadValue expected(String what, Object v) {
        return new BadValue("expected " + what + " but got " + v.getClass().getName());
    }

    // ---- the codecs -------------------------------------------------------------------------------------------

    /** A codec for a type by its PostgreSQL name, or null when bulk writes do not support it. */
    static Codec forScalar(String typname, int typmod, boolean allowNonFinite, int maxJsonBytes) {
        return switch (typname) {
            case "int2" -> new Int2();
            case "int4" -> new Int4();
            case "int8" -> new Int8();
            case "float4" -> new Float4(allowNonFinite);
            case "float8" -> new Float8(allowNonFinite);
            case "numeric" -> new Numeric(typmod);
            case "bool" -> new Bool();
            case "text" -> new Text("text", -1);
            case "varchar" -> new Text("varchar", typmod > 4 ? typmod - 4 : -1);
            case "bpchar" -> new Text("char", typmod > 4 ? typmod - 4 : -1);
            case "uuid" -> new Uuid();
            case "date" -> new Date();
            case "time" -> new Time();
            case "timetz" -> new TimeTz();
            case "timestamp" -> new Timestamp();
            case "timestamptz" -> new TimestampTz();
            case "jsonb" -> new Json(true, maxJsonBytes);
            case "json" -> new Json(false, maxJsonBytes);
            case "bytea" -> new Bytea();
            default -> null;
        };
    }

    static Codec forEnum(String qualifiedName, Set<String> labels) {
        return new Enum(qualifiedName, labels);
    }

    static Codec forArray(Codec element, int elementOid, String elementSqlType) {
        return new Array(element, elementOid, elementSqlType);
    }

    private static final class Int2 extends Codec {
        Int2() { super("smallint"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Short s)) throw expected("Short", v);
            out.int32(2);
            out.int16(s);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setShort(i, (Short) v);
        }
    }

    private static final class Int4 extends Codec {
        Int4() { super("integer"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Integer n)) throw expected("Integer", v);
            out.int32(4);
            out.int32(n);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setInt(i, (Integer) v);
        }
    }

    private static final class Int8 extends Codec {
        Int8() { super("bigint"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Long n)) throw expected("Long", v);
            out.int32(8);
            out.int64(n);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setLong(i, (Long) v);
        }
    }

    private static final class Float4 extends Codec {
        private final boolean allowNonFinite;

        Float4(boolean allowNonFinite) {
            super("real");
            this.allowNonFinite = allowNonFinite;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Float f)) throw expected("Float", v);
            if (!allowNonFinite && !Float.isFinite(f)) throw nonFinite(f);
            out.int32(4);
            out.int32(Float.floatToRawIntBits(f));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setFloat(i, (Float) v);
        }

        @Override public String text(Object v) {
            return floatText((Float) v);
        }
    }

    private static final class Float8 extends Codec {
        private final boolean allowNonFinite;

        Float8(boolean allowNonFinite) {
            super("double precision");
            this.allowNonFinite = allowNonFinite;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Double d)) throw expected("Double", v);
            if (!allowNonFinite && !Double.isFinite(d)) throw nonFinite(d);
            out.int32(8);
            out.int64(Double.doubleToRawLongBits(d));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setDouble(i, (Double) v);
        }

        @Override public String text(Object v) {
            return floatText((Double) v);
        }
    }

    static BadValue nonFinite(double d) {
        return new BadValue(d + " is not a finite number; Keel refuses NaN and infinities in float columns "
                + "unless the writer allows them (allowNonFinite())");
    }

    private static String floatText(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return Double.toString(d);
    }

    private static final class Numeric extends Codec {
        private final int precision;
        private final int scale;

        Numeric(int typmod) {
            super(typmod >= 4 ? "numeric(" + (((typmod - 4) >> 16) & 0xffff) + "," + ((typmod - 4) & 0xffff) + ")"
                    : "numeric");
            this.precision = typmod >= 4 ? ((typmod - 4) >> 16) & 0xffff : -1;
            this.scale = typmod >= 4 ? (short) ((typmod - 4) & 0xffff) : -1;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof BigDecimal d)) throw expected("BigDecimal", v);
            BigDecimal value = fit(d);
            int at = out.beginField();
            writeNumeric(value, out);
            out.endField(at);
        }

        private BigDecimal fit(BigDecimal d) throws BadValue {
            if (precision < 0) {
                return d.scale() < 0 ? d.setScale(0) : d;
            }
            BigDecimal rounded = d.setScale(Math.max(scale, 0), RoundingMode.HALF_UP);
            int integerDigits = rounded.precision() - rounded.scale();
            if (rounded.signum() != 0 && integerDigits > precision - scale) {
                throw new BadValue(d.toPlainString().length() > 40 ? "value too large for " + typeName()
                        : d.toPlainString() + " does not fit " + typeName());
            }
            return rounded;
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setBigDecimal(i, (BigDecimal) v);
        }

        @Override public String text(Object v) {
            return ((BigDecimal) v).toPlainString();
        }

        private static void writeNumeric(BigDecimal value, CopyBuffer out) throws BadValue {
            int dscale = value.scale();
            int sign = value.signum() < 0 ? 0x4000 : 0;
            BigInteger unscaled = value.unscaledValue().abs();
            String digits = unscaled.toString();
            // Split into integer and fraction digits, then into base-10000 groups aligned on the decimal point.
            int intLen = digits.length() - dscale;
            String intPart;
            String fracPart;
            if (intLen > 0) {
                intPart = digits.substring(0, intLen);
                fracPart = digits.substring(intLen);
            } else {
                intPart = "";
                fracPart = "0".repeat(-intLen) + digits;
            }
            int intGroups = (intPart.length() + 3) / 4;
            String paddedInt = "0".repeat(intGroups * 4 - intPart.length()) + intPart;
            int fracGroups = (fracPart.length() + 3) / 4;
            String paddedFrac = fracPart + "0".repeat(fracGroups * 4 - fracPart.length());
            short[] groups = new short[intGroups + fracGroups];
            for (int g = 0; g < intGroups; g++) {
                groups[g] = Short.parseShort(paddedInt.substring(g * 4, g * 4 + 4));
            }
            for (int g = 0; g < fracGroups; g++) {
                groups[intGroups + g] = Short.parseShort(paddedFrac.substring(g * 4, g * 4 + 4));
            }
            int first = 0;
            int last = groups.length;
            while (first < last && groups[first] == 0) first++;
            while (last > first && groups[last - 1] == 0) last--;
            int weight = intGroups - 1 - first;
            if (first == last) { // zero
                weight = 0;
                sign = 0;
            }
            if (weight > Short.MAX_VALUE || dscale > 0x3FFF) {
                throw new BadValue("numeric value out of PostgreSQL's range");
            }
            out.int16(last - first);
            out.int16(weight);
            out.int16(sign);
            out.int16(dscale);
            for (int g = first; g < last; g++) {
                out.int16(groups[g]);
            }
        }
    }

    private static final class Bool extends Codec {
        Bool() { super("boolean"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Boolean b)) throw expected("Boolean", v);
            out.int32(1);
            out.int8(b ? 1 : 0);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setBoolean(i, (Boolean) v);
        }

        @Override public String text(Object v) {
            return (Boolean) v ? "t" : "f";
        }
    }

    private static final class Text extends Codec {
        private final int maxLength;

        Text(String name, int maxLength) {
            super(maxLength > 0 ? name + "(" + maxLength + ")" : name);
            this.maxLength = maxLength;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof String s)) throw expected("String", v);
            checkText(s, maxLength, typeName());
            int at = out.beginField();
            out.utf8(s);
            out.endField(at);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setString(i, (String) v);
        }
    }

    public static void checkText(String s, int maxLength, String typeName) throws BadValue {
        if (s.indexOf('\0') >= 0) {
            throw new BadValue("text contains a NUL character, which PostgreSQL cannot store");
        }
        if (maxLength > 0 && s.length() > maxLength && s.codePointCount(0, s.length()) > maxLength) {
            throw new BadValue(s.codePointCount(0, s.length()) + " characters do not fit " + typeName);
        }
    }

    private static final class Uuid extends Codec {
        Uuid() { super("uuid"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof UUID u)) throw expected("UUID", v);
            out.int32(16);
            out.int64(u.getMostSignificantBits());
            out.int64(u.getLeastSignificantBits());
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    private static final class Date extends Codec {
        Date() { super("date"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof LocalDate d)) throw expected("LocalDate", v);
            if (d.getYear() < -4712 || d.getYear() > 5_874_897) throw new BadValue(d + " is outside PostgreSQL's date range");
            out.int32(4);
            out.int32((int) (d.toEpochDay() - PG_EPOCH_DAYS));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    /** Nanoseconds to microseconds, rounding half to even as PostgreSQL's text input does. */
    static long micros(long seconds, int nanos) {
        long micros = nanos / 1000;
        int rest = nanos % 1000;
        if (rest > 500 || (rest == 500 && (micros & 1) == 1)) {
            micros++;
        }
        return seconds * 1_000_000L + micros;
    }

    private static final class Time extends Codec {
        Time() { super("time"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof LocalTime t)) throw expected("LocalTime", v);
            out.int32(8);
            out.int64(micros(t.toSecondOfDay(), t.getNano()));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    private static final class TimeTz extends Codec {
        TimeTz() { super("time with time zone"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof OffsetTime t)) throw expected("OffsetTime", v);
            out.int32(12);
            out.int64(micros(t.toLocalTime().toSecondOfDay(), t.getNano()));
            out.int32(-t.getOffset().getTotalSeconds()); // PostgreSQL counts seconds west of UTC
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    private static final class Timestamp extends Codec {
        Timestamp() { super("timestamp"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof LocalDateTime t)) throw expected("LocalDateTime", v);
            checkYear(t.getYear(), t);
            out.int32(8);
            out.int64(micros(t.toEpochSecond(ZoneOffset.UTC) - PG_EPOCH_SECONDS, t.getNano()));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    private static final class TimestampTz extends Codec {
        TimestampTz() { super("timestamp with time zone"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            Instant instant;
            if (v instanceof OffsetDateTime t) {
                instant = t.toInstant();
            } else if (v instanceof Instant i) {
                instant = i;
            } else {
                throw expected("OffsetDateTime", v);
            }
            checkYear(instant.atOffset(ZoneOffset.UTC).getYear(), v);
            out.int32(8);
            out.int64(micros(instant.getEpochSecond() - PG_EPOCH_SECONDS, instant.getNano()));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v instanceof Instant in ? in.atOffset(ZoneOffset.UTC) : v);
        }
    }

    private static void checkYear(int year, Object v) throws BadValue {
        if (year < -4712 || year > 294_275) {
            throw new BadValue(v + " is outside PostgreSQL's timestamp range");
        }
    }

    private static final class Json extends Codec {
        private final boolean binary;
        private final int maxBytes;

        Json(boolean binary, int maxBytes) {
            super(binary ? "jsonb" : "json");
            this.binary = binary;
            this.maxBytes = maxBytes;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            String s = data(v);
            checkJson(s, maxBytes, binary);
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
            throw expected("JSONB", v);
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

    /**
     * Refuses text that is not exactly one JSON value, is longer than {@code maxBytes} characters, or (for jsonb)
     * holds a {@code \u0000} escape, which jsonb cannot store.
     */
    public static void checkJson(String s, int maxBytes, boolean binary) throws BadValue {
        if (s.length() > maxBytes) {
            throw new BadValue("JSON document is larger than the " + maxBytes + "-byte limit");
        }
        try (JsonParser p = JSON_FACTORY.createParser(s)) {
            if (p.nextToken() == null) {
                throw new BadValue("empty JSON document");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new BadValue("JSON document has more than one value");
            }
        } catch (JsonProcessingException e) {
            throw new BadValue("not valid JSON: " + e.getOriginalMessage() + " at character "
                    + e.getLocation().getCharOffset());
        } catch (IOException e) {
            throw new BadValue("not valid JSON: " + e.getMessage());
        }
        if (binary && s.contains("\\u0000")) {
            throw new BadValue("JSON contains \\u0000, which jsonb cannot store");
        }
    }

    private static final class Bytea extends Codec {
        Bytea() { super("bytea"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof byte[] b)) throw expected("byte[]", v);
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

    private static final class Enum extends Codec {
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
                throw expected("an enum of " + typeName(), v);
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

    private static final class Array extends Codec {
        private final Codec element;
        private final int elementOid;
        private final String sqlType;

        Array(Codec element, int elementOid, String elementSqlType) {
            super(element.typeName() + "[]");
            this.element = element;
            this.elementOid = elementOid;
            this.sqlType = elementSqlType + "[]";
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Object[] items)) throw expected("an array", v);
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
                    sb.append('"');
                    String t = element.text(items[k]);
                    for (int c = 0; c < t.length(); c++) {
                        char ch = t.charAt(c);
                        if (ch == '"' || ch == '\\') sb.append('\\');
                        sb.append(ch);
                    }
                    sb.append('"');
                }
            }
            return sb.append('}').toString();
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
