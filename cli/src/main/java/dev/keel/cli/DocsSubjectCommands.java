package dev.keel.cli;

import dev.keel.document.PurgeResult;
import dev.keel.document.SubjectErasure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel docs export-subject | erase-subject | purge}. */
final class DocsSubjectCommands {
    private DocsSubjectCommands() {
    }

    /** Writes to {@code file} through a temporary file, so the file appears only once complete. */
    static <T> T writeFile(Path file, boolean force, IoWork<T> work) throws IOException {
        if (Files.exists(file) && !force) {
            throw CliException.userError(file + " exists (use --force to replace it)");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".keel-", ".part");
        try {
            T result;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                result = work.write(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    interface IoWork<T> {
        T write(OutputStream out) throws IOException;
    }

    @Command(name = "export-subject", mixinStandardHelpOptions = true, description = "Write every document of a "
            + "data subject, across all collections, from one snapshot, to a gzip JSON Lines file.")
    static final class ExportSubject implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        Output output;

        @Parameters(index = "0", paramLabel = "ID", description = "The subject's id.")
        String subject;

        @Parameters(index = "1", paramLabel = "FILE", description = "The file to write (gzip JSON Lines).")
        Path file;

        @Option(names = "--force", description = "Replace the file if it exists.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            try (DatabaseOptions.Session s = db.open()) {
                s.requireKeelSchema();
                long n = writeFile(file, force, out -> s.keel().documents().exportSubject(subject, out));
                output.result(Map.of("subject", subject, "documents", n, "file", file.toString()),
                        "Exported " + n + " documents of " + subject + " to " + file);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "erase-subject", mixinStandardHelpOptions = true, description = "Delete every document of a "
            + "data subject except in audit collections, and record the erasure.")
    static final class EraseSubject implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        Output output;

        @Parameters(index = "0", paramLabel = "ID", description = "The subject's id.")
        String subject;

        @Override
        public Integer call() {
            try (DatabaseOptions.Session s = db.open()) {
                s.requireKeelSchema();
                SubjectErasure e = s.keel().documents().eraseSubject(subject);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("subject", subject);
                f.put("deleted", e.deleted());
                f.put("kept in audit", e.keptInAudit());
                f.put("erasure record", e.erasureId());
                output.fields(f);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete expired documents in batches.")
    static final class Purge implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            try (DatabaseOptions.Session s = db.open()) {
                s.requireKeelSchema();
                PurgeResult p = s.keel().documents().purgeExpired();
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("deleted", p.deleted());
                f.put("total", p.total());
                f.put("complete", p.complete());
                output.fields(f);
            }
            return ExitCodes.OK;
        }
    }
}
