package dev.keel.internal.notify;

import dev.keel.notify.Change;
import dev.keel.notify.ChangeListener;
import dev.keel.notify.Notification;
import dev.keel.notify.NotificationListener;
import dev.keel.notify.Reconnected;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One change-feed subscriber. Runs on its subscription's own queue, one call at a time, so {@code last} needs no
 * lock. A notification is only a hint that there is more: the events themselves are read from the table after
 * {@code last}, which is why a lost notification, a reconnect or a duplicate changes nothing.
 */
final class FeedFollower implements NotificationListener {
    private static final Logger LOG = LoggerFactory.getLogger(FeedFollower.class);
    private static final int PAGE = 1000;

    private final PgChangeFeed feed;
    private final ChangeListener listener;
    private long last;

    FeedFollower(PgChangeFeed feed, long afterSequence, ChangeListener listener) {
        this.feed = feed;
        this.last = afterSequence;
        this.listener = listener;
    }

    @Override
    public void onNotification(Notification n) {
        long announced;
        try {
            announced = Long.parseLong(n.payload());
        } catch (NumberFormatException e) {
            announced = Long.MAX_VALUE; // not one of ours; look anyway
        }
        if (announced > last) {
            catchUp();
        }
    }

    @Override
    public void onReconnected(Reconnected reconnected) {
        catchUp();
    }

    /** Reads and delivers everything after {@code last}, page by page. */
    void catchUp() {
        while (true) {
            List<Change> page = feed.read(last, PAGE);
            for (Change c : page) {
                if (c.sequence() > last + 1) {
                    listener.onMissed(last + 1, c.sequence() - 1);
                }
                last = c.sequence();
                try {
                    listener.onChange(c);
                } catch (RuntimeException e) {
                    LOG.warn("A change listener on '{}' threw at sequence {}; it goes on with the next", feed.channel(),
                            c.sequence(), e);
                }
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }
}
