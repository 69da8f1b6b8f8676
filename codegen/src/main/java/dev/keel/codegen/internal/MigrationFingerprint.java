package dev.keel.codegen.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A SHA-256 over every migration file the locations resolve to (name and content) plus the settings that shape
 * the generated code and the generator's own version. Equal fingerprints mean equal generated code.
 */
public final class MigrationFingerprint {
    private MigrationFingerprint() {
    }

    public static String of(CodegenSettings settings, ClassLoader classLoader, String generatorVersion) {
        Map<String, byte[]> files = new TreeMap<>();
        for (String location : settings.locations()) {
            collect(location, classLoader, files);
        }
        MessageDigest sha = sha256();
        sha.update(("generator=" + generatorVersion + "\n" + settings.fingerprintText()).getBytes(StandardCharsets.UTF_8));
        files.forEach((name, bytes) -> {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(bytes);
            sha.update((byte) 0);
        });
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void collect(String location, ClassLoader classLoader, Map<String, byte[]> files) {
        if (location.startsWith("filesystem:")) {
            Path dir = Path.of(location.substring("filesystem:".length()));
            walk(location, dir, files);
            return;
        }
        String path = location.substring("classpath:".length()).replaceAll("^/+|/+$", "");
        try {
            Enumeration<URL> roots = classLoader.getResources(path);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if ("file".equals(root.getProtocol())) {
                    walk(location, Path.of(root.toURI()), files);
                } else if ("jar".equals(root.getProtocol())) {
                    readJar(location, root, path, files);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read migrations at " + location, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot read migrations at " + location, e);
        }
    }

    private static void walk(String location, Path dir, Map<String, byte[]> files) {
        if (!Files.isDirectory(dir)) {
            return; // Flyway reports a missing location itself, with its own message
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile).sorted()::iterator) {
                files.put(location + "/" + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read migrations in " + dir, e);
        }
    }

    private static void readJar(String location, URL root, String path, Map<String, byte[]> files) throws IOException {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.isDirectory() && entry.getName().startsWith(path + "/")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.put(location + "/" + entry.getName().substring(path.length() + 1), in.readAllBytes());
                    }
                }
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
