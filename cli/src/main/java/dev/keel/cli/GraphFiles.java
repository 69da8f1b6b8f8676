package dev.keel.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Opening graph files: gzip recognised by its magic bytes, sizes counted for progress, outputs replaced whole. */
final class GraphFiles {
    private static final int BUFFER = 1 << 16;

    private GraphFiles() {
    }

    /** A file being read: its decompressed content and how many stored bytes have been consumed. */
    static final class Input extends FilterInputStream {
        private final long size;
        private final CountingStream counted;

        private Input(InputStream content, CountingStream counted, long size) {
            super(content);
            this.counted = counted;
            this.size = size;
        }

        long bytesRead() {
            return counted.count;
        }

        long size() {
            return size;
        }
    }

    /** Opens {@code file} for reading, decompressing it when it starts with gzip's magic bytes. */
    static Input open(Path file) {
        try {
            long size = Files.size(file);
            CountingStream counted = new CountingStream(Files.newInputStream(file));
            BufferedInputStream raw = new BufferedInputStream(counted, BUFFER);
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream content = gzip ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : raw;
            return new Input(content, counted, size);
        } catch (NoSuchFileException e) {
            throw CliException.userError("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw CliException.userError("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw CliException.userError("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * A file being written. The content goes to a hidden file beside it, which {@link #commit()} moves into place;
     * {@link #close()} without commit deletes it, so a failed export never leaves a half-written file behind.
     */
    static final class Output implements AutoCloseable {
        private final Path target;
        private final Path partial;
        private final OutputStream stream;
        private boolean committed;

        private Output(Path target, Path partial, OutputStream stream) {
            this.target = target;
            this.partial = partial;
            this.stream = stream;
        }

        OutputStream stream() {
            return stream;
        }

        void commit() throws IOException {
            stream.close();
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        }

        @Override
        public void close() {
            if (!committed) {
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // the partial file is deleted next; its content no longer matters
                }
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Whether output to {@code file} is compressed: asked for with {@code gzip}, or named {@code *.gz}. */
    static boolean gzipWanted(Path file, boolean gzip) {
        return gzip || file.getFileName().toString().endsWith(".gz");
    }

    /** Creates {@code file}, refusing to replace an existing one unless {@code force}. */
    static Output create(Path file, boolean gzip, boolean force) {
        Path target = file.toAbsolutePath();
        if (Files.exists(target) && !force) {
            throw CliException.userError(file + " already exists; use --force to replace it");
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            OutputStream raw = new BufferedOutputStream(Files.newOutputStream(partial), BUFFER);
            OutputStream stream = gzip ? new BufferedOutputStream(new GZIPOutputStream(raw, BUFFER), BUFFER) : raw;
            return new Output(target, partial, stream);
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw CliException.userError("cannot write " + file + ": its folder does not exist");
        } catch (AccessDeniedException e) {
            throw CliException.userError("cannot write " + file + ": permission denied");
        } catch (IOException e) {
            throw CliException.userError("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
