package dev.keel.internal.bulk;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/** Codecs of dates, times and timestamps; PostgreSQL counts from 2000-01-01 in microseconds. */
final class TimeCodecs {
    /** Seconds and days between the Unix epoch and PostgreSQL's, 2000-01-01. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final long PG_EPOCH_DAYS = 10_957L;

    private TimeCodecs() {
    }

    static final class Date extends Codec {
        Date() { super("date"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof LocalDate d)) throw Codec.expected("LocalDate", v);
            if (d.getYear() < -4712 || d.getYear() > 5_874_897) throw new BadValue(d + " is outside PostgreSQL's date range");
            out.int32(4);
            out.int32((int) (d.toEpochDay() - PG_EPOCH_DAYS));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }

        @Override public String text(Object v) {
            LocalDate d = (LocalDate) v;
            return withEra(dateText(d), d.getYear());
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

    static final class Time extends Codec {
        Time() { super("time"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof LocalTime t)) throw Codec.expected("LocalTime", v);
            out.int32(8);
            out.int64(micros(t.toSecondOfDay(), t.getNano()));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    static final class TimeTz extends Codec {
        TimeTz() { super("time with time zone"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof OffsetTime t)) throw Codec.expected("OffsetTime", v);
            out.int32(12);
            out.int64(micros(t.toLocalTime().toSecondOfDay(), t.getNano()));
            out.int32(-t.getOffset().getTotalSeconds()); // PostgreSQL counts seconds west of UTC
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }
    }

    static final class Timestamp extends Codec {
        Timestamp() { super("timestamp"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            if (!(v instanceof LocalDateTime t)) throw Codec.expected("LocalDateTime", v);
            checkYear(t.getYear(), t);
            out.int32(8);
            out.int64(micros(t.toEpochSecond(ZoneOffset.UTC) - PG_EPOCH_SECONDS, t.getNano()));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }

        @Override public String text(Object v) {
            LocalDateTime t = (LocalDateTime) v;
            return withEra(dateText(t.toLocalDate()) + " " + t.toLocalTime(), t.getYear());
        }
    }

    static final class TimestampTz extends Codec {
        TimestampTz() { super("timestamp with time zone"); }

        @Override public void write(Object v, CopyBuffer out) throws BadValue {
            Instant instant;
            if (v instanceof OffsetDateTime t) {
                instant = t.toInstant();
            } else if (v instanceof Instant i) {
                instant = i;
            } else {
                throw Codec.expected("OffsetDateTime", v);
            }
            checkYear(instant.atOffset(ZoneOffset.UTC).getYear(), v);
            out.int32(8);
            out.int64(micros(instant.getEpochSecond() - PG_EPOCH_SECONDS, instant.getNano()));
        }

        @Override public void bind(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v instanceof Instant in ? in.atOffset(ZoneOffset.UTC) : v);
        }

        @Override public String text(Object v) {
            OffsetDateTime t = (v instanceof Instant in ? in.atOffset(ZoneOffset.UTC) : (OffsetDateTime) v)
                    .withOffsetSameInstant(ZoneOffset.UTC);
            return withEra(dateText(t.toLocalDate()) + " " + t.toLocalTime() + "+00", t.getYear());
        }
    }

    /** A date as PostgreSQL's text input reads it: years of four digits or more, BC years counted from 1. */
    private static String dateText(LocalDate d) {
        int year = d.getYear() <= 0 ? 1 - d.getYear() : d.getYear();
        return String.format(java.util.Locale.ROOT, "%04d-%02d-%02d", year, d.getMonthValue(), d.getDayOfMonth());
    }

    private static String withEra(String text, int isoYear) {
        return isoYear <= 0 ? text + " BC" : text;
    }

    static void checkYear(int year, Object v) throws BadValue {
        if (year < -4712 || year > 294_275) {
            throw new BadValue(v + " is outside PostgreSQL's timestamp range");
        }
    }
}
