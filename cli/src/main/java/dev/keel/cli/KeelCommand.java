package dev.keel.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code keel} command. Without {@code --url} (or {@code KEEL_JDBC_URL} / {@code DATABASE_URL}) it runs an
 * embedded PostgreSQL whose data stays in {@code ~/.keel/data}. Exit codes: 0 ok, 1 user error, 2 database
 * unavailable, 3 data invalid.
 */
@Command(name = "keel", mixinStandardHelpOptions = true, version = "keel 0.1.0-SNAPSHOT",
        description = "Schema-first, type-safe persistence for PostgreSQL.",
        subcommands = {DemoCommand.class, MigrateCommand.class, InfoCommand.class, HealthCommand.class,
                GraphCommand.class, SagaCommand.class, DocsCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  keel demo --quick", "  keel graph list",
                "  keel migrate --url jdbc:postgresql://localhost/app?user=app \\",
                "               --locations filesystem:db/migration",
                "", "Exit codes: 0 ok, 1 user error, 2 database unavailable, 3 data invalid."})
public final class KeelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new KeelCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("keel: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCodes.USER_ERROR;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }
}
