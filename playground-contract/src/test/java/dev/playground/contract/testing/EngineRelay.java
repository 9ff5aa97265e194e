package dev.playground.contract.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local Docker engine behind a socket of its own that a test can cut and restore, as a sandbox host that dies
 * and comes back: {@link #cut()} closes the socket and every connection through it (a client's pooled connections
 * break as they would when the host goes), {@link #restore()} listens again. Bytes are relayed unchanged.
 */
public final class EngineRelay implements AutoCloseable {

    private static final Path ENGINE = Path.of("/var/run/docker.sock");

    private final Path socket = Path.of("/tmp", "playground-engine-relay-" + UUID.randomUUID() + ".sock");
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocketChannel server;

    private static final java.util.Map<String, EngineRelay> SHARED = new ConcurrentHashMap<>();

    /**
     * Calls the static {@code method} of this class as the JVM's application class loader holds it: a Quarkus test
     * class is loaded twice (by JUnit and by Quarkus), and its profile and its methods must reach the same relay.
     */
    private static Object shared(String method, String key) {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        try {
            Class<?> owner = EngineRelay.class.getClassLoader() == app ? EngineRelay.class
                    : Class.forName(EngineRelay.class.getName(), true, app);
            var m = owner.getDeclaredMethod(method + "Here", String.class);
            m.setAccessible(true);
            return m.invoke(null, key);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EngineRelay named(String key) {
        return SHARED.computeIfAbsent(key, k -> {
            EngineRelay relay = new EngineRelay();
            Runtime.getRuntime().addShutdownHook(new Thread(relay::cut));
            return relay;
        });
    }

    @SuppressWarnings("unused") // called reflectively by shared()
    private static Object addressHere(String key) {
        return named(key).address();
    }

    @SuppressWarnings("unused")
    private static Object cutHere(String key) {
        named(key).cut();
        return null;
    }

    @SuppressWarnings("unused")
    private static Object restoreHere(String key) {
        named(key).restore();
        return null;
    }

    /** The address of the relay {@code key}, one per JVM, listening from its first use. */
    public static String address(String key) {
        return (String) shared("address", key);
    }

    /** Cuts the relay {@code key}. */
    public static void cut(String key) {
        shared("cut", key);
    }

    /** Restores the relay {@code key}. */
    public static void restore(String key) {
        shared("restore", key);
    }

    /** A relay, listening. */
    public EngineRelay() {
        restore();
    }

    /** The relay's address as Docker clients take it. */
    public String address() {
        return "unix://" + socket;
    }

    /** Listens again (after {@link #cut()}). */
    public synchronized void restore() {
        if (server != null) {
            return;
        }
        try {
            Files.deleteIfExists(socket);
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(socket));
            server = s;
            Thread.ofPlatform().daemon().name("engine-relay-accept").start(() -> accept(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the socket and every connection through it: the engine is unreachable until {@link #restore()}. */
    public synchronized void cut() {
        ServerSocketChannel s = server;
        server = null;
        closeQuietly(s);
        open.forEach(EngineRelay::closeQuietly);
        open.clear();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocketChannel s) {
        while (s.isOpen()) {
            try {
                SocketChannel client = s.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(ENGINE));
                open.add(client);
                open.add(engine);
                Thread.ofVirtual().start(() -> pump(client, engine));
                Thread.ofVirtual().start(() -> pump(engine, client));
            } catch (IOException e) {
                return; // closed by cut()
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            if (!from.isOpen() || !to.isOpen()) {
                open.remove(from);
                open.remove(to);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        cut();
    }
}
