package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.document.CollectionInfo;
import dev.keel.document.DocumentCollection;
import dev.keel.document.Query;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Document collections: list, count and query them, export or erase a data subject, purge "
                + "expired documents, back up and restore.",
        subcommands = {DocsCommand.List.class, DocsCommand.Count.class, DocsCommand.Find.class,
                DocsSubjectCommands.ExportSubject.class, DocsSubjectCommands.EraseSubject.class,
                DocsSubjectCommands.Purge.class, DocsBackupCommands.Backup.class, DocsBackupCommands.Restore.class},
        footer = {"", "Examples:", "  keel docs list", "  keel docs find memories '{\"type\": \"pattern\"}' --limit 5",
                "  keel docs export-subject user-42 user-42.jsonl.gz", "  keel docs backup docs.jsonl.gz"})
final class DocsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the document collections.", "Columns: name, documents (estimated), retention, "
                    + "subject field, audit."})
    static final class List implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            try (DatabaseOptions.Session s = db.open()) {
                s.requireKeelSchema();
                java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
                for (CollectionInfo c : s.keel().documents().collections()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", c.name());
                    row.put("documents", s.keel().documents().collection(c.name()).estimatedCount());
                    row.put("retention", c.retention() == null ? "" : c.retention().toString());
                    row.put("subject field", c.subjectField() == null ? "" : c.subjectField());
                    row.put("audit", c.audit());
                    row.put("partitioned", c.partitionedByMonth() ? "by month" : "");
                    rows.add(row);
                }
                output.table(rows, "No document collections in " + s.where() + ".");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "count", mixinStandardHelpOptions = true, description = "Count a collection's documents, "
            + "exactly, optionally matching a MongoDB filter.")
    static final class Count implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        Output output;

        @Parameters(index = "0", paramLabel = "NAME", description = "The collection.")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILTER", description = "A MongoDB filter (default {}).")
        String filter = "{}";

        @Override
        public Integer call() {
            try (DatabaseOptions.Session s = db.open()) {
                s.requireKeelSchema();
                long n = s.keel().documents().collection(name).count(filter);
                output.result(Map.of("collection", name, "count", n), Long.toString(n));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "find", mixinStandardHelpOptions = true, description = "Print the documents matching a "
            + "MongoDB filter, one JSON document a line.")
    static final class Find implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Parameters(index = "0", paramLabel = "NAME", description = "The collection.")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILTER", description = "A MongoDB filter (default {}).")
        String filter = "{}";

        @Option(names = "--sort", paramLabel = "SORT", description = "A MongoDB sort, e.g. {\"strength\": -1}.")
        String sort;

        @Option(names = "--projection", paramLabel = "PROJECTION", description = "A MongoDB projection.")
        String projection;

        @Option(names = "--limit", paramLabel = "N", description = "At most N documents (default 20, 0: all).")
        int limit = 20;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (DatabaseOptions.Session s = db.open()) {
                s.requireKeelSchema();
                DocumentCollection<JsonNode> c = s.keel().documents().collection(name);
                Query q = Query.filter(filter).sort(sort).projection(projection).limit(limit);
                try (java.util.stream.Stream<JsonNode> docs = c.stream(q)) {
                    docs.forEach(d -> spec.commandLine().getOut().println(d.toString()));
                }
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
    }

    static java.util.List<String> names(java.util.List<String> given) {
        return given == null ? java.util.List.of() : given;
    }
}
