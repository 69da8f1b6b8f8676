package dev.keel.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.KeelInfo;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@KeelTest
class ChangeFeedIT {
    private static Keel keel;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(4).owner("change-feed-test").build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @Test
    void everyEventArrivesExactlyOnceInOrderWhileTheListenerConnectionIsKilled() throws Exception {
        ChangeFeed feed = keel.changes("ledger");
        List<Long> seen = new CopyOnWriteArrayList<>();
        List<Reconnected> reconnects = new CopyOnWriteArrayList<>();
        int total = 10_000;
        try (Subscription sub = feed.subscribe(0, c -> seen.add(c.sequence()))) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                for (int batch = 0; batch < total / 50; batch++) {
                    int b = batch;
                    keel.transaction(tx -> {
                        if (b % 10 == 0) {
                            for (int i = 0; i < 50; i++) {
                                feed.publish(tx, "event-" + (b * 50 + i));
                            }
                        } else {
                            List<String> events = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                events.add("event-" + (b * 50 + i));
                            }
                            feed.publishAll(tx, events);
                        }
                    });
                }
            });
            boolean sendingWhenKilled = false;
            for (int kill = 0; kill < 3; kill++) {
                NotificationsIT.waitFor(() -> seen.size() > 500 || sender.isDone(), Duration.ofSeconds(30));
                int pid = waitForListener();
                sendingWhenKilled |= !sender.isDone();
                terminate(pid);
                NotificationsIT.waitFor(() -> listener().backendPid() != pid && listener().backendPid() != 0,
                        Duration.ofSeconds(15));
            }
            assertThat(sendingWhenKilled).as("the connection was killed while events were being sent").isTrue();
            sender.get(60, TimeUnit.SECONDS);
            NotificationsIT.waitFor(() -> seen.size() >= total, Duration.ofSeconds(30));
            Thread.sleep(200);
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= total; i++) {
            expected.add(i);
        }
        assertThat(seen).as("every sequence once, in order").isEqualTo(expected);
        assertThat(feed.lastSequence()).isEqualTo(total);
        assertThat(feed.read(total - 1, 10)).singleElement().satisfies(c -> {
            assertThat(c.sequence()).isEqualTo(total);
            assertThat(c.payload()).isEqualTo("event-" + (total - 1));
        });
    }

    @Test
    void aSubscriberStartingFromItsLastSequenceGetsOnlyWhatFollows() throws Exception {
        ChangeFeed feed = keel.changes("resume");
        for (int i = 1; i <= 5; i++) {
            assertThat(feed.publish("p" + i)).isEqualTo(i);
        }
        List<String> got = new CopyOnWriteArrayList<>();
        try (Subscription sub = feed.subscribe(3, c -> got.add(c.payload()))) {
            feed.publish("p6");
            try (dev.keel.Tx tx = keel.begin()) {
                feed.publish(tx, "never"); // rolled back by close(): the number 7 is given back
            }
            feed.publish("p7");
            NotificationsIT.waitFor(() -> got.size() >= 4, Duration.ofSeconds(10));
        }
        assertThat(got).containsExactly("p4", "p5", "p6", "p7");
        assertThat(feed.lastSequence()).isEqualTo(7);
    }

    @Test
    void oldEventsAreDeletedByAgeAndALateSubscriberIsToldWhatItMissed() throws Exception {
        ChangeFeed feed = keel.changes("aging");
        feed.publish("old-1");
        feed.publish("old-2");
        db.execute("UPDATE keel.change_events SET created_at = now() - interval '2 days' WHERE channel = 'aging'");
        feed.publish("new-3");
        assertThat(feed.deleteOlderThan(Duration.ofDays(1))).isEqualTo(2);
        List<String> events = new CopyOnWriteArrayList<>();
        try (Subscription sub = feed.subscribe(0, new ChangeListener() {
            @Override public void onChange(Change c) { events.add(c.sequence() + ":" + c.payload()); }
            @Override public void onMissed(long first, long last) { events.add("missed " + first + ".." + last); }
        })) {
            NotificationsIT.waitFor(() -> events.size() >= 2, Duration.ofSeconds(10));
        }
        assertThat(events).containsExactly("missed 1..2", "3:new-3");
    }

    @Test
    void feedNamesAndArgumentsAreChecked() {
        assertThatThrownBy(() -> keel.changes("x".repeat(51))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> keel.changes("ok").subscribe(-1, c -> { })).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> keel.changes("ok").publish("nul\0")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> keel.changes("ok").deleteOlderThan(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidInputException.class);
    }

    private static KeelInfo.Listener listener() {
        return Keel.registry().stream().filter(i -> i.owner().equals("change-feed-test")).findFirst().orElseThrow()
                .listener();
    }

    private static int waitForListener() throws InterruptedException {
        NotificationsIT.waitFor(() -> listener().backendPid() != 0, Duration.ofSeconds(15));
        return listener().backendPid();
    }

    private static void terminate(int pid) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
    }
}
