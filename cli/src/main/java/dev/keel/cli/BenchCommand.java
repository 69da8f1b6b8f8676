package dev.keel.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run Keel's benchmarks (the benchmarks module must be built).",
                "Starts benchmarks/target/keel-benchmarks.jar of this repository (or KEEL_BENCHMARKS_JAR) with "
                        + "the arguments given, and returns its exit code; exit 1 when it is not built. "
                        + "'keel bench -- --help' shows the runner's own options."},
        footer = {"", "Examples:", "  keel bench --quick", "  keel bench --quick --json --chart bench.png",
                "  keel bench --url jdbc:postgresql://localhost/bench?user=bench"})
final class BenchCommand implements Callable<Integer> {
    static final String BUILD = "./mvnw -q package -DskipTests -pl benchmarks -am";

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path jar = runnerJar();
        if (!Files.isRegularFile(jar)) {
            throw CliException.userError("the benchmarks are not built (" + jar + " is missing); build them with: " + BUILD);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(args.stream().filter(a -> !a.equals("--")).toList());
        Process runner = new ProcessBuilder(command).inheritIO().start();
        try {
            return runner.waitFor();
        } finally {
            runner.destroy(); // only if we were interrupted; a finished process ignores it
        }
    }

    /** KEEL_BENCHMARKS_JAR, else the repository's benchmarks/target beside cli/target/keel.jar. */
    static Path runnerJar() {
        String configured = System.getenv("KEEL_BENCHMARKS_JAR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            Path self = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path repository = self.toAbsolutePath().getParent().getParent().getParent(); // self: cli/target/keel.jar
            return repository.resolve("benchmarks").resolve("target").resolve("keel-benchmarks.jar");
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("benchmarks", "target", "keel-benchmarks.jar").toAbsolutePath();
        }
    }
}
