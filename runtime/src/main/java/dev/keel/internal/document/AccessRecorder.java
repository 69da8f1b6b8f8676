package dev.keel.internal.document;

import dev.keel.document.AccessLog;
import dev.keel.error.InvalidInputException;
import java.util.function.Supplier;

/**
 * Records a store's collection operations in the access log as its settings ask (writes, reads, or neither), with
 * the actor and address of the calling thread's {@link #actingAs} scope, or Keel's own actor outside one. The
 * entry is written after the operation, on a pooled connection of its own, with the operation's outcome; a failure
 * to record fails a call that succeeded and rides along (suppressed) on one that failed. Thread-safe.
 */
final class AccessRecorder {
    private record Who(String actor, String address) {
    }

    private final PgAccessLog log;
    private final boolean writes;
    private final boolean reads;
    private final ThreadLocal<Who> scope = new ThreadLocal<>();

    AccessRecorder(PgAccessLog log, boolean writes, boolean reads) {
        this.log = log;
        this.writes = writes;
        this.reads = reads;
    }

    String actor() {
        Who w = scope.get();
        return w == null ? PgDocumentStore.SYSTEM_ACTOR : w.actor();
    }

    String address() {
        Who w = scope.get();
        return w == null ? null : w.address();
    }

    AccessLog.Scope actingAs(String actor, String address) {
        if (actor == null || actor.isBlank() || actor.length() > 1000) {
            throw new InvalidInputException("must name who acts, in 1 to 1000 characters", "actor");
        }
        if (address != null && address.length() > 1000) {
            throw new InvalidInputException("is longer than 1000 characters", "address");
        }
        Who previous = scope.get();
        Thread owner = Thread.currentThread();
        scope.set(new Who(actor, address));
        return () -> {
            if (Thread.currentThread() == owner) {
                if (previous == null) {
                    scope.remove();
                } else {
                    scope.set(previous);
                }
            }
        };
    }

    <R> R write(String operation, String collection, String target, Supplier<R> work) {
        return writes ? recorded(operation, collection, target, work) : work.get();
    }

    <R> R read(String operation, String collection, String target, Supplier<R> work) {
        return reads ? recorded(operation, collection, target, work) : work.get();
    }

    /** Records {@code operation} with the outcome of {@code work}, whatever the settings say. */
    <R> R recorded(String operation, String collection, String target, Supplier<R> work) {
        R result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            try {
                log.record(actor(), operation, collection, target, address(), false);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        log.record(actor(), operation, collection, target, address(), true);
        return result;
    }
}
