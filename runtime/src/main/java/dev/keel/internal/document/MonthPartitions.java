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
 * The partitions of a table range-partitioned by month: one per month of its time column in UTC,
 * {@code "<base>_yyyymm"}, and a default partition, {@code "<base>_default"}, for rows whose month has none yet.
 * Two kinds of table are: a collection partitioned by month ({@link CollectionOptions#partitionedByMonth()}, on
 * {@code created_at}, its partitions in the schema {@code keel_docs_parts}) and the access log
 * ({@code keel.doc_access_log}, on {@code at}). Months are the server's: "this month" is that of {@code now()} in
 * UTC.
 *
 * <p>A month's partition is made as a table of its own, the month's rows in the default partition are moved into
 * it, and it is attached, all in one transaction that holds the parent in SHARE mode: reads go on, writes wait for
 * those few statements (a write routed to the default partition just before the attach would fail after it). Made
 * ahead, a partition has no rows to move, so the wait is that of creating an empty table. A partition is dropped
 * once its month ended longer
 * than the retention ago (and, in a collection, none of its documents is unexpired); the drop takes the parent's
 * ACCESS EXCLUSIVE lock for a moment, under the caller's lock timeout. The caller runs each step in a transaction
 * and takes {@link #lock} first.
 */
final class MonthPartitions {
    static final String COLLECTION_SCHEMA = "keel_docs_parts";
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMM");

    private final String parent;
    private final String schema;
    private final String base;
    private final String column;
    private final String lockKey;
    private final boolean perRowExpiry;

    private MonthPartitions(String parent, String schema, String base, String column, String lockKey,
                            boolean perRowExpiry) {
        this.parent = parent;
        this.schema = schema;
        this.base = base;
        this.column = column;
        this.lockKey = lockKey;
        this.perRowExpiry = perRowExpiry;
    }

    /**
     * A collection's: named after it, or for names too long to take a suffix, after its start and a hash of it; its
     * documents' {@code expires_at} must all have passed before a month goes.
     */
    static MonthPartitions of(CollectionTable t) {
        String name = t.name();
        String base = name.length() <= 55 ? name : name.substring(0, 44) + "_" + CollectionTable.hash(name)
                .substring(0, 10);
        return new MonthPartitions(t.qualified(), COLLECTION_SCHEMA, base, "created_at", t.lockKey(), true);
    }

    /** The access log's, {@code keel.doc_access_log_yyyymm}: a month goes whole once the retention has passed. */
    static MonthPartitions accessLog() {
        return new MonthPartitions("keel.doc_access_log", "keel", "doc_access_log", "at", "keel.doc_access_log",
                false);
    }

    /** The parent table. */
    String parent() {
        return parent;
    }

    /** {@code schema."<base>_default"}. */
    String defaultPartition() {
        return schema + ".\"" + base + "_default\"";
    }

    /** {@code schema."<base>_yyyymm"}. */
    String partition(YearMonth month) {
        return schema + ".\"" + base + "_" + month.format(SUFFIX) + "\"";
    }

    /**
     * Serialises the partition work on one table, across instances, until the transaction ends; for a collection
     * it is the lock {@link Catalog#ensure} takes to create it.
     */
    void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, lockKey);
            ps.execute();
        }
    }

    /** Makes the partitions of this month and the next {@value CollectionOptions#MONTHS_AHEAD} that are missing. */
    void ensureAhead(Connection c) throws SQLException {
        YearMonth now = YearMonth.from(now(c).atOffset(ZoneOffset.UTC));
        for (int i = 0; i <= CollectionOptions.MONTHS_AHEAD; i++) {
            ensure(c, now.plusMonths(i));
        }
    }

    /**
     * Gives every month that has rows in the default partition a partition of its own and moves them there;
     * returns the months it made.
     */
    List<YearMonth> splitDefault(Connection c) throws SQLException {
        List<YearMonth> months = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT to_char(" + column + " AT TIME ZONE 'UTC', 'YYYYMM') "
                     + "FROM " + defaultPartition())) {
            while (rs.next()) {
                months.add(YearMonth.parse(rs.getString(1), SUFFIX));
            }
        }
        for (YearMonth m : months) {
            ensure(c, m);
        }
        return months;
    }

    /** Makes {@code month}'s partition if it is missing, moving that month's rows out of the default one. */
    void ensure(Connection c, YearMonth month) throws SQLException {
        String part = partition(month);
        if (exists(c, part)) {
            return;
        }
        String from = bound(month);
        String to = bound(month.plusMonths(1));
        try (Statement s = c.createStatement()) {
            // Writes wait until the partition is attached and the month's rows have moved; reads go on. A write
            // that chose the default partition before the attach would fail its check after it, so none may be
            // under way: SHARE waits for those that are, and the ones after it route afresh.
            s.execute("LOCK TABLE " + parent + " IN SHARE MODE");
            s.execute("CREATE TABLE " + part + " (LIKE " + parent + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
            s.execute("WITH moved AS (DELETE FROM " + defaultPartition() + " WHERE " + column + " >= " + from
                    + " AND " + column + " < " + to + " RETURNING *) INSERT INTO " + part + " SELECT * FROM moved");
            s.execute("ALTER TABLE " + parent + " ATTACH PARTITION " + part + " FOR VALUES FROM (" + from + ") TO ("
                    + to + ")");
        }
    }

    /**
     * The months whose partitions may be dropped: their month ended at least {@code retention} ago. Whether all
     * the documents of a collection's have expired is for {@link #dropIfExpired} to see.
     */
    List<YearMonth> aged(Connection c, Duration retention) throws SQLException {
        Instant now = now(c);
        List<YearMonth> aged = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                + "ON c.oid = i.inhrelid WHERE i.inhparent = ?::regclass ORDER BY c.relname")) {
            ps.setString(1, parent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    YearMonth m = month(rs.getString(1));
                    if (m == null) {
                        continue; // the default partition, or one Keel did not make
                    }
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
     * Drops {@code month}'s partition, unless (in a collection) one of its documents is unexpired, with an
     * {@code expires_at} in the future or none; returns how many rows went with it, or -1 when it was kept (or
     * is gone already, dropped by another instance's purge).
     */
    long dropIfExpired(Connection c, YearMonth month) throws SQLException {
        String part = partition(month);
        if (!exists(c, part)) {
            return -1;
        }
        try (Statement s = c.createStatement()) {
            if (perRowExpiry) {
                try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + part + " WHERE expires_at > "
                        + "now()) OR EXISTS (SELECT 1 FROM " + part + " WHERE expires_at IS NULL)")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return -1;
                    }
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

    /** The month of a partition named as {@link #partition} names them, or null for any other name. */
    private YearMonth month(String relname) {
        String prefix = base + "_";
        if (relname.length() != prefix.length() + 6 || !relname.startsWith(prefix)) {
            return null;
        }
        try {
            return YearMonth.parse(relname.substring(prefix.length()), SUFFIX);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Instant now(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
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
