package dev.keel.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.KeelInfo;
import dev.keel.error.InvalidInputException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@KeelTest
class RegistryIT {
    private static final String SECRET = "pw-Zq81xSecret";

    @Test
    void countsMatchThreeBorrowedFromAPoolOfFiveAndAClosedKeelDisappears(TestDatabase db) throws Exception {
        Instant before = Instant.now();
        Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).name("registry-counts").maxPoolSize(5).minIdle(5)
                .acquireTimeout(Duration.ofSeconds(2)).build();
        List<Connection> borrowed = new ArrayList<>();
        try {
            NotificationsIT.waitFor(() -> entry("registry-counts").map(i -> i.pool().total() == 5).orElse(false),
                    Duration.ofSeconds(15));
            for (int i = 0; i < 3; i++) {
                borrowed.add(keel.dataSource().getConnection());
            }
            KeelInfo info = entry("registry-counts").orElseThrow();
            assertThat(info.pool().active()).isEqualTo(3);
            assertThat(info.pool().idle()).isEqualTo(2);
            assertThat(info.pool().total()).isEqualTo(5);
            assertThat(info.pool().waiting()).isZero();
            assertThat(info.pool().max()).isEqualTo(5);
            assertThat(info.poolMin()).isEqualTo(5);
            assertThat(info.state()).isEqualTo(KeelInfo.State.OPEN);
            assertThat(info.owner()).isEqualTo(RegistryIT.class.getName());
            assertThat(info.database()).isEqualTo(db.name());
            assertThat(info.serverVersion()).matches("\\d+.*");
            assertThat(info.openedAt()).isBetween(before, Instant.now());
            assertThat(info.listener().state()).isEqualTo("NONE");

            borrowed.add(keel.dataSource().getConnection());
            borrowed.add(keel.dataSource().getConnection());
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try (Connection c = keel.dataSource().getConnection()) {
                    // only waits
                } catch (Exception expected) {
                    // times out: the pool is exhausted
                }
            });
            NotificationsIT.waitFor(() -> entry("registry-counts").orElseThrow().pool().waiting() == 1,
                    Duration.ofSeconds(2));
            assertThat(entry("registry-counts").orElseThrow().state()).isEqualTo(KeelInfo.State.DEGRADED);
            waiter.get(10, TimeUnit.SECONDS);
        } finally {
            for (Connection c : borrowed) {
                c.close();
            }
            keel.close();
        }
        assertThat(entry("registry-counts")).isEmpty();
    }

    @Test
    void twoOpenKeelsWithTheSameNameAreRefusedAndTheNameIsFreeAfterClose(TestDatabase db) {
        try (Keel first = Keel.builder().jdbcUrl(db.jdbcUrl()).name("billing").owner("billing-module").build()) {
            assertThatThrownBy(() -> Keel.builder().jdbcUrl(db.jdbcUrl()).name("billing").migrate(false).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("billing-module");
            assertThat(entry("billing").orElseThrow().owner()).isEqualTo("billing-module");
            try (Keel unnamed = Keel.builder().jdbcUrl(db.jdbcUrl()).migrate(false).build()) {
                assertThat(Keel.registry()).extracting(KeelInfo::name).contains("billing").hasSizeGreaterThanOrEqualTo(2);
            }
        }
        try (Keel again = Keel.builder().jdbcUrl(db.jdbcUrl()).name("billing").migrate(false).build()) {
            assertThat(entry("billing")).isPresent();
        }
    }

    @Test
    void noPasswordAppearsInAnyEntryLogLineOrToString(TestDatabase db) throws Exception {
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "password=" + SECRET;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        List<String> shown = new ArrayList<>();
        System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
        try (Keel keel = Keel.builder().jdbcUrl(url).password(SECRET).name("secrets").build()) {
            LinkedBlockingQueue<Reconnected> back = new LinkedBlockingQueue<>();
            try (Subscription sub = keel.listen("secrets", new NotificationListener() {
                @Override public void onNotification(Notification n) { }
                @Override public void onReconnected(Reconnected r) { back.add(r); }
            })) {
                try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(" + entry("secrets").orElseThrow().listener().backendPid() + ")");
                }
                assertThat(back.poll(10, TimeUnit.SECONDS)).isNotNull();
                shown.add(sub.toString());
            }
            shown.add(keel.changes("secrets").toString());
            shown.add(entry("secrets").orElseThrow().toString());
            shown.add(Keel.registry().toString());
            shown.add(keel.toString());
        } finally {
            System.setErr(err);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("Listener connection lost").contains("password=***");
        assertThat(logged).doesNotContain(SECRET);
        assertThat(shown).allSatisfy(s -> assertThat(s).doesNotContain(SECRET));
        // the URL's password travels as a connection property, so the URL shown has none, not even masked
        assertThat(String.join("\n", shown)).contains("url=jdbc:postgresql://").doesNotContain("password=");
    }

    private static Optional<KeelInfo> entry(String name) {
        return Keel.registry().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** Copies what the logger writes to stderr into a buffer as well. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
