package dev.keel.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.embedded.EmbeddedPostgres;
import dev.keel.fault.TcpProxy;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listener connection across a server restart and a network that stops answering. Uses an embedded server of
 * its own, since it is stopped and started again on the same port.
 */
class ConnectionLossIT {
    /** The bound Keel states for noticing a dead network: a heartbeat each second, answered within 2 s. */
    static final Duration DETECTION_BOUND = Duration.ofSeconds(5);

    private static Path dir;
    private static int port;
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("keel-notify-restart");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = EmbeddedPostgres.builder().dataDirectory(dir).port(port).start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void afterAServerRestartTheListenerReconnectsWithTheWindowAndHearsLaterNotifications() throws Exception {
        Events events = new Events();
        try (Keel keel = Keel.builder().jdbcUrl(pg.jdbcUrl()).name("restart").build();
             Subscription sub = keel.listen("restart", events)) {
            keel.notify("restart", "before");
            assertThat(events.payloads.poll(5, TimeUnit.SECONDS)).isEqualTo("before");
            Instant stopping = Instant.now();
            pg.close();
            Instant stopped = Instant.now();
            assertThat(events.lost.poll(10, TimeUnit.SECONDS)).as("connection lost noticed").isNotNull();
            pg = EmbeddedPostgres.builder().dataDirectory(dir).port(port).start();
            Reconnected r = events.reconnected.poll(20, TimeUnit.SECONDS);
            assertThat(r).as("Reconnected").isNotNull();
            assertThat(r.from()).isBeforeOrEqualTo(stopped).isAfter(stopping.minus(Duration.ofSeconds(3)));
            assertThat(r.to()).isAfter(stopped).isBeforeOrEqualTo(Instant.now());
            assertThat(r.attempts()).isPositive();
            notifyPastDeadPooledConnections(keel, "restart", "after");
            assertThat(events.payloads.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
        }
    }

    @Test
    void aNetworkThatStopsAnsweringIsNoticedWithinTheBoundAndTheListenerComesBack() throws Exception {
        Events events = new Events();
        try (TcpProxy proxy = new TcpProxy(port);
             Keel keel = Keel.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?user=postgres")
                     .name("dead-network").migrate(false).build();
             Subscription sub = keel.listen("dark", events)) {
            keel.notify("dark", "before");
            assertThat(events.payloads.poll(5, TimeUnit.SECONDS)).isEqualTo("before");
            proxy.pause();
            long paused = System.nanoTime();
            Instant pausedAt = Instant.now();
            assertThat(events.lost.poll(DETECTION_BOUND.toMillis() + 2_000, TimeUnit.MILLISECONDS)).isNotNull();
            Duration noticed = Duration.ofNanos(System.nanoTime() - paused);
            assertThat(noticed).as("time to notice the dead network").isLessThanOrEqualTo(DETECTION_BOUND);
            assertThat(Keel.registry()).filteredOn(i -> i.name().equals("dead-network"))
                    .extracting(i -> i.listener().state()).containsExactly("RECONNECTING");
            Instant resumed = Instant.now();
            proxy.resume();
            Reconnected r = events.reconnected.poll(20, TimeUnit.SECONDS);
            assertThat(r).as("Reconnected").isNotNull();
            assertThat(r.from()).isBeforeOrEqualTo(pausedAt.plusMillis(50));
            assertThat(r.to()).isAfterOrEqualTo(resumed);
            keel.notify("dark", "after");
            assertThat(events.payloads.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
        }
    }

    /** Records what a listener heard. */
    private static final class Events implements NotificationListener {
        final BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
        final BlockingQueue<Instant> lost = new LinkedBlockingQueue<>();
        final BlockingQueue<Reconnected> reconnected = new LinkedBlockingQueue<>();

        @Override
        public void onNotification(Notification n) {
            payloads.add(n.payload());
        }

        @Override
        public void onConnectionLost(Instant lastContact, Throwable cause) {
            lost.add(lastContact);
        }

        @Override
        public void onReconnected(Reconnected r) {
            reconnected.add(r);
        }
    }

    /**
     * The pool may still hold connections the restart killed; the first statement on one fails as a typed
     * {@link dev.keel.error.ConnectionLostException} (not retried, a NOTIFY is not idempotent). The listener is
     * what is tested here, so the sender tries again on another connection.
     */
    private static void notifyPastDeadPooledConnections(Keel keel, String channel, String payload) {
        for (int attempt = 1; ; attempt++) {
            try {
                keel.notify(channel, payload);
                return;
            } catch (dev.keel.error.ConnectionLostException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
