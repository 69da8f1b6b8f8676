package dev.keel.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a local PostgreSQL, for network faults that a real network has:
 * <ul>
 *   <li>{@link #pause()}: stop forwarding without closing anything; bytes are read and held, as on a network that
 *       went dark, until {@link #resume()};</li>
 *   <li>{@link #cutAfter(String, boolean)}: the next time the client sends a message containing a marker (for
 *       example {@code COMMIT}), forward it to the server or drop it, then cut that client's link, so the client
 *       never hears the answer;</li>
 *   <li>{@link #cutAll()}: close every open link at once.</li>
 * </ul>
 * New connections are accepted at any time; thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
    private static final String COMMIT_MARK = "\u0000commit";
    private final ServerSocket server;
    private final String targetHost;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private final AtomicInteger cuts = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong clientBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean forwarding = true;
    private volatile byte[] marker;
    private volatile boolean forwardMarked;

    public TcpProxy(int targetPort) throws IOException {
        this(InetAddress.getLoopbackAddress().getHostAddress(), targetPort);
    }

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** A proxy in front of the server that {@code jdbcUrl} names. */
    public static TcpProxy inFrontOf(String jdbcUrl) throws IOException {
        java.net.URI uri = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
        return new TcpProxy(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    /** {@code jdbcUrl} with its host and port replaced by this proxy's, and {@code extra} URL parameters added. */
    public String route(String jdbcUrl, String extra) {
        String routed = jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + port() + "/");
        if (extra == null || extra.isEmpty()) {
            return routed;
        }
        return routed + (routed.contains("?") ? "&" : "?") + extra;
    }

    public void pause() {
        forwarding = false;
    }

    public void resume() {
        synchronized (gate) {
            forwarding = true;
            gate.notifyAll();
        }
    }

    /**
     * Arms a single cut: the next client message containing {@code text} is forwarded to the server
     * ({@code forward = true}, so the server acts on it) or dropped, and that client's link is closed before any
     * answer can reach it. The server side of that link stays open a moment longer, so the server finishes what it
     * was sent instead of noticing the cut first.
     */
    public void cutAfter(String text, boolean forward) {
        this.forwardMarked = forward;
        this.marker = text.equals(COMMIT_MARK) ? commitMark() : text.getBytes(StandardCharsets.US_ASCII);
    }

    private final byte[] commitMarkBytes = COMMIT_MARK.getBytes(StandardCharsets.US_ASCII);

    private byte[] commitMark() {
        return commitMarkBytes;
    }

    /**
     * Arms a single cut on the next COMMIT any client sends, recognised by reading the wire protocol: a simple
     * query or Parse of {@code COMMIT}, or a Bind of a statement that was parsed from {@code COMMIT} (pgjdbc
     * prepares COMMIT on the server after a few uses, and then sends only its name).
     */
    public void cutOnCommit(boolean forward) {
        cutAfter(COMMIT_MARK, forward);
    }

    /** Bytes the clients have sent towards the server so far, over every link. */
    public long clientBytes() {
        return clientBytes.get();
    }

    /** How many links {@link #cutAfter(String, boolean)} has cut. */
    public int cuts() {
        return cuts.get();
    }

    /** Closes every open link (not the listening socket). */
    public void cutAll() {
        sockets.forEach(TcpProxy::close);
        sockets.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, target);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                start(() -> pump(client, upstream, true));
                start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buf = new byte[16 * 1024];
        CommitSpotter commits = fromClient ? new CommitSpotter() : null;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (gate) {
                    while (!forwarding) {
                        gate.wait();
                    }
                }
                byte[] armed = fromClient ? marker : null;
                boolean commit = commits != null && commits.sawCommit(buf, n);
                boolean hit = armed != null && (armed == commitMark() ? commit : contains(buf, n, armed));
                if (hit && disarm(armed)) {
                    // The client hears nothing more: its side is shut before the message goes on, or the server's
                    // answer (to a COMMIT, within microseconds) could reach it before the link is closed.
                    from.shutdownOutput();
                    if (forwardMarked) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                    close(from);
                    cuts.incrementAndGet();
                    Thread.sleep(500);
                    return;
                }
                if (fromClient) {
                    clientBytes.addAndGet(n);
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private synchronized boolean disarm(byte[] armed) {
        if (marker != armed) {
            return false;
        }
        marker = null;
        return true;
    }

    private static boolean contains(byte[] buf, int n, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= n; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buf[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "test-proxy");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /**
     * Waits up to 10 s until the server has no session left on {@code database} through any proxy (the server ends a
     * session a moment after its link closes), so that leak checks after the test see none.
     */
    public static void awaitSessionsGone(javax.sql.DataSource admin, String database) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (java.sql.Connection c = admin.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
            ps.setString(1, database);
            while (System.nanoTime() < deadline) {
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        resume();
        server.close();
        cutAll();
    }

    /**
     * Follows one client's messages (after the untyped startup packets) and says whether a chunk held a COMMIT:
     * a simple query {@code Q}, a {@code P}arse of it, or a {@code B}ind of a statement parsed from it.
     */
    private static final class CommitSpotter {
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        private final java.util.Set<String> commitStatements = new java.util.HashSet<>();
        private boolean started;

        boolean sawCommit(byte[] buf, int n) {
            pending.write(buf, 0, n);
            byte[] b = pending.toByteArray();
            int pos = 0;
            boolean seen = false;
            while (true) {
                if (!started) {
                    if (b.length - pos < 8) {
                        break;
                    }
                    int len = readInt(b, pos);
                    if (b.length - pos < len) {
                        break;
                    }
                    int code = readInt(b, pos + 4);
                    started = code == 196608; // the StartupMessage; SSL and GSS requests come before it
                    pos += len;
                    continue;
                }
                if (b.length - pos < 5) {
                    break;
                }
                char type = (char) b[pos];
                int len = readInt(b, pos + 1);
                if (b.length - pos < len + 1) {
                    break;
                }
                int body = pos + 5;
                if (type == 'Q') {
                    seen |= isCommit(cstring(b, body));
                } else if (type == 'P') {
                    String name = cstring(b, body);
                    String query = cstring(b, body + name.length() + 1);
                    if (isCommit(query)) {
                        seen = true;
                        if (!name.isEmpty()) {
                            commitStatements.add(name);
                        }
                    }
                } else if (type == 'B') {
                    String portal = cstring(b, body);
                    String statement = cstring(b, body + portal.length() + 1);
                    seen |= commitStatements.contains(statement);
                }
                pos += len + 1;
            }
            pending.reset();
            pending.write(b, pos, b.length - pos);
            return seen;
        }

        private static boolean isCommit(String query) {
            return query.strip().equalsIgnoreCase("COMMIT");
        }

        private static int readInt(byte[] b, int at) {
            return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
        }

        private static String cstring(byte[] b, int at) {
            int end = at;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, at, end - at, StandardCharsets.UTF_8);
        }
    }
}
