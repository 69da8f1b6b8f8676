package dev.keel.fault;

import dev.keel.Keel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A process that starts Keel (with migrations) when told to: prints {@code READY}, waits for {@code GO} on standard
 * input, builds Keel and prints {@code STARTED <migrations applied>}. Started by {@link ConcurrentMigrationsIT}.
 * Argument: the JDBC URL.
 */
public final class MigrationChild {
    private MigrationChild() {
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        if (!"GO".equals(in.readLine())) {
            System.exit(3);
        }
        try (Keel keel = Keel.builder().jdbcUrl(args[0]).maxPoolSize(1).locations("classpath:db/faultmigrations")
                .build()) {
            System.out.println("STARTED " + keel.migrationsApplied());
            System.out.flush();
        }
    }
}
