package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.PoolStats;
import dev.keel.error.ConnectionLostException;
import dev.keel.error.QueryTimeoutException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * The network stops forwarding without closing anything (the proxy holds every byte). A statement fails within the
 * configured socket timeout as a typed connection loss, the pool drops the dead connection, and work goes on once
 * the network is back.
 */
@KeelTest
class FrozenNetworkIT {
    /** Keel's socketTimeout (pgjdbc's), in seconds. */
    static final int SOCKET_TIMEOUT_S = 2;
    static final Duration SLACK = Duration.ofMillis(1500);

    @Test
    void aStatementOnAFrozenNetworkFailsWithinTheSocketTimeoutAndThePoolRecovers(TestDatabase db,
            TestReporter reporter, TestInfo info) throws Exception {
        db.execute("CREATE TABLE frozen (n int)");
        try (TcpProxy proxy = TcpProxy.inFrontOf(db.jdbcUrl());
             Keel keel = Keel.builder().jdbcUrl(proxy.route(db.jdbcUrl(), null))
                     .socketTimeout(Duration.ofSeconds(SOCKET_TIMEOUT_S)).maxPoolSize(3).acquireTimeout(Duration.ofSeconds(2)).migrate(false).name("frozen").build()) {
            keel.transaction(tx -> tx.dsl().execute("INSERT INTO frozen VALUES (0)"));
            PoolStats before = keel.poolStats();

            proxy.pause();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> keel.transaction(tx -> tx.dsl().execute("INSERT INTO frozen VALUES (1)")))
                    .isInstanceOfAny(ConnectionLostException.class, QueryTimeoutException.class);
            Duration failedAfter = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(failedAfter).as("time to fail on the frozen network")
                    .isLessThanOrEqualTo(Duration.ofSeconds(SOCKET_TIMEOUT_S).plus(SLACK));
            PoolStats afterFailure = keel.poolStats();
            assertThat(afterFailure.total()).as("dead connection evicted").isLessThan(before.total());

            proxy.resume();
            long r0 = System.nanoTime();
            keel.transaction(tx -> tx.dsl().execute("INSERT INTO frozen VALUES (2)"));
            Duration recovered = Duration.ofNanos(System.nanoTime() - r0);
            assertThat(((Number) keel.dsl().fetchValue("SELECT count(*) FROM frozen WHERE n = 2")).longValue())
                    .isEqualTo(1);
            assertThat(((Number) keel.dsl().fetchValue("SELECT count(*) FROM frozen WHERE n = 1")).longValue())
                    .as("the statement sent into the frozen network did not commit").isZero();
            assertThat(keel.health().isHealthy()).isTrue();
            FaultReport.of("4. network frozen (socketTimeout=" + SOCKET_TIMEOUT_S + "s)")
                    .figure("failed after", failedAfter)
                    .figure("pool before/after", before.total() + "/" + afterFailure.total())
                    .figure("first success after resume", recovered)
                    .held(reporter, info, "typed ConnectionLostException within socket timeout; dead connection "
                            + "evicted; next call succeeds");
        }
    }
}
