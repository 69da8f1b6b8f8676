package dev.keel.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.KeelInfo;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@KeelTest
class NotificationsIT {
    private static Keel keel;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        keel = Keel.builder().jdbcUrl(database.jdbcUrl()).maxPoolSize(3).build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @Test
    void aNotifyFromAnotherConnectionReachesTheListenerWithin100Milliseconds() throws Exception {
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        List<Long> latencies = new ArrayList<>();
        try (Subscription sub = keel.listen("latency", n -> arrivals.add(System.nanoTime()));
             Connection other = db.dataSource().getConnection();
             PreparedStatement notify = other.prepareStatement("SELECT pg_notify('latency', ?)")) {
            for (int i = 0; i < 21; i++) {
                long sent = System.nanoTime();
                notify.setString(1, "n" + i);
                notify.execute();
                Long received = arrivals.poll(5, TimeUnit.SECONDS);
                assertThat(received).as("notification %d arrived", i).isNotNull();
                latencies.add(TimeUnit.NANOSECONDS.toMillis(received - sent));
            }
        }
        Collections.sort(latencies);
        // The bound is the median: one slow round on a loaded CI machine must not fail the test.
        assertThat(latencies.get(latencies.size() / 2)).as("median latency (ms) of %s", latencies).isLessThan(100);
    }

    @Test
    void txNotifyIsDeliveredOnCommitOnlyAndIdenticalPayloadsCollapse() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (Subscription sub = keel.listen("orders", n -> got.add(n.payload()))) {
            keel.transaction(tx -> {
                tx.notify("orders", "rolled-back");
                tx.connection().rollback();
            });
            keel.transaction(tx -> {
                tx.notify("orders", "a");
                tx.notify("orders", "a");
                tx.notify("orders", "b");
                assertThat(got.poll(300, TimeUnit.MILLISECONDS)).as("nothing before commit").isNull();
            });
            keel.notify("orders", "end");
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                seen.add(got.poll(5, TimeUnit.SECONDS));
            }
            assertThat(seen).containsExactly("a", "b", "end");
            assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void badChannelsAndOversizedPayloadsFailBeforeAnySql() {
        assertThatThrownBy(() -> keel.listen("no spaces", n -> { })).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> keel.notify("1st", "x")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> keel.notify("a".repeat(64), "x")).isInstanceOf(InvalidInputException.class);
        keel.notify("big", "é".repeat(3999) + "x"); // 7999 bytes: allowed
        assertThatThrownBy(() -> keel.notify("big", "é".repeat(4000)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("8000 bytes")
                .extracting(e -> ((InvalidInputException) e).name()).isEqualTo("payload");
        keel.transaction(tx -> assertThatThrownBy(() -> tx.notify("big", "x".repeat(8000)))
                .isInstanceOf(InvalidInputException.class));
    }

    @Test
    void aSlowOrThrowingListenerDoesNotHoldUpTheOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<String> fast = new LinkedBlockingQueue<>();
        try (Subscription slow = keel.listen("shared", n -> await(release));
             Subscription throwing = keel.listen("shared", n -> { throw new IllegalStateException("boom"); });
             Subscription quick = keel.listen("shared", n -> fast.add(n.payload()))) {
            for (int i = 0; i < 5; i++) {
                keel.notify("shared", "m" + i);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(fast.poll(5, TimeUnit.SECONDS)).isEqualTo("m" + i);
            }
            waitFor(() -> throwing.failures() == 5, Duration.ofSeconds(5));
            assertThat(Keel.registry()).filteredOn(i -> i.name().equals(info().name()))
                    .extracting(i -> i.listener().listenerFailures()).allMatch(f -> f >= 5);
            release.countDown();
        }
    }

