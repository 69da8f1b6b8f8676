package dev.keel.saga;

import dev.keel.Keel;
import java.io.IOException;
import java.time.Duration;

/**
 * A process that runs a saga runner until it is killed, or until its standard input closes (then it stops
 * gracefully). Started by {@link SagaCrashIT}. Arguments: JDBC URL, saga name, writer (the ledger's writer column),
 * workers, lease in milliseconds. Prints {@code READY <owner>} once its runner claims.
 */
public final class SagaChild {
    private SagaChild() {
    }

    public static void main(String[] args) throws IOException {
        String url = args[0];
        String name = args[1];
        String writer = args[2];
        int workers = Integer.parseInt(args[3]);
        Duration lease = Duration.ofMillis(Long.parseLong(args[4]));
        try (Keel keel = Keel.builder().jdbcUrl(url).migrate(false).maxPoolSize(workers + 2).build();
             SagaRunner runner = keel.sagas().runner(Ledger.definition(name, 3, writer, Ledger.fast()))
                     .workers(workers).lease(lease).pollInterval(Duration.ofMillis(20)).maxRecoveries(1000)
                     .start()) {
            System.out.println("READY " + runner.owner());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until stdin closes or the process is killed
            }
        }
    }
}
