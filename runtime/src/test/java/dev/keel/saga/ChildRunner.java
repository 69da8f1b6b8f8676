package dev.keel.saga;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link SagaChild} JVM on the test classpath: start it, wait for it, kill it (SIGKILL), stop or resume it. */
final class ChildRunner implements AutoCloseable {
    private final List<String> command;
    private final String writer;
    private final Path log;
    private int generation;
    private Process process;
    private CompletableFuture<String> ready;

    ChildRunner(String jdbcUrl, String sagaName, String writer, int workers, long leaseMs) throws IOException {
        command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), SagaChild.class.getName(),
                jdbcUrl, sagaName, writer, Integer.toString(workers), Long.toString(leaseMs)));
        this.writer = writer;
        Path dir = Path.of("target", "saga-children");
        Files.createDirectories(dir);
        log = dir.resolve(writer + ".log");
    }

    /**
     * Starts (or restarts) the process; its stderr is appended to target/saga-children/WRITER.log. Each start is a
     * new generation, whose ledger rows name it as {@link #writer()}.
     */
    ChildRunner start() throws IOException {
        generation++;
        List<String> cmd = new ArrayList<>(command);
        cmd.set(cmd.size() - 3, writer());
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Process p = process;
        ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return line.substring(6);
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        return this;
    }

    /** The runner's owner name once it is claiming, or null when the process died first or took too long. */
    String awaitReady(long seconds) {
        try {
            return ready.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /** The ledger writer of the current generation. */
    String writer() {
        return writer + "-" + generation;
    }

    /** Whether the runner is up and claiming. */
    boolean isReady() {
        return ready.isDone() && ready.getNow(null) != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                process.getOutputStream().close(); // a graceful stop: the child closes its runner
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
