package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's runtime examples must be the code that {@link ReadmeSnippetsIT} runs: every java block marked
 * {@code <!-- snippet: NAME -->} equals the region {@code // readme:start NAME} … {@code // readme:end NAME} of that
 * test (common indentation removed), and every region is shown.
 */
class ReadmeSnippetsTest {
    static final String SOURCE = "runtime/src/test/java/dev/keel/ReadmeSnippetsIT.java";
    /** Every test file that holds README regions. */
    static final List<String> SOURCES = List.of(SOURCE, "runtime/src/test/java/dev/keel/bulk/BulkWriterIT.java",
            "runtime/src/test/java/dev/keel/graph/GraphStoreIT.java",
            "runtime/src/test/java/dev/keel/KeelFlywayAndDaoIT.java",
            "runtime/src/test/java/dev/keel/notify/NotificationsIT.java",
            "runtime/src/test/java/dev/keel/saga/SagaStoreIT.java",
            "runtime/src/test/java/dev/keel/fault/AmbiguousCommitIT.java");
    private static final Pattern START = Pattern.compile("\\s*// readme:start (\\S+)\\s*");
    private static final Pattern END = Pattern.compile("\\s*// readme:end (\\S+)\\s*");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+) -->\\s*");

    @Test
    void everyReadmeSnippetIsTheCodeOfItsTestRegion() throws IOException {
        Path root = projectRoot();
        Map<String, String> regions = new LinkedHashMap<>();
        for (String source : SOURCES) {
            regions(Files.readAllLines(root.resolve(source))).forEach((name, body) -> {
                if (regions.put(name, body) != null) {
                    fail("region '" + name + "' is defined twice (again in " + source + ")");
                }
            });
        }
        Map<String, String> shown = readmeSnippets(Files.readAllLines(root.resolve("README.md")));

        assertThat(regions.keySet()).as("regions in " + SOURCES).contains("entry-point", "transactions", "micrometer",
                "bulk", "graphs");
        assertThat(shown.keySet()).as("snippets in README.md").containsExactlyInAnyOrderElementsOf(regions.keySet());
        shown.forEach((name, block) -> assertThat(block)
                .as("README.md snippet '%s' differs from its region in %s; it should read:%n%s", name, SOURCES,
                        regions.get(name))
                .isEqualTo(regions.get(name)));
    }

    @Test
    void indentationCommonToARegionIsRemoved() {
        Map<String, String> r = regions(List.of(
                "    // readme:start x",
                "        if (a) {",
                "",
                "            b();   ",
                "        }",
                "    // readme:end x"));
        assertThat(r).containsExactly(Map.entry("x", "if (a) {\n\n    b();\n}"));
    }

    static Map<String, String> regions(List<String> lines) {
        Map<String, String> regions = new LinkedHashMap<>();
        String open = null;
        List<String> body = new ArrayList<>();
        for (String line : lines) {
            Matcher start = START.matcher(line);
            Matcher end = END.matcher(line);
            if (start.matches()) {
                if (open != null) {
                    fail("region '" + start.group(1) + "' starts inside region '" + open + "'");
                }
                open = start.group(1);
                body.clear();
            } else if (end.matches()) {
                if (!end.group(1).equals(open)) {
                    fail("readme:end " + end.group(1) + " does not close the open region " + open);
                }
                if (regions.put(open, dedent(body)) != null) {
                    fail("region '" + open + "' is defined twice");
                }
                open = null;
            } else if (open != null) {
                body.add(line);
            }
        }
        if (open != null) {
            fail("region '" + open + "' is never closed");
        }
        return regions;
    }

    static Map<String, String> readmeSnippets(List<String> lines) {
        Map<String, String> snippets = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i));
            if (!marker.matches()) {
                continue;
            }
            String name = marker.group(1);
            if (i + 1 >= lines.size() || !lines.get(i + 1).strip().equals("```java")) {
                fail("README.md line " + (i + 1) + ": snippet '" + name + "' must be followed by a ```java block");
            }
            List<String> body = new ArrayList<>();
            int j = i + 2;
            while (j < lines.size() && !lines.get(j).strip().equals("```")) {
                body.add(lines.get(j++));
            }
            if (j == lines.size()) {
                fail("README.md: the java block of snippet '" + name + "' is never closed");
            }
            if (snippets.put(name, dedent(body)) != null) {
                fail("README.md shows snippet '" + name + "' twice");
            }
            i = j;
        }
        return snippets;
    }

    static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
        }
        while (!out.isEmpty() && out.get(0).isEmpty()) {
            out.remove(0);
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return String.join("\n", out);
    }

    /** The reactor root: the nearest directory above the working directory that holds README.md and SOURCE. */
    static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve(SOURCE))) {
                return p;
            }
        }
        throw new IllegalStateException("README.md and " + SOURCE + " not found above " + Path.of("").toAbsolutePath());
    }
}
