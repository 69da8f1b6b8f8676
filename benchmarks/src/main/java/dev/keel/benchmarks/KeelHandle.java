package dev.keel.benchmarks;

import dev.keel.Keel;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Keel on the database under test, started before the first measurement so that no figure includes the pool's
 * start; made only for the benchmarks that take it as an argument.
 */
@State(Scope.Benchmark)
public class KeelHandle {
    Keel keel;

    @Setup(Level.Trial)
    public void start() {
        keel = TargetDatabase.keel();
    }

    @TearDown(Level.Trial)
    public void stop() {
        keel.close();
    }
}
