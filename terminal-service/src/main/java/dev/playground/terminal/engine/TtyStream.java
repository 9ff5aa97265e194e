package dev.playground.terminal.engine;

import dev.playground.contract.docker.SandboxHosts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The stream of an exec with a TTY, driven on one Netty event loop: {@code POST /exec/{id}/start} on the engine's
 * socket, upgraded to the raw PTY stream (as {@code docker exec -it} does), read and written by the event loop that
 * serves the terminal's WebSocket. A keystroke then goes from the client's frame to the engine, and its echo from the
 * engine to the client's frame, without passing between threads; docker-java's attach pumps stdin and reads output on
 * threads of its own, two hand-offs per keystroke on a machine whose cores are shared with everything else.
 *
 * <p>Input is bounded: bytes written and not yet taken by the engine count toward {@code maxPending}, and a write past
 * it is refused. Input is held, not sent, until {@link #openInput()} (a shell waits for its PTY size). Output can be
 * paused: the stream is then not read, so the PTY fills and the program writing to it blocks.
 */
public final class TtyStream {

    /** What the stream reports, on its event loop. */
    public interface Listener {
        /** Output of the exec. */
        void output(byte[] bytes);

        /** The stream ended (the exec exited, the engine went, or {@link #close()}); {@code failure} null when orderly. */
        void ended(Throwable failure);
    }

    private static final int MAX_HEAD = 16 * 1024;
    /** The blank line that ends an HTTP head. */
    private static final ByteBuf HEAD_END = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(new byte[] {'\r', '\n', '\r', '\n'}));

    private final EventLoop loop;
    private final long maxPending;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Input before {@link #openInput()}; touched on the loop only. */
    private final List<byte[]> held = new ArrayList<>();
    private boolean inputOpen;
    private volatile Channel channel;

    /** A stream to be started on {@code loop}; input written before it starts is held for it. */
    public TtyStream(EventLoop loop, long maxPending) {
        this.loop = loop;
        this.maxPending = maxPending;
    }

    /**
     * Connects to {@code engine}, starts exec {@code execId} with a TTY and waits (blocking, at most {@code timeout})
     * for the engine to switch to its raw stream; output then goes to {@code listener}.
     */
    public void start(SandboxHosts.Engine engine, String execId, Listener listener, Duration timeout)
            throws IOException {
        CompletableFuture<Void> upgraded = new CompletableFuture<>();
        URI address = engine.address();
        boolean unix = "unix".equals(address.getScheme());
        SocketAddress remote = unix ? UnixDomainSocketAddress.of(address.getPath())
                : new InetSocketAddress(address.getHost(), address.getPort()); // resolved here, off the loop
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .channel(unix ? NioDomainSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (engine.tls() != null) {
                            SSLEngine ssl = engine.tls().createSSLEngine(address.getHost(), address.getPort());
                            ssl.setUseClientMode(true);
                            SSLParameters parameters = ssl.getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            ssl.setSSLParameters(parameters);
                            ch.pipeline().addLast(new SslHandler(ssl));
                        }
                        ch.pipeline().addLast(new Upgrade(execId, upgraded, listener));
                    }
                });
        if (!unix) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture connecting = bootstrap.connect(remote);
        connecting.addListener(f -> {
            if (!f.isSuccess()) { // never active, so the handler hears nothing: the engine is not there
                upgraded.completeExceptionally(new IOException("the engine at " + address + " is not reachable: "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        channel = connecting.channel();
        try {
            upgraded.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            channel.close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            channel.close();
            throw new IOException("the engine did not start the exec's stream within " + timeout);
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the exec's stream");
        }
        if (closed.get()) {
            channel.close(); // closed while it was starting
        }
    }

    /**
     * Writes keystrokes to the exec, in order with every other write; false when more than {@code maxPending} bytes
     * would be waiting for the engine, or the stream is closed.
     */
    public boolean write(byte[] bytes) {
        if (closed.get()) {
            return false;
        }
        if (pending.addAndGet(bytes.length) > maxPending) {
            pending.addAndGet(-bytes.length);
            return false;
        }
        if (loop.inEventLoop()) {
            send(bytes);
        } else {
            loop.execute(() -> send(bytes));
        }
        return true;
    }

    /** Lets held and future input through to the exec. */
    public void openInput() {
        loop.execute(() -> {
            inputOpen = true;
            held.forEach(this::send);
            held.clear();
        });
    }

    private void send(byte[] bytes) {
        Channel ch = channel;
        if (!inputOpen || ch == null) {
            held.add(bytes);
            return;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> pending.addAndGet(-bytes.length));
    }

    /** Stops reading output (the client is not keeping up); {@link #resumeOutput()} reads again. */
    public void pauseOutput() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(false);
        }
    }

    public void resumeOutput() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(true);
        }
    }

    /** Closes the stream (the exec goes on unless its TTY's hangup ends it); its listener hears ended. Idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }
    }

    /**
     * Sends the start request once connected (after the TLS handshake, which SslHandler holds writes for), reads the
     * engine's answer head, and from the switch on hands every read to the listener.
     */
    private static final class Upgrade extends ChannelInboundHandlerAdapter {
        private final String execId;
        private final CompletableFuture<Void> upgraded;
        private final Listener listener;
        private final ByteBuf head = Unpooled.buffer(512);
        private boolean streaming;
        private boolean ended;

        Upgrade(String execId, CompletableFuture<Void> upgraded, Listener listener) {
            this.execId = execId;
            this.upgraded = upgraded;
            this.listener = listener;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            byte[] body = "{\"Detach\":false,\"Tty\":true}".getBytes(StandardCharsets.US_ASCII);
            String request = "POST /exec/" + execId + "/start HTTP/1.1\r\nHost: docker\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
            ctx.write(Unpooled.wrappedBuffer(request.getBytes(StandardCharsets.US_ASCII)));
            ctx.writeAndFlush(Unpooled.wrappedBuffer(body));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (streaming) {
                    deliver(in);
                    return;
                }
                head.writeBytes(in);
            } finally {
                in.release();
            }
            int end = ByteBufUtil.indexOf(HEAD_END, head);
            if (end < 0) {
                if (head.readableBytes() > MAX_HEAD) {
                    fail(ctx, "the engine's answer has no end of head within " + MAX_HEAD + " bytes");
                }
                return;
            }
            String answer = head.toString(0, end, StandardCharsets.ISO_8859_1);
            String status = answer.lines().findFirst().orElse("");
            // 101 from a current engine; 200 from one that hijacks without the upgrade handshake
            if (!status.startsWith("HTTP/1.1 101") && !status.startsWith("HTTP/1.1 200")) {
                String body = head.toString(end + 4, head.readableBytes() - end - 4, StandardCharsets.UTF_8);
                fail(ctx, "the engine refused the exec's stream: " + status + " " + body.strip());
                return;
            }
            streaming = true;
            head.readerIndex(end + 4);
            upgraded.complete(null);
            if (head.isReadable()) {
                deliver(head);
            }
            head.release();
        }

        private void deliver(ByteBuf bytes) {
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.readBytes(copy);
            listener.output(copy);
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            upgraded.completeExceptionally(new IOException(why));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!upgraded.isDone()) {
                upgraded.completeExceptionally(new IOException("the engine closed the connection before answering"));
            }
            if (!streaming && head.refCnt() > 0) {
                head.release();
            }
            end(null);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslCloseCompletionEvent) {
                // A tcp engine ends the stream with TLS's close_notify and leaves the connection open: close it.
                ctx.close();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!upgraded.isDone()) {
                upgraded.completeExceptionally(cause instanceof IOException ? cause : new IOException(cause));
            }
            end(cause);
            ctx.close();
        }

        private void end(Throwable failure) {
            if (streaming && !ended) {
                ended = true;
                listener.ended(failure);
            }
        }
    }
}
