package dev.keel.benchmarks.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's figures depend on besides the code: the machine, the JVM and the database with the settings that
 * decide write speed. Recorded with every run, printed above the table and drawn on the chart.
 *
 * @param database   which database, without credentials
 * @param pgSettings server_version and the settings in {@link #SETTINGS}
 */
public record Environment(String cpu, int cores, long memoryBytes, String os, String jvm, String database,
                          Map<String, String> pgSettings, String driver, String plan) {

    /** The server settings recorded: those that change what a write costs. */
    public static final List<String> SETTINGS = List.of("server_version", "fsync", "synchronous_commit",
            "full_page_writes", "shared_buffers", "max_wal_size", "wal_level");

    public static Environment probe(String jdbcUrl, String database, String plan) throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        String driver;
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            for (String name : SETTINGS) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
            driver = "pgjdbc " + c.getMetaData().getDriverVersion();
        }
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return new Environment(cpuModel(), Runtime.getRuntime().availableProcessors(), memory, os, jvm, database,
                settings, driver, plan);
    }

    /** Settings that make the server faster than a durable one, e.g. {@code fsync=off}; empty when durable. */
    public List<String> nonDurableSettings() {
        List<String> fast = new ArrayList<>();
        if ("off".equals(pgSettings.get("fsync"))) {
            fast.add("fsync=off");
        }
        if ("off".equals(pgSettings.get("synchronous_commit"))) {
            fast.add("synchronous_commit=off");
        }
        if ("off".equals(pgSettings.get("full_page_writes"))) {
            fast.add("full_page_writes=off");
        }
        return fast;
    }

    public String postgres() {
        return "PostgreSQL " + pgSettings.getOrDefault("server_version", "?");
    }

    /** Lines describing the run, for the report and the chart. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("Machine: " + cores + " cores (" + cpu + "), " + gib(memoryBytes) + " memory, " + os);
        lines.add("JVM: " + jvm + "; " + driver);
        StringBuilder pg = new StringBuilder(postgres() + " (" + database + "):");
        pgSettings.forEach((k, v) -> {
            if (!k.equals("server_version")) {
                pg.append(' ').append(k).append('=').append(v);
            }
        });
        lines.add(pg.toString());
        List<String> fast = nonDurableSettings();
        lines.add(fast.isEmpty()
                ? "Durable: every commit is flushed to disk (fsync and synchronous_commit on)."
                : "NOT DURABLE: " + String.join(", ", fast) + ". These figures are faster than a durable server's.");
        lines.add("Plan: " + plan);
        return lines;
    }

    private static String gib(long bytes) {
        return bytes <= 0 ? "? GiB" : String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException ignored) {
                // fall through to the architecture
            }
        }
        return System.getProperty("os.arch");
    }
}
