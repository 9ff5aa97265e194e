package dev.playground.terminal.preview;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.sandbox.SandboxConfig;
import dev.playground.contract.sandbox.SandboxUser;
import dev.playground.contract.session.InternalSession;
import dev.playground.terminal.client.SessionClient;
import dev.playground.terminal.config.TerminalConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * How a preview reaches a port in a session that has no network: a SOCKS5 server on the internal network (only the
 * gateway connects to it), whose CONNECT names the session as the host and the preview port as the port. The
 * username is the principal and the password its signature ({@link InternalAuth}), so a connection reaches only its
 * principal's sessions, and only the ports a session declared. Each tunnel is a {@code docker exec} of a small
 * relay ({@code port-forwarder.pl}) that connects to that port on the container's own loopback: no session ever
 * needs a network that could reach another session, a service or the gateway.
 */
@ApplicationScoped
public class PreviewTunnels {

    private static final Logger LOG = Logger.getLogger(PreviewTunnels.class);
    /** Bytes of a client's request queued for the relay before the client is paused. */
    private static final long PAUSE_ABOVE = 1 << 20;

    private final SandboxHosts hosts;
    private final SessionClient sessions;
    private final InternalAuth auth;
    private final SandboxUser user;
    private final TerminalConfig.Preview config;
    private final String forwarder;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    /** Tunnels open per session, within {@code preview.max-per-session}. */
    private final java.util.Map<String, Integer> perSession = new ConcurrentHashMap<>();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;

    PreviewTunnels(SandboxHosts hosts, SessionClient sessions, InternalAuth auth, SandboxConfig sandbox,
            TerminalConfig config) {
        this.hosts = hosts;
        this.sessions = sessions;
        this.auth = auth;
        this.user = sandbox.sandboxUser();
        this.config = config.preview();
        try (InputStream in = PreviewTunnels.class.getResourceAsStream("/port-forwarder.pl")) {
            this.forwarder = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start(@Observes StartupEvent event) throws InterruptedException {
        boss = new NioEventLoopGroup(1);
        workers = new NioEventLoopGroup(2);
        server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        open.add(ch);
                        ch.closeFuture().addListener(f -> open.remove(ch));
                        ch.pipeline().addLast(Socks5ServerEncoder.DEFAULT, new Socks5InitialRequestDecoder(),
                                new Handshake());
                    }
                })
                .bind(config.host(), config.port()).sync().channel();
        LOG.infof("preview tunnels listening on %s", server.localAddress());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
            open.forEach(Channel::close);
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The port the server listens on (0 in config picks a free one, for tests). */
    public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** Tunnels open now. */
    public int openCount() {
        return open.size();
    }

    private void release(String sessionId) {
        perSession.computeIfPresent(sessionId, (id, n) -> n <= 1 ? null : n - 1);
    }

