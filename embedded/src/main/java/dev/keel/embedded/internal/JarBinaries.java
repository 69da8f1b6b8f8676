package dev.keel.embedded.internal;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/** PostgreSQL binaries read from a zonky binaries jar on disk instead of from the classpath. */
public final class JarBinaries implements PgBinaryResolver {
    private final Path jar;

    public JarBinaries(Path jar) {
        this.jar = jar;
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        String name = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + machineHardware + ".txz";
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry(name);
            if (entry == null) {
                throw new FileNotFoundException(jar + " has no " + name + " (binaries for another system?)");
            }
            try (InputStream in = file.getInputStream(entry)) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
        }
    }
}
