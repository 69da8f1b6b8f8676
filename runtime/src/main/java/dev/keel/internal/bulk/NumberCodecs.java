package dev.keel.internal.bulk;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Codecs of integers, floats, numeric and boolean. */
final class NumberCodecs {
    private NumberCodecs() {
    }

    static final class Int2 extends Codec {
        Int2() { super("smallint"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Short s)) throw Codec.expected("Short", v);
            out.int32(2);
            out.int16(s);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setShort(i, (Short) v);
        }
    }

    static final class Int4 extends Codec {
        Int4() { super("integer"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Integer n)) throw Codec.expected("Integer", v);
            out.int32(4);
            out.int32(n);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setInt(i, (Integer) v);
        }
    }

    static final class Int8 extends Codec {
        Int8() { super("bigint"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Long n)) throw Codec.expected("Long", v);
            out.int32(8);
            out.int64(n);
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setLong(i, (Long) v);
        }
    }

    static final class Float4 extends Codec {
        private final boolean allowNonFinite;

        Float4(boolean allowNonFinite) {
            super("real");
            this.allowNonFinite = allowNonFinite;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Float f)) throw Codec.expected("Float", v);
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

    static final class Float8 extends Codec {
        private final boolean allowNonFinite;

        Float8(boolean allowNonFinite) {
            super("double precision");
            this.allowNonFinite = allowNonFinite;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Double d)) throw Codec.expected("Double", v);
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

    static String floatText(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return Double.toString(d);
    }

    static final class Numeric extends Codec {
        private final int precision;
        private final int scale;

        Numeric(int typmod) {
            super(typmod >= 4 ? "numeric(" + (((typmod - 4) >> 16) & 0xffff) + "," + ((typmod - 4) & 0xffff) + ")"
                    : "numeric");
            this.precision = typmod >= 4 ? ((typmod - 4) >> 16) & 0xffff : -1;
            this.scale = typmod >= 4 ? (short) ((typmod - 4) & 0xffff) : -1;
        }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof BigDecimal d)) throw Codec.expected("BigDecimal", v);
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

    static final class Bool extends Codec {
        Bool() { super("boolean"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof Boolean b)) throw Codec.expected("Boolean", v);
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
}
