package dev.keel.notify;

import dev.keel.Tx;
import java.time.Duration;
import java.util.List;

/**
 * A durable channel, from {@code keel.changes(channel)}, for applications that must not miss an event. Each event
 * is a row of {@code keel.change_events} with the next number of the channel's gap-free sequence; the NOTIFY that
 * announces it carries only that number. A subscriber remembers the last number it saw and reads everything
 * after it from the table: when it subscribes, whenever a notification says there is more, and after every
 * reconnect of the listener connection. So it sees every event exactly once and in order, whatever was lost
 * on the wire.
 *
 * <p>Publishers of one channel take turns: the sequence row stays locked until the publishing transaction ends,
 * which is what keeps the numbers gap-free and visible in order. Keep transactions that publish short.
 * Thread-safe.
 */
public interface ChangeFeed {

    String channel();

    /** Writes an event in a transaction of its own and returns its sequence number. */
    long publish(String payload);

    /**
     * Writes an event inside {@code tx}: it exists, and is announced, only if {@code tx} commits. Returns its
     * sequence number. Several events of one transaction keep the order they were published in.
     */
    long publish(Tx tx, String payload);

    /**
     * Writes {@code payloads} as consecutive events inside {@code tx}, in a few statements however many there are,
     * and announces them with one notification. Returns the sequence number of the last; the first is that minus
     * {@code payloads.size() - 1}. Returns {@link #lastSequence()}'s value unchanged for an empty list.
     */
    long publishAll(Tx tx, java.util.List<String> payloads);

    /**
     * Delivers every event after {@code afterSequence} (0 for all kept events) to {@code listener}, then each new
     * one as it comes. Store the last {@link Change#sequence()} you handled and pass it here when you start again.
     * Close the subscription to stop.
     */
    Subscription subscribe(long afterSequence, ChangeListener listener);

    /** Up to {@code limit} events after {@code afterSequence}, oldest first. */
    List<Change> read(long afterSequence, int limit);

    /** The sequence number of the latest event published, 0 when none. */
    long lastSequence();

    /**
     * Deletes this channel's events older than {@code age}, and returns how many. Subscribers behind them are told
     * by {@link ChangeListener#onMissed}.
     */
    int deleteOlderThan(Duration age);
}
