package dev.playground.gateway;

import dev.playground.contract.auth.InternalAuth;
import dev.playground.contract.testing.TestSecrets;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for terminal-service's preview tunnel server as the gateway sees it: SOCKS5 with the principal's name and
 * signature as login, the session id as host. It lets alice reach port 3000 of {@link TestBackends#PREVIEW_SESSION}
 * (the preview backend's dev server) and records every CONNECT, so a test can see who asked for what.
 */
final class TunnelStandIn {

    /** One CONNECT as the stand-in received it. */
    record Connect(String principal, boolean signed, String host, int port) {
    }

    static final List<Connect> CONNECTS = new CopyOnWriteArrayList<>();
    private static final InternalAuth AUTH = InternalAuth.withSecret("test", Optional.of(TestSecrets.INTERNAL));
    private static EventLoopGroup group;
    private static Channel server;

    static int start(int devServerPort) {
        group = new NioEventLoopGroup(1);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Socks5ServerEncoder.DEFAULT, new Socks5InitialRequestDecoder(),
                                new Handshake(devServerPort));
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    static void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
            group.shutdownGracefully();
        }
    }

    private static final class Handshake extends SimpleChannelInboundHandler<Socks5Message> {
        private final int devServerPort;
        private String principal;
        private boolean signed;

        Handshake(int devServerPort) {
            this.devServerPort = devServerPort;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Socks5Message msg) {
            if (msg instanceof io.netty.handler.codec.socksx.v5.Socks5InitialRequest) {
                ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "auth", new Socks5PasswordAuthRequestDecoder());
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
            } else if (msg instanceof Socks5PasswordAuthRequest login) {
                principal = login.username();
                signed = AUTH.verify(login.username(), login.password(), Instant.now());
                ctx.pipeline().replace("auth", "command", new Socks5CommandRequestDecoder());
                ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(signed ? Socks5PasswordAuthStatus.SUCCESS
                        : Socks5PasswordAuthStatus.FAILURE));
            } else if (msg instanceof Socks5CommandRequest connect) {
                CONNECTS.add(new Connect(principal, signed, connect.dstAddr(), connect.dstPort()));
                if (!signed || !"alice".equals(principal) || !TestBackends.PREVIEW_SESSION.equals(connect.dstAddr())
                        || connect.dstPort() != 3000) {
                    ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.FORBIDDEN,
                            Socks5AddressType.IPv4)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                Channel client = ctx.channel();
                client.config().setAutoRead(false);
                new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                        .handler(new Relay(client)).connect("127.0.0.1", devServerPort).addListener(f -> {
                            if (!f.isSuccess()) {
                                client.close();
                                return;
                            }
                            Channel upstream = ((io.netty.channel.ChannelFuture) f).channel();
                            client.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                                    Socks5AddressType.IPv4)).addListener(x -> {
                                        client.pipeline().remove(Socks5ServerEncoder.class);
                                        client.pipeline().remove("command");
                                        client.pipeline().remove(this);
                                        client.pipeline().addLast(new Relay(upstream));
                                        client.config().setAutoRead(true);
                                    });
                        });
            }
        }
    }

    /** Copies what one side reads to the other, and closes the other when it goes. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Relay(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
