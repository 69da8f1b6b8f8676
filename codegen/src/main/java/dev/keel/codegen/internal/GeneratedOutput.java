package dev.keel.codegen.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a run wrote, read in one walk of the output: how many Java files, and whether any mentions a given text
 * (such as the package of jooq-postgres-extensions' bindings).
 */
record GeneratedOutput(long files, boolean mentions) {

    static GeneratedOutput read(Path directory, String text) throws IOException {
        long files = 0;
        boolean mentions = false;
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : (Iterable<Path>) walk.filter(f -> f.toString().endsWith(".java"))::iterator) {
                files++;
                mentions = mentions || Files.readString(p, StandardCharsets.UTF_8).contains(text);
            }
        }
        return new GeneratedOutput(files, mentions);
    }
}
