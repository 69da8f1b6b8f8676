package dev.keel.codegen;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles generated sources with the JDK's compiler and loads them, as a user's build would. */
final class GeneratedSources {
    private GeneratedSources() {
    }

    /** Compiles {@code sources} (and any further source folders, e.g. a client of the generated code). */
    static ClassLoader compileAndLoad(Path sources, Path classes, Path... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("-proc:none", "-nowarn", "-encoding", "UTF-8", "-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path")));
        for (Path dir : concat(sources, more)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new AssertionError("generated sources did not compile (javac exit " + rc + ")");
        }
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, GeneratedSources.class.getClassLoader());
    }

    private static List<Path> concat(Path first, Path... more) {
        List<Path> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all;
    }

    static Path fixture(String name) {
        return resource("/fixtures/" + name);
    }

    static Path resource(String name) {
        URL url = GeneratedSources.class.getResource(name);
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
