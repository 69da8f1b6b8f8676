package dev.keel.document;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The README's "Document collections" examples are the code {@link DocumentCollectionIT} runs: each java block
 * marked {@code <!-- document-snippet: NAME -->} equals the region {@code // document-readme:start NAME} …
 * {@code // document-readme:end NAME} of that test, common indentation removed.
 */
class DocumentReadmeSnippetsTest {
    static final String SOURCE = "runtime/src/test/java/dev/keel/document/DocumentCollectionIT.java";
    private static final Pattern START = Pattern.compile("\\s*// document-readme:start (\\S+)\\s*");
    private static final Pattern END = Pattern.compile("\\s*// document-readme:end (\\S+)\\s*");
    private static final Pattern MARKER = Pattern.compile("<!-- document-snippet: (\\S+) -->\\s*");

    @Test
    void everyDocumentSnippetIsTheCodeOfItsTestRegion() throws IOException {
        Path root = root();
        Map<String, String> regions = regions(Files.readAllLines(root.resolve(SOURCE)));
        Map<String, String> shown = snippets(Files.readAllLines(root.resolve("README.md")));
        assertThat(regions).containsKeys("documents", "document-transactions", "document-service");
        assertThat(shown).isEqualTo(regions);
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve(SOURCE))) {
                return p;
            }
        }
        throw new IllegalStateException("project root not found");
    }

    static Map<String, String> regions(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        List<String> body = new ArrayList<>();
        for (String line : lines) {
            Matcher s = START.matcher(line);
            Matcher e = END.matcher(line);
            if (s.matches()) {
                name = s.group(1);
                body.clear();
            } else if (e.matches() && name != null) {
                out.put(name, dedent(body));
                name = null;
            } else if (name != null) {
                body.add(line);
            }
        }
        return out;
    }

    static Map<String, String> snippets(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARKER.matcher(lines.get(i));
            if (m.matches() && i + 1 < lines.size() && lines.get(i + 1).startsWith("```")) {
                List<String> body = new ArrayList<>();
                int j = i + 2;
                while (j < lines.size() && !lines.get(j).startsWith("```")) {
                    body.add(lines.get(j++));
                }
                out.put(m.group(1), dedent(body));
            }
        }
        return out;
    }

    private static String dedent(List<String> body) {
        int indent = Integer.MAX_VALUE;
        for (String l : body) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String l : body) {
            b.append(l.isBlank() ? "" : l.substring(Math.min(indent, l.length())).stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
