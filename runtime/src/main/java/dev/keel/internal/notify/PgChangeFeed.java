package dev.keel.internal.notify;

import static dev.keel.internal.db.Tables.CHANGE_CHANNELS;
import static dev.keel.internal.db.Tables.CHANGE_EVENTS;

import dev.keel.Keel;
import dev.keel.Tx;
import dev.keel.error.InvalidInputException;
import dev.keel.notify.Change;
import dev.keel.notify.ChangeFeed;
import dev.keel.notify.ChangeListener;
import dev.keel.notify.Subscription;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;

/** The durable feed of one channel, on {@code keel.change_channels} and {@code keel.change_events}. */
final class PgChangeFeed implements ChangeFeed {
    /** The NOTIFY channel that announces a feed's events; it cannot clash with a plain channel name. */
    static final String PREFIX = "keel.changes.";
    /** Rows per INSERT: three bind values each, well under PostgreSQL's 65535. */
    private static final int INSERT_ROWS = 1000;

    private final Keel keel;
    private final PgNotifications notifications;
    private final String channel;

    PgChangeFeed(Keel keel, PgNotifications notifications, String channel) {
        this.keel = keel;
        this.notifications = notifications;
        this.channel = NotifyArguments.feed(channel);
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public long publish(String payload) {
        String checked = checked(payload);
        return keel.transactionResult(tx -> write(tx, checked));
    }

    @Override
    public long publish(Tx tx, String payload) {
        Objects.requireNonNull(tx, "tx");
        return write(tx, checked(payload));
    }

    @Override
    public long publishAll(Tx tx, List<String> payloads) {
        Objects.requireNonNull(tx, "tx");
        List<String> checked = payloads.stream().map(PgChangeFeed::checked).toList();
        if (checked.isEmpty()) {
            return lastSequence();
        }
        return write(tx, checked);
    }

    private long write(Tx tx, String payload) {
        return write(tx, List.of(payload));
    }

    /** Takes the numbers first, which locks the channel's row until {@code tx} ends, then writes the rows. */
    private long write(Tx tx, List<String> payloads) {
        DSLContext dsl = tx.dsl();
        long n = payloads.size();
        long seq = dsl.insertInto(CHANGE_CHANNELS).set(CHANGE_CHANNELS.CHANNEL, channel).set(CHANGE_CHANNELS.LAST_SEQ, n)
                .onConflict(CHANGE_CHANNELS.CHANNEL).doUpdate().set(CHANGE_CHANNELS.LAST_SEQ, CHANGE_CHANNELS.LAST_SEQ.plus(n))
                .returning(CHANGE_CHANNELS.LAST_SEQ).fetchOne(CHANGE_CHANNELS.LAST_SEQ);
        long first = seq - n + 1;
        for (int from = 0; from < payloads.size(); from += INSERT_ROWS) {
            var insert = dsl.insertInto(CHANGE_EVENTS, CHANGE_EVENTS.CHANNEL, CHANGE_EVENTS.SEQ, CHANGE_EVENTS.PAYLOAD);
            for (int i = from; i < Math.min(payloads.size(), from + INSERT_ROWS); i++) {
                insert = insert.values(channel, first + i, payloads.get(i));
            }
            insert.execute();
        }
        try {
            PgNotifications.send(tx.connection(), PREFIX + channel, Long.toString(seq));
        } catch (java.sql.SQLException e) {
            throw dev.keel.internal.ErrorTranslator.translate("notify " + PREFIX + channel, e);
        }
        return seq;
    }

    @Override
    public Subscription subscribe(long afterSequence, ChangeListener listener) {
        if (afterSequence < 0) {
            throw new InvalidInputException("must be 0 or more, was " + afterSequence, "afterSequence");
        }
        FeedFollower follower = new FeedFollower(this, afterSequence, Objects.requireNonNull(listener, "listener"));
        PgSubscription sub = notifications.hub().listen(PREFIX + channel, follower);
        sub.offer(l -> follower.catchUp()); // what was published before the LISTEN took effect
        return sub;
    }

    @Override
    public List<Change> read(long afterSequence, int limit) {
        if (limit < 1 || limit > 100_000) {
            throw new InvalidInputException("must be between 1 and 100000, was " + limit, "limit");
        }
        return keel.dsl().selectFrom(CHANGE_EVENTS)
                .where(CHANGE_EVENTS.CHANNEL.eq(channel)).and(CHANGE_EVENTS.SEQ.gt(afterSequence))
                .orderBy(CHANGE_EVENTS.SEQ).limit(limit)
                .fetch(r -> new Change(channel, r.getSeq(), r.getPayload(), r.getCreatedAt().toInstant()));
    }

    @Override
    public long lastSequence() {
        Long last = keel.dsl().select(CHANGE_CHANNELS.LAST_SEQ).from(CHANGE_CHANNELS)
                .where(CHANGE_CHANNELS.CHANNEL.eq(channel)).fetchOne(CHANGE_CHANNELS.LAST_SEQ);
        return last == null ? 0 : last;
    }

    @Override
    public int deleteOlderThan(Duration age) {
        if (age == null || age.isNegative()) {
            throw new InvalidInputException("must be zero or positive, was " + age, "age");
        }
        OffsetDateTime cutoff = OffsetDateTime.now().minus(age);
        return keel.dsl().deleteFrom(CHANGE_EVENTS)
                .where(CHANGE_EVENTS.CHANNEL.eq(channel)).and(CHANGE_EVENTS.CREATED_AT.lt(cutoff)).execute();
    }

    private static String checked(String payload) {
        String p = payload == null ? "" : payload;
        if (p.indexOf('\0') >= 0) {
            throw new InvalidInputException("must not contain the NUL character", "payload");
        }
        return p;
    }

    @Override
    public String toString() {
        return "ChangeFeed[" + channel + "]";
    }
}
