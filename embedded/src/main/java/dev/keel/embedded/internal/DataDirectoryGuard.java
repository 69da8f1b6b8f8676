package dev.keel.embedded.internal;

import dev.keel.embedded.EmbeddedPostgresException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns a persistent data directory for the life of one embedded server: an OS file lock beside the directory
 * keeps a second live process out, and whatever a killed run left behind (a postmaster still running without
 * its JVM, or a stale {@code postmaster.pid}) is cleared before the server starts.
 */
public final class DataDirectoryGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryGuard.class);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);

    private final Path dataDirectory;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryGuard(Path dataDirectory, FileChannel channel, FileLock lock) {
        this.dataDirectory = dataDirectory;
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirectoryGuard acquire(Path dataDirectory) throws IOException {
        Path parent = dataDirectory.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path lockFile = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new EmbeddedPostgresException("Data directory " + dataDirectory
                    + " is in use by another running process (lock " + lockFile + " is held)");
        }
        DataDirectoryGuard guard = new DataDirectoryGuard(dataDirectory, channel, lock);
        try {
            guard.clearLeftovers();
        } catch (IOException | RuntimeException e) {
            guard.close();
            throw e;
        }
        return guard;
    }

    /** We hold the lock, so any postmaster on this directory belongs to a run that is gone. */
    private void clearLeftovers() throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<Long> pid = readPid(pidFile);
        Optional<ProcessHandle> process = pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .filter(DataDirectoryGuard::isPostgres);
        if (process.isPresent()) {
            ProcessHandle orphan = process.get();
            LOG.warn("Stopping PostgreSQL (pid {}) left running on {} by a run that ended without stopping it",
                    orphan.pid(), dataDirectory);
            orphan.destroy(); // SIGTERM: smart shutdown; its clients died with their JVM
            if (!waitForExit(orphan, ORPHAN_STOP_WAIT)) {
                orphan.destroyForcibly();
                if (!waitForExit(orphan, ORPHAN_STOP_WAIT)) {
                    throw new EmbeddedPostgresException("PostgreSQL (pid " + orphan.pid() + ") on data directory "
                            + dataDirectory + " did not stop; stop it by hand and try again");
                }
            }
        } else {
            LOG.info("Removing stale {} left by a run that was killed", pidFile);
        }
        Files.deleteIfExists(pidFile);
    }

    private static boolean waitForExit(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (Exception e) {
            return !process.isAlive();
        }
    }

    private static boolean isPostgres(ProcessHandle p) {
        return p.info().command().map(c -> c.contains("postgres")).orElse(true);
    }

    private static Optional<Long> readPid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            LOG.warn("Could not release the lock on {}", dataDirectory, e);
        }
    }
}
