package org.vroom.kernel.mgmt;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.vroom.kernel.config.ManagementConfig;

/**
 * The node's management API server: HTTP/1.1 and JSON on Netty, plus Prometheus metrics. See the
 * package documentation for the endpoints.
 *
 * <p>Threads: one Netty event loop (epoll when available, else NIO) accepts connections and does the
 * HTTP framing, unless the node hands in its own node-services group; a small executor
 * ({@value #DEFAULT_THREADS} threads, bounded queue) runs every facade call, so a slow VR call never
 * stalls the event loop and no management work runs on a forwarding thread.
 *
 * <p>Use: {@code ManagementServer.forNode(facade, config.management(), runDirectory).start()}, then
 * {@link #close()} on shutdown.
 */
public final class ManagementServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ManagementServer.class.getName());

    /** Largest request body accepted (413 above). */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** Management executor threads. */
    public static final int DEFAULT_THREADS = 2;
    /** Longest a facade call may take before the request is answered with 504. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADERS = 8192;
    private static final int EXECUTOR_QUEUE = 64;
    private static final int IDLE_SECONDS = 120;
    private static final int OVERSIZE_GRACE_SECONDS = 5;

    private final NodeManagement node;
    private final String host;
    private final int requestedPort;
    private final ApiToken token;
    private final boolean deleteTokenOnClose;
    private final int maxBodyBytes;
    private final int threads;
    private final Duration timeout;
    private final EventLoopGroup sharedGroup;
    private final Class<? extends ServerChannel> sharedChannelClass;
    private final ManagementStats stats = new ManagementStats();

    private EventLoopGroup ownGroup;
    private ThreadPoolExecutor executor;
    private Channel channel;

    private ManagementServer(Builder b) {
        this.node = Objects.requireNonNull(b.node, "node");
        this.host = b.host;
        this.requestedPort = b.port;
        this.token = Objects.requireNonNull(b.token, "token");
        this.deleteTokenOnClose = b.deleteTokenOnClose;
        this.maxBodyBytes = b.maxBodyBytes;
        this.threads = b.threads;
        this.timeout = b.timeout;
        this.sharedGroup = b.group;
        this.sharedChannelClass = b.channelClass;
    }

    /** A builder for a server over {@code node} authenticating state-changing requests with {@code token}. */
    public static Builder builder(NodeManagement node, ApiToken token) {
        return new Builder(node, token);
    }

    /**
     * The server a node runs: listens where {@code config} says; the token comes from
     * {@code config.tokenFile()} (read, or generated into it if the file does not exist), else is generated
     * at each start into {@code runDirectory/api.token} (mode 0600, deleted on close). The token file's path
     * is logged, never the token.
     *
     * @param runDirectory the node's run directory, for example {@code ApiToken.runBase().resolve(nodeName)}
     * @throws IOException when the token file cannot be read or written
     */
    public static ManagementServer forNode(NodeManagement node, ManagementConfig config, Path runDirectory)
        throws IOException {
        final ApiToken token;
        final boolean generated;
        if (config.tokenFile() != null) {
            token = ApiToken.loadOrCreate(config.tokenFile());
            generated = false;
            if (ApiToken.readableByOthers(config.tokenFile())) {
                LOG.log(System.Logger.Level.WARNING, "management token file {0} is readable by other users;"
                    + " chmod 600 it", config.tokenFile());
            }
        } else {
            token = ApiToken.create(runDirectory.resolve(ApiToken.FILE_NAME));
            generated = true;
        }
        LOG.log(System.Logger.Level.INFO, "management API token {0} {1}", token.generated() ? "generated into" : "read from",
            token.file());
        return builder(node, token).listen(config.host(), config.port()).deleteTokenOnClose(generated).build();
    }

    /** Options of a {@link ManagementServer}. */
    public static final class Builder {
        private final NodeManagement node;
        private final ApiToken token;
        private String host = ManagementConfig.DEFAULT_HOST;
        private int port = ManagementConfig.DEFAULT_PORT;
        private boolean deleteTokenOnClose;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = DEFAULT_THREADS;
        private Duration timeout = DEFAULT_TIMEOUT;
        private EventLoopGroup group;
        private Class<? extends ServerChannel> channelClass;

        private Builder(NodeManagement node, ApiToken token) {
            this.node = node;
            this.token = token;
        }

        /** Where to listen; port 0 picks a free port (see {@link #port()}). Default 127.0.0.1:7878. */
        public Builder listen(String listenHost, int listenPort) {
            if (listenPort < 0 || listenPort > 65535) {
                throw new IllegalArgumentException("port " + listenPort + " is out of range 0..65535");
            }
            this.host = Objects.requireNonNull(listenHost, "host");
            this.port = listenPort;
            return this;
        }

        /** Deletes the token file on {@link #close()} (for a token generated for this run). */
        public Builder deleteTokenOnClose(boolean delete) {
            this.deleteTokenOnClose = delete;
            return this;
        }

        /** Largest request body (default 1 MiB). */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("body limit " + bytes + " is below 1024 bytes");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** Management executor threads (default 2). */
        public Builder threads(int count) {
            if (count < 1 || count > 64) {
                throw new IllegalArgumentException("threads " + count + " is out of range 1..64");
            }
            this.threads = count;
            return this;
        }

        /** How long a facade call may take before the request gets 504 (default 10 s). */
        public Builder timeout(Duration requestTimeout) {
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = requestTimeout;
            return this;
        }

        /**
         * Runs on the node's shared node-services event loop group instead of a group of its own; the
         * server channel class must match the group's transport. The group is not shut down by the server.
         */
        public Builder eventLoopGroup(EventLoopGroup sharedGroup, Class<? extends ServerChannel> serverChannelClass) {
            this.group = Objects.requireNonNull(sharedGroup, "group");
            this.channelClass = Objects.requireNonNull(serverChannelClass, "serverChannelClass");
            return this;
        }

        public ManagementServer build() {
            return new ManagementServer(this);
        }
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be resolved or bound, with a message naming it
     */
    public synchronized ManagementServer start() throws IOException {
        if (channel != null) {
            throw new IllegalStateException("already started");
        }
        final InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("management API: cannot resolve listen host " + host, e);
        }
        final EventLoopGroup group;
        final Class<? extends ServerChannel> channelClass;
        if (sharedGroup != null) {
            group = sharedGroup;
            channelClass = sharedChannelClass;
        } else {
            final boolean epoll = Epoll.isAvailable();
            ownGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vroom-mgmt-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
            group = ownGroup;
            channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        }
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(EXECUTOR_QUEUE), daemonThreads("vroom-mgmt-"), new ThreadPoolExecutor.AbortPolicy());
        final ManagementApi api = new ManagementApi(node, token, stats, address.isLoopbackAddress());
        final long timeoutNanos = timeout.toNanos();
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 64)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS))
                        .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
                        .addLast("aggregate", new LimitedAggregator(maxBodyBytes, stats))
                        .addLast("api", new ApiChannelHandler(api, executor, stats, timeoutNanos));
                }
            });
        final ChannelFuture bound = bootstrap.bind(new InetSocketAddress(address, requestedPort)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdown();
            deleteGeneratedToken();
            final Throwable cause = bound.cause();
            final String why = cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")
                ? "address already in use" : String.valueOf(cause.getMessage());
            throw new IOException("management API: cannot listen on " + listenText(host, requestedPort) + ": " + why,
                cause);
        }
        channel = bound.channel();
        LOG.log(System.Logger.Level.INFO, "management API listening on http://{0}{1}", listenText(host, port()),
            sharedGroup == null ? " (" + channelClass.getSimpleName() + ")" : "");
        return this;
    }

    private static String listenText(String h, int p) {
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + p;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        final AtomicInteger n = new AtomicInteger();
        return r -> {
            final Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The bound port (the chosen one when built with port 0). */
    public synchronized int port() {
        if (channel == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The API's base URL, for example {@code http://127.0.0.1:7878}. */
    public String url() {
        return "http://" + listenText(host, port());
    }

    /** The token checked on state-changing requests. */
    public ApiToken token() {
        return token;
    }

    /** Responses sent with {@code status} so far (for tests and diagnostics). */
    public long responses(int status) {
        return stats.responses(status);
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        shutdown();
        deleteGeneratedToken();
    }

    private void deleteGeneratedToken() {
        if (deleteTokenOnClose && token.file() != null) {
            try {
                Files.deleteIfExists(token.file());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete token file " + token.file(), e);
            }
        }
    }

    private void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            ownGroup = null;
        }
    }

    /** HttpObjectAggregator answering an oversized body with the API's JSON 413, then closing. */
    private static final class LimitedAggregator extends HttpObjectAggregator {
        private final int limit;
        private final ManagementStats stats;

        LimitedAggregator(int maxContentLength, ManagementStats stats) {
            super(maxContentLength);
            this.limit = maxContentLength;
            this.stats = stats;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            stats.response(413);
            final byte[] body = ApiJson.bytes(ApiJson.error(new ApiException(413,
                "the request body is larger than " + limit + " bytes")));
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // Closing at once would make the kernel reset the connection while the client still sends its body,
            // and the client would never read the 413. Half-close instead: the client sees the answer and EOF,
            // the rest of its body is read and discarded (by this aggregator), and the connection is closed
            // when the client closes it, or after a grace period at the latest.
            ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                    ctx.executor().schedule(() -> ctx.close(), OVERSIZE_GRACE_SECONDS, TimeUnit.SECONDS);
                } else {
                    ctx.close();
                }
            });
        }
    }
}
