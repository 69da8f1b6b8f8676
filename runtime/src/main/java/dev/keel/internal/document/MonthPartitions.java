package dev.keel.internal.document;

import dev.keel.document.CollectionOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The partitions of a collection partitioned by month ({@link CollectionOptions#partitionedByMonth()}): one per
 * month of {@code created_at} in UTC, {@code keel_docs_parts."<collection>_yyyymm"}, and a default partition,
 * {@code keel_docs_parts."<collection>_default"}, for documents whose month has none yet. Months are the server's:
 * "this month" is that of {@code now()} in UTC.
 *
 * <p>A month's partition is made as a table of its own and then attached, which locks the collection only in
 * SHARE UPDATE EXCLUSIVE mode (reads and writes go on) and the default partition briefly; documents of that month
 * that are in the default partition move into it in the same transaction. A partition is dropped once its month
 * ended longer than the retention ago and none of its documents is unexpired; the drop takes the collection's
 * ACCESS EXCLUSIVE lock for a moment, under the caller's lock timeout.
 */
final class MonthPartitions {
    static final String SCHEMA = "keel_docs_parts";
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMM");

    private MonthPartitions() {
    }

    /** {@code keel_docs_parts."<collection>_default"}. */
    static String defaultPartition(CollectionTable t) {
        return SCHEMA + ".\"" + base(t) + "_default\"";
    }

    /** {@code keel_docs_parts."<collection>_yyyymm"}. */
    static String partition(CollectionTable t, YearMonth month) {
        return SCHEMA + ".\"" + base(t) + "_" + month.format(SUFFIX) + "\"";
    }

    /** The collection's name, or for names too long to take a suffix, its start and a hash of it. */
    private static String base(CollectionTable t) {
        String name = t.name();
        return name.length() <= 55 ? name : name.substring(0, 44) + "_" + CollectionTable.hash(name).substring(0, 10);
    }

    /** The server's current time. */
    private static Instant now(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /**
     * Serialises the partition work on one collection, across instances, until the transaction ends: the same
     * lock {@link Catalog#ensure} takes to create the collection.
     */
    static void lock(Connection c, CollectionTable t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, CollectionTable.SCHEMA + "." + t.name());
            ps.execute();
        }
    }

    /** Makes the partitions of this month and the next {@value CollectionOptions#MONTHS_AHEAD} that are missing. */
    static void ensureAhead(Connection c, CollectionTable t) throws SQLException {
        YearMonth now = YearMonth.from(now(c).atOffset(ZoneOffset.UTC));
        for (int i = 0; i <= CollectionOptions.MONTHS_AHEAD; i++) {
            ensure(c, t, now.plusMonths(i));
        }
    }

    /**
     * Gives every month that has documents in the default partition a partition of its own and moves them there;
     * returns the months it made.
     */
    static List<YearMonth> splitDefault(Connection c, CollectionTable t) throws SQLException {
        List<YearMonth> months = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT to_char(created_at AT TIME ZONE 'UTC', 'YYYYMM') FROM "
                     + defaultPartition(t))) {
            while (rs.next()) {
                months.add(YearMonth.parse(rs.getString(1), SUFFIX));
            }
        }
        for (YearMonth m : months) {
            ensure(c, t, m);
        }
        return months;
    }

    /** Makes {@code month}'s partition if it is missing, moving that month's documents out of the default one. */
    static void ensure(Connection c, CollectionTable t, YearMonth month) throws SQLException {
        String part = partition(t, month);
        if (exists(c, part)) {
            return;
        }
        String from = bound(month);
        String to = bound(month.plusMonths(1));
        try (Statement s = c.createStatement()) {
            // Writes to the default partition wait until the month's documents have moved and it is attached;
            // reads, and writes to other partitions, go on.
            s.execute("LOCK TABLE " + defaultPartition(t) + " IN EXCLUSIVE MODE");
            s.execute("CREATE TABLE " + part + " (LIKE " + t.qualified() + " INCLUDING DEFAULTS INCLUDING "
                    + "CONSTRAINTS)");
            s.execute("WITH moved AS (DELETE FROM " + defaultPartition(t) + " WHERE created_at >= " + from
                    + " AND created_at < " + to + " RETURNING *) INSERT INTO " + part + " SELECT * FROM moved");
            s.execute("ALTER TABLE " + t.qualified() + " ATTACH PARTITION " + part + " FOR VALUES FROM (" + from
                    + ") TO (" + to + ")");
        }
    }

    /**
     * The months whose partitions may be dropped: their month ended at least {@code retention} ago. Whether all
     * their documents have expired is for {@link #dropIfExpired} to see.
     */
    static List<YearMonth> aged(Connection c, CollectionTable t, Duration retention) throws SQLException {
        Instant now = now(c);
        List<YearMonth> aged = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                + "ON c.oid = i.inhrelid WHERE i.inhparent = ?::regclass ORDER BY c.relname")) {
            ps.setString(1, t.qualified());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String relname = rs.getString(1);
                    String suffix = relname.substring(relname.length() - 6);
                    if (!suffix.chars().allMatch(Character::isDigit)) {
                        continue; // the default partition
                    }
                    YearMonth m = YearMonth.parse(suffix, SUFFIX);
                    Instant end = m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                    if (!end.plus(retention).isAfter(now)) {
                        aged.add(m);
                    }
                }
            }
        }
        return aged;
    }

    /**
     * Drops {@code month}'s partition if none of its documents is unexpired (an {@code expires_at} in the future,
     * or none); returns how many documents went with it, or -1 when it was kept.
     */
    static long dropIfExpired(Connection c, CollectionTable t, YearMonth month) throws SQLException {
        String part = partition(t, month);
        if (!exists(c, part)) {
            return -1; // dropped meanwhile, by another instance's purge
        }
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + part + " WHERE expires_at > now()) "
                    + "OR EXISTS (SELECT 1 FROM " + part + " WHERE expires_at IS NULL)")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return -1;
                }
            }
            long n;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + part)) {
                rs.next();
                n = rs.getLong(1);
            }
            s.execute("DROP TABLE " + part);
            return n;
        }
    }

    private static boolean exists(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The first instant of {@code month} in UTC, as a timestamptz literal. */
    private static String bound(YearMonth month) {
        return "'" + month.atDay(1) + " 00:00:00+00'::timestamptz";
    }
}
