package dev.keel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel docs backup | restore}. */
final class DocsBackupCommands {
    private DocsBackupCommands() {
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, description = "Write collections (all, or those "
            + "named) from one snapshot to a gzip JSON Lines file with a header of counts.")
    static final class Backup implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        Output output;

        @Parameters(index = "0", paramLabel = "FILE", description = "The file to write.")
        Path file;

        @Option(names = "--collection", paramLabel = "NAME", description = "Only this collection (repeatable).")
        List<String> collections;

        @Option(names = "--force", description = "Replace the file if it exists.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            try (DatabaseOptions.Session s = db.open()) {
                s.requireKeelSchema();
                Map<String, Long> counts = DocsSubjectCommands.writeFile(file, force, out -> s.keel().documents()
                        .backup(out, DocsCommand.names(collections).toArray(String[]::new)));
                output.result(counts, "Backed up " + counts + " to " + file);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a backup in one "
            + "transaction (installing Keel's schema first where it is missing); a truncated file or a clashing id "
            + "restores nothing.")
    static final class Restore implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        Output output;

        @Parameters(index = "0", paramLabel = "FILE", description = "The backup file.")
        Path file;

        @Override
        public Integer call() throws IOException {
            try (DatabaseOptions.Session s = db.open(true, java.util.List.of());
                 InputStream in = Files.newInputStream(file)) {
                s.requireKeelSchema();
                Map<String, Long> counts = s.keel().documents().restore(in);
                output.result(counts, "Restored " + counts + " from " + file);
            }
            return ExitCodes.OK;
        }
    }
}
