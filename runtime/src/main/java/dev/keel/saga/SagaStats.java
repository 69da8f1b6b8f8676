package dev.keel.saga;

import java.time.Duration;
import java.util.Map;

/**
 * Sagas by the numbers, read in one snapshot.
 *
 * @param byStatus          how many sagas have each status (every status present, zero when none)
 * @param active            unfinished sagas (runnable or paused)
 * @param oldestActiveAge   how long ago the oldest unfinished saga started ({@link Duration#ZERO} when none)
 * @param expiredLeases     runnable sagas whose lease ran out without being handed back: their runner died
 * @param retrying          runnable sagas whose current step (or compensation) failed at least once
 * @param quarantined       sagas set aside after too many recoveries
 * @param finishedLastMinute sagas that finished in the last minute
 */
public record SagaStats(Map<SagaStatus, Long> byStatus, long active, Duration oldestActiveAge, long expiredLeases,
                        long retrying, long quarantined, long finishedLastMinute) {
    /** Sagas finished per second over the last minute. */
    public double throughputPerSecond() {
        return finishedLastMinute / 60.0;
    }

    public long count(SagaStatus status) {
        return byStatus.getOrDefault(status, 0L);
    }
}
