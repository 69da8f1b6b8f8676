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
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile boolean forwarding = true;
    private volatile byte[] marker;
    private volatile boolean forwardMarked;

    public TcpProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** A JDBC URL through this proxy, as the embedded superuser; {@code extra} is appended as URL parameters. */
    public String jdbcUrl(String database, String extra) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=postgres"
                + (extra == null || extra.isEmpty() ? "" : "&" + extra);
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
        this.marker = text.getBytes(StandardCharsets.US_ASCII);
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
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
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
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (gate) {
                    while (!forwarding) {
                        gate.wait();
                    }
                }
                byte[] armed = fromClient ? marker : null;
                if (armed != null && contains(buf, n, armed) && disarm(armed)) {
                    if (forwardMarked) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                    close(from); // the client hears nothing more
                    cuts.incrementAndGet();
                    Thread.sleep(500);
                    return;
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

    @Override
    public void close() throws IOException {
        resume();
        server.close();
        cutAll();
    }
}
