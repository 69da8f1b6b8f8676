package dev.keel.internal;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.keel.Keel;
import dev.keel.metrics.KeelMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Connects a Keel built with {@code meterRegistry(…)} to Micrometer. The only class on Keel's start-up path that
 * names Micrometer types; Keel calls it only when a registry was given, and a registry can exist only when
 * Micrometer is on the classpath, so Keel runs without Micrometer.
 */
public final class MicrometerBinding {
    private MicrometerBinding() {
    }

    /** HikariCP's own tracker, for the pool configuration: it must be set before the pool starts. */
    public static MetricsTrackerFactory poolTracker(Object registry) {
        return new MicrometerMetricsTrackerFactory((MeterRegistry) registry);
    }

    /** Binds Keel's meters tagged {@code pool}; running the result removes them again. */
    public static Runnable bind(Keel keel, Object registry, String poolName) {
        KeelMeterBinder binder = new KeelMeterBinder(keel, Tags.of("pool", poolName));
        binder.bindTo((MeterRegistry) registry);
        return binder::close;
    }
}
