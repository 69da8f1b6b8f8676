package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.error.RetryableConflictException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Money moves between accounts concurrently; serializable transactions with retry keep the total exact. */
@KeelTest(migrations = "classpath:db/keel", schemas = "keel")
class BankInvariantIT {
    static final int ACCOUNTS = 10;
    static final long START_BALANCE = 1_000;
    static Keel keel;
    static final AtomicLong retried = new AtomicLong();

    @BeforeAll
    static void start(TestDatabase db) {
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(8)
                .retryPolicy(RetryPolicy.builder().maxAttempts(200).maxElapsed(Duration.ofMinutes(2))
                        .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(50)).build())
                .retryListener(new RetryListener() {
                    @Override
                    public void onRetry(int attempt, Duration delay, KeelException cause) {
                        retried.incrementAndGet();
                    }
                })
                .build();
        keel.dsl().execute("CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL)");
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void reset() {
        keel.dsl().execute("TRUNCATE account");
        keel.dsl().execute("INSERT INTO account SELECT g, " + START_BALANCE + " FROM generate_series(1, " + ACCOUNTS + ") g");
    }

    static long balance(Tx tx, int id) {
        return tx.dsl().fetchOne("SELECT balance FROM account WHERE id = " + id).get(0, Long.class);
    }

    static void set(Tx tx, int id, long balance) {
        tx.dsl().execute("UPDATE account SET balance = " + balance + " WHERE id = " + id);
    }

    @Test
    void serializableTransfersWithRetryKeepTheTotalExact() throws Exception {
        int threads = 8;
        int transfers = 200;
        long retriesBefore = keel.metricsSnapshot().retries();
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(t);
            work.add(exec.submit(() -> {
                for (int i = 0; i < transfers; i++) {
                    int from = 1 + random.nextInt(ACCOUNTS);
                    int to = 1 + random.nextInt(ACCOUNTS);
                    long amount = 1 + random.nextInt(50);
                    // read-modify-write in application code: only SERIALIZABLE makes this safe
                    keel.transaction(TxOptions.serializable(), tx -> {
                        long fromBalance = balance(tx, from);
                        if (from == to || fromBalance < amount) {
                            return;
                        }
                        set(tx, from, fromBalance - amount);
                        set(tx, to, balance(tx, to) + amount);
                    });
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(5, TimeUnit.MINUTES);
        }
        exec.shutdown();

        assertThat(keel.dsl().fetchOne("SELECT sum(balance) FROM account").get(0, Long.class)).isEqualTo(ACCOUNTS * START_BALANCE);
        assertThat(keel.dsl().fetchOne("SELECT min(balance) FROM account").get(0, Long.class)).isNotNegative();
        assertThat(keel.metricsSnapshot().retries() - retriesBefore).isPositive();
        assertThat(retried.get()).isPositive();
    }

    /** The control: the same read-modify-write interleaving under READ COMMITTED loses an update. */
    @Test
    void readCommittedReadModifyWriteLosesAnUpdateThatSerializableCatches() {
        assertThat(interleavedDeposits(TxOptions.defaults())).as("lost update under READ COMMITTED")
                .isEqualTo(START_BALANCE + 10);
        reset();
        assertThatThrownBy(() -> interleavedDeposits(TxOptions.serializable()))
                .isInstanceOf(RetryableConflictException.class)
                .satisfies(e -> assertThat(((KeelException) e).sqlState()).isEqualTo("40001"));
    }

    /** Two deposits of 10 into account 1, interleaved: both read, then both write. Returns the final balance. */
    private static long interleavedDeposits(TxOptions options) {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Tx first = keel.begin(options)) {
            long seen = balance(first, 1);
            Future<?> second = other.submit(() -> {
                try (Tx tx = keel.begin(options)) {
                    set(tx, 1, balance(tx, 1) + 10);
                    tx.commit();
                }
                return null;
            });
            second.get(10, TimeUnit.SECONDS);
            set(first, 1, seen + 10);
            first.commit();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        } finally {
            other.shutdownNow();
        }
        return keel.dsl().fetchOne("SELECT balance FROM account WHERE id = 1").get(0, Long.class);
    }
}
