package dev.keel;

/** Told when the background health monitor sees the status change. Called on the monitor's thread. */
@FunctionalInterface
public interface HealthListener {
    void onChange(HealthStatus previous, HealthStatus current);
}