    /** SOCKS5 greeting, password authentication and CONNECT, then the relay. */
    private final class Handshake extends SimpleChannelInboundHandler<Socks5Message> {
        private String principal;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Socks5Message msg) {
            if (msg instanceof Socks5InitialRequest greeting) {
                if (greeting.authMethods().contains(Socks5AuthMethod.PASSWORD)) {
                    ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "auth", new Socks5PasswordAuthRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
                } else {
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED)).addListener(f -> ctx.close());
                }
            } else if (msg instanceof Socks5PasswordAuthRequest login) {
                if (auth.verify(login.username(), login.password(), Instant.now())) {
                    principal = login.username();
                    ctx.pipeline().replace("auth", "command", new Socks5CommandRequestDecoder());
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
                } else {
                    LOG.warnf("preview tunnel from %s refused: the principal's signature is not valid",
                            ctx.channel().remoteAddress());
                    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
                            .addListener(f -> ctx.close());
                }
            } else if (msg instanceof Socks5CommandRequest connect && principal != null) {
                if (connect.type() != Socks5CommandType.CONNECT) {
                    refuse(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED);
                    return;
                }
                ctx.channel().config().setAutoRead(false);
                String sessionId = connect.dstAddr();
                int port = connect.dstPort();
                sessions.find(sessionId, principal).emitOn(Infrastructure.getDefaultWorkerPool()).subscribe().with(
                        found -> {
                            InternalSession s = found.orElse(null);
                            if (s == null || !s.isRunning()) {
                                refuse(ctx, Socks5CommandStatus.HOST_UNREACHABLE);
                            } else if (!s.exposes(port)) {
                                refuse(ctx, Socks5CommandStatus.FORBIDDEN);
                            } else {
                                relay(ctx, s, port);
                            }
                        },
                        failure -> {
                            LOG.warnf("preview of session %s port %d: session-service did not answer: %s", sessionId,
                                    port, failure.getMessage());
                            refuse(ctx, Socks5CommandStatus.FAILURE);
                        });
            } else {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debugf("preview tunnel handshake failed: %s", cause.getMessage());
            ctx.close();
        }
    }

    private static void refuse(ChannelHandlerContext ctx, Socks5CommandStatus status) {
        ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4))
                .addListener(f -> ctx.close());
    }

    /** Starts the relay in the session (blocking Docker calls: a worker thread) and splices it with the client. */
    private void relay(ChannelHandlerContext ctx, InternalSession session, int port) {
        Channel client = ctx.channel();
        if (perSession.merge(session.id(), 1, Integer::sum) > config.maxPerSession()) {
            release(session.id());
            LOG.warnf("preview of session %s port %d refused: %d tunnels already open", session.id(), port,
                    config.maxPerSession());
            refuse(ctx, Socks5CommandStatus.FAILURE);
            return;
        }
        client.closeFuture().addListener(f -> release(session.id()));
        StdinPipe toServer = new StdinPipe();
        String execId;
        DockerClient docker;
        try {
            docker = hosts.reachable(session.host());
            execId = user.exec(docker, session.containerId())
                    .withCmd("perl", "-e", forwarder, "--", Integer.toString(port),
                            Long.toString(config.idleTimeout().toSeconds()))
                    .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                    .exec().getId();
        } catch (RuntimeException e) {
            LOG.warnf("preview of session %s port %d: the relay could not start: %s", session.id(), port, e.getMessage());
            refuse(ctx, Socks5CommandStatus.HOST_UNREACHABLE);
            return;
        }
        FromServer fromServer = new FromServer(ctx, client, toServer, session.id(), port);
        docker.execStartCmd(execId).withStdIn(toServer).exec(fromServer);
        client.closeFuture().addListener(f -> {
            toServer.close();
            fromServer.closeQuietly();
        });
    }

    /** The relay's output: its status byte, then the server's bytes for the client. */
    private final class FromServer extends ResultCallback.Adapter<Frame> {
        private final ChannelHandlerContext ctx;
        private final Channel client;
        private final StdinPipe toServer;
        private final String sessionId;
        private final int port;
        private final Semaphore writable = new Semaphore(0);
        private boolean connected;
        private boolean answered;

        FromServer(ChannelHandlerContext ctx, Channel client, StdinPipe toServer, String sessionId, int port) {
            this.ctx = ctx;
            this.client = client;
            this.toServer = toServer;
            this.sessionId = sessionId;
            this.port = port;
        }

        @Override
        public void onNext(Frame frame) {
            if (frame.getStreamType() != StreamType.STDOUT && frame.getStreamType() != StreamType.RAW) {
                return;
            }
            byte[] bytes = frame.getPayload();
            int offset = 0;
            if (!answered && bytes.length > 0) {
                answered = true;
                connected = bytes[0] == '1';
                if (!connected) {
                    LOG.infof("preview of session %s port %d: %s", sessionId, port,
                            new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8));
                    refuse(ctx, Socks5CommandStatus.CONNECTION_REFUSED);
                    return;
                }
                client.eventLoop().execute(this::spliced);
                offset = 1;
            }
            if (!connected || offset == bytes.length) {
                return;
            }
            // Backpressure: the server waits (its writes block in the container) while the client is not reading.
            while (client.isActive() && !client.isWritable()) {
                try {
                    writable.tryAcquire(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            client.writeAndFlush(Unpooled.wrappedBuffer(bytes, offset, bytes.length - offset));
        }

        /** On the client's event loop: the SOCKS reply, then raw bytes both ways. */
        private void spliced() {
            client.pipeline().remove(Socks5ServerEncoder.class);
            client.pipeline().remove("command");
            client.pipeline().remove(Handshake.class);
            client.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    try {
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        toServer.offer(bytes);
                    } finally {
                        buf.release();
                    }
                    if (toServer.pending() > PAUSE_ABOVE) {
                        c.channel().config().setAutoRead(false);
                        Thread.ofVirtual().start(() -> {
                            while (toServer.pending() > PAUSE_ABOVE / 4 && c.channel().isActive()) {
                                sleepQuietly();
                            }
                            c.channel().eventLoop().execute(() -> c.channel().config().setAutoRead(true));
                        });
                    }
                }

                @Override
                public void channelWritabilityChanged(ChannelHandlerContext c) {
                    if (c.channel().isWritable()) {
                        writable.release();
                    }
                    c.fireChannelWritabilityChanged();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                    c.close();
                }
            });
            // The SOCKS codecs are gone (above): the success reply goes out as its bytes (RFC 1928, bound 0.0.0.0:0).
            ByteBuf reply = Unpooled.wrappedBuffer(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            client.writeAndFlush(reply);
            client.config().setAutoRead(true);
        }

        @Override
        public void onError(Throwable throwable) {
            LOG.debugf("preview of session %s port %d: relay stream failed: %s", sessionId, port, throwable.getMessage());
            client.close();
        }

        @Override
        public void onComplete() {
            if (!answered) {
                refuse(ctx, Socks5CommandStatus.HOST_UNREACHABLE);
            } else {
                client.close();
            }
        }

        void closeQuietly() {
            try {
                close();
            } catch (IOException ignored) {
                // the exec ends with its stream
            }
        }

        private void sleepQuietly() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