    @Test
    void closingASubscriptionStopsItAndTheLastOneUnlistens() throws Exception {
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        Subscription a = keel.listen("closing", n -> first.add(n.payload()));
        Subscription b = keel.listen("closing", n -> second.add(n.payload()));
        a.close();
        a.close();
        keel.notify("closing", "1");
        assertThat(second.poll(5, TimeUnit.SECONDS)).isEqualTo("1");
        assertThat(first.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(info().listener().channels()).contains("closing");
        b.close();
        assertThat(a.isOpen()).isFalse();
        assertThat(info().listener().channels()).doesNotContain("closing");
    }

    @Test
    void afterTheBackendIsTerminatedTheListenerReconnectsAndHearsTheWindow() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        BlockingQueue<Reconnected> reconnects = new LinkedBlockingQueue<>();
        List<Instant> losses = new CopyOnWriteArrayList<>();
        try (Subscription sub = keel.listen("survivor", new NotificationListener() {
            @Override public void onNotification(Notification n) { got.add(n.payload()); }
            @Override public void onConnectionLost(Instant lastContact, Throwable cause) { losses.add(lastContact); }
            @Override public void onReconnected(Reconnected r) { reconnects.add(r); }
        })) {
            keel.notify("survivor", "before");
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("before");
            int pid = info().listener().backendPid();
            assertThat(pid).isPositive();
            // The backend dies somewhere between these two instants: the listener may still hear from it after
            // the first, so the window must start before the second and end after the first.
            Instant killing = Instant.now();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            Instant killed = Instant.now();
            Reconnected r = reconnects.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("Reconnected signal").isNotNull();
            assertThat(r.from()).isBeforeOrEqualTo(killed).isAfter(killing.minus(Duration.ofSeconds(3)));
            assertThat(r.to()).isAfter(killing).isBeforeOrEqualTo(Instant.now());
            assertThat(losses).hasSize(1);
            assertThat(info().listener().backendPid()).isNotEqualTo(pid).isPositive();
            keel.notify("survivor", "after");
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
        }
    }

    @Test
    void oneDedicatedConnectionServesEveryChannelAndTakesNoPoolSlot() throws Exception {
        try (Subscription a = keel.listen("one", n -> { }); Subscription b = keel.listen("two", n -> { })) {
            KeelInfo info = info();
            assertThat(info.listener().state()).isEqualTo("CONNECTED");
            assertThat(info.listener().channels()).contains("one", "two");
            assertThat(keel.poolStats().active()).isZero();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                         + "'keel-listener' AND datname = current_database()")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void readmeExamples() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        List<String> resyncs = new CopyOnWriteArrayList<>();
        // readme:start notifications
        try (Subscription sub = keel.listen("orders_paid", new NotificationListener() {
            @Override
            public void onNotification(Notification n) {
                handled.add(n.payload());                  // on this subscription's own thread, in order
            }

            @Override
            public void onReconnected(Reconnected r) {     // the connection was lost and is back:
                resyncs.add(r.from() + ".." + r.to());     // anything sent in between may be missed
            }
        })) {
            keel.notify("orders_paid", "order 41");
            keel.transaction(tx -> {
                tx.notify("orders_paid", "order 42");      // delivered only if this commits
            });
            // readme:end notifications
            waitFor(() -> handled.size() == 2, Duration.ofSeconds(5));
        }
        assertThat(handled).containsExactly("order 41", "order 42");
        assertThat(resyncs).isEmpty();

        long savedPosition = 0;
        List<Long> applied = new CopyOnWriteArrayList<>();
        // readme:start change-feed
        ChangeFeed feed = keel.changes("invoices");
        long seq = feed.publish("{\"invoice\": 7, \"status\": \"sent\"}");   // 1, 2, 3, … per channel
        keel.transaction(tx -> feed.publish(tx, "{\"invoice\": 8}"));              // exists only if tx commits

        try (Subscription sub = feed.subscribe(savedPosition, change -> {
            applied.add(change.sequence());               // every event once, in order, across reconnects;
        })) {                                             // store change.sequence() to resume from it
            // readme:end change-feed
            waitFor(() -> applied.size() == 2, Duration.ofSeconds(5));
        }
        assertThat(seq).isEqualTo(1);
        assertThat(applied).containsExactly(1L, 2L);
        // readme:start cleanup
        int deleted = feed.deleteOlderThan(Duration.ofDays(7));
        // readme:end cleanup
        assertThat(deleted).isZero();

        // readme:start registry
        for (KeelInfo k : Keel.registry()) {
            System.out.printf("%s %s owner=%s %s active=%d idle=%d max=%d waiting=%d listener=%s %s%n",
                    k.name(), k.state(), k.owner(), k.url(), k.pool().active(), k.pool().idle(), k.pool().max(),
                    k.pool().waiting(), k.listener().state(), k.listener().channels());
        }
        // readme:end registry
    }

    private static KeelInfo info() {
        return Keel.registry().stream().filter(i -> i.url().equals(db.jdbcUrl().replaceAll("password=[^&]*",
                "password=***"))).filter(i -> i.owner().equals(NotificationsIT.class.getName())).findFirst()
                .orElseThrow();
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + max);
            }
            Thread.sleep(20);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
