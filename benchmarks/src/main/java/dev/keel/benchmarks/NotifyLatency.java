package dev.keel.benchmarks;

import dev.keel.Keel;
import dev.keel.embedded.EmbeddedPostgres;
import dev.keel.notify.ChangeFeed;
import dev.keel.notify.Subscription;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Notification latency and change-feed throughput, outside JMH because it measures a paced stream, not a call.
 *
 * <p>Latency: notifications are sent from a plain pgjdbc connection at a fixed rate, each carrying the time it
 * was due, so a sender that falls behind shows up as latency instead of hiding it; the figure is from that time to
 * the start of the listener callback, p50 and p99. Every millisecond the sender sends what has come due in one
 * statement ({@code pg_notify} over an array), as a busy application would.
 *
 * <p>Throughput: events per second from a publisher to a subscriber that has received them all, plain NOTIFY
 * against the durable change feed, one event per transaction and 100 per transaction.
 *
 * <pre>java -cp benchmarks/target/keel-benchmarks.jar dev.keel.benchmarks.NotifyLatency [seconds] [jdbcUrl]</pre>
 * Without a URL it starts an embedded PostgreSQL.
 */
public final class NotifyLatency {
    private NotifyLatency() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        EmbeddedPostgres pg = args.length > 1 ? null : EmbeddedPostgres.ephemeral();
        String url = args.length > 1 ? args[1] : pg.jdbcUrl("postgres");
        try (Keel keel = Keel.builder().jdbcUrl(url).maxPoolSize(4).name("notify-benchmark").build()) {
            for (int rate : new int[] {1_000, 10_000}) {
                latency(keel, url, rate, seconds);
            }
            for (int perTx : new int[] {1, 100}) {
                int events = perTx == 1 ? 2_000 : 50_000;
                System.out.printf("throughput, %3d per tx: NOTIFY %,8.0f events/s, change feed %,8.0f events/s%n",
                        perTx, plain(keel, events, perTx), feed(keel, events, perTx));
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static void latency(Keel keel, String url, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger received = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        try (Subscription sub = keel.listen("bench_latency", n -> {
                 long now = System.nanoTime();
                 int i = received.getAndIncrement();
                 latencies[i] = now - Long.parseLong(n.payload().substring(n.payload().indexOf(':') + 1));
                 if (i + 1 == total) {
                     all.countDown();
                 }
             });
             Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify('bench_latency', p) FROM unnest(?::text[]) p")) {
            long start = System.nanoTime();
            int sent = 0;
            while (sent < total) {
                long now = System.nanoTime();
                int due = (int) Math.min(total, (now - start) * rate / 1_000_000_000L);
                if (due > sent) {
                    String[] payloads = new String[due - sent];
                    for (int i = sent; i < due; i++) {
                        payloads[i - sent] = i + ":" + (start + i * 1_000_000_000L / rate);
                    }
                    Array array = c.createArrayOf("text", payloads);
                    ps.setArray(1, array);
                    ps.execute();
                    sent = due;
                } else {
                    Thread.sleep(0, 200_000);
                }
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + received.get() + " of " + total + " arrived");
            }
        }
        Arrays.sort(latencies);
        System.out.printf("latency at %,6d/s (%d s, %,d notifications): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", rate,
                seconds, total, latencies[total / 2] / 1e6, latencies[(int) (total * 0.99)] / 1e6,
                latencies[total - 1] / 1e6);
    }

    private static double plain(Keel keel, int events, int perTx) throws Exception {
        CountDownLatch done = new CountDownLatch(events);
        try (Subscription sub = keel.listen("bench_plain", n -> done.countDown())) {
            long start = System.nanoTime();
            for (int i = 0; i < events; i += perTx) {
                int first = i;
                keel.transaction(tx -> {
                    for (int j = first; j < first + perTx; j++) {
                        tx.notify("bench_plain", Integer.toString(j));
                    }
                });
            }
            done.await(120, TimeUnit.SECONDS);
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double feed(Keel keel, int events, int perTx) throws Exception {
        ChangeFeed feed = keel.changes("bench_feed_" + perTx);
        long after = feed.lastSequence();
        CountDownLatch done = new CountDownLatch(events);
        try (Subscription sub = feed.subscribe(after, c -> done.countDown())) {
            long start = System.nanoTime();
            for (int i = 0; i < events; i += perTx) {
                List<String> batch = new ArrayList<>(perTx);
                for (int j = i; j < i + perTx; j++) {
                    batch.add(Integer.toString(j));
                }
                keel.transaction(tx -> feed.publishAll(tx, batch));
            }
            done.await(120, TimeUnit.SECONDS);
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }
}
