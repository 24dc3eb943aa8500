package org.vroom.kernel.mgmt;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connection's HTTP/1.1 glue: copies each request out of Netty's buffers, runs
 * {@link ManagementApi#handle} on the management executor (never on the event loop), and writes the
 * answers back in request order.
 *
 * <p>All fields are touched on the channel's event loop only. Requests of one connection are handled one
 * at a time (pipelined requests wait in a small queue, and reading pauses while it is full), so answers
 * keep HTTP/1.1 order. A call that does not finish within the request timeout is interrupted and
 * answered with 504; a full executor answers 503.
 */
final class ApiChannelHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(ApiChannelHandler.class.getName());
    private static final int MAX_QUEUED = 8;

    private final ManagementApi api;
    private final ExecutorService executor;
    private final ManagementStats stats;
    private final long timeoutNanos;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean busy;

    /** A request waiting or in flight, and whether it has been answered. */
    private static final class Pending {
        final ApiRequest request;
        final boolean keepAlive;
        final ApiResponse early;
        boolean answered;
        Future<?> task;
        ScheduledFuture<?> timer;

        Pending(ApiRequest request, boolean keepAlive, ApiResponse early) {
            this.request = request;
            this.keepAlive = keepAlive;
            this.early = early;
        }
    }

    ApiChannelHandler(ManagementApi api, ExecutorService executor, ManagementStats stats, long timeoutNanos) {
        super(FullHttpRequest.class, true);
        this.api = api;
        this.executor = executor;
        this.stats = stats;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        final boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (msg.decoderResult().isFailure()) {
            final Throwable cause = msg.decoderResult().cause();
            final int status = cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
            final String what = status == 414 ? "the request line is too long"
                : status == 431 ? "the request headers are too large" : "malformed HTTP request";
            queue.add(new Pending(null, false, error(status, what)));
        } else {
            ApiResponse early = null;
            ApiRequest request = null;
            try {
                final QueryStringDecoder uri = new QueryStringDecoder(msg.uri(), StandardCharsets.UTF_8);
                final Map<String, List<String>> query = uri.parameters();
                request = new ApiRequest(msg.method().name(), uri.rawPath(), query,
                    msg.headers().get(HttpHeaderNames.HOST), msg.headers().get(HttpHeaderNames.AUTHORIZATION),
                    msg.headers().get(HttpHeaderNames.CONTENT_TYPE), ByteBufUtil.getBytes(msg.content()));
            } catch (IllegalArgumentException e) {
                early = error(400, "malformed request URI: " + e.getMessage());
            }
            queue.add(new Pending(request, keepAlive && early == null, early));
        }
        if (queue.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        next(ctx);
    }

    private static ApiResponse error(int status, String message) {
        return ApiResponse.json(status, ApiJson.bytes(ApiJson.error(new ApiException(status, message))));
    }

    /** Starts the next queued request if none is in flight. Event loop only. */
    private void next(ChannelHandlerContext ctx) {
        if (busy || queue.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        if (queue.size() < MAX_QUEUED && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        final Pending p = queue.poll();
        busy = true;
        if (p.early != null) {
            respond(ctx, p, p.early);
            return;
        }
        try {
            p.task = executor.submit(() -> {
                final ApiResponse response = api.handle(p.request);
                ctx.executor().execute(() -> respond(ctx, p, response));
            });
        } catch (RejectedExecutionException e) {
            respond(ctx, p, error(503, "the management API is busy: try again shortly"));
            return;
        }
        p.timer = ctx.executor().schedule(() -> {
            if (!p.answered) {
                p.task.cancel(true);
                LOG.log(System.Logger.Level.WARNING, "management request {0} {1} timed out after {2} ms",
                    p.request.method(), p.request.rawPath(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                respond(ctx, p, error(504, "the node did not answer within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Writes the answer of {@code p} once (the first of result and timeout wins). Event loop only. */
    private void respond(ChannelHandlerContext ctx, Pending p, ApiResponse r) {
        if (p.answered) {
            return;
        }
        p.answered = true;
        if (p.timer != null) {
            p.timer.cancel(false);
        }
        stats.response(r.status());
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().set("X-Content-Type-Options", "nosniff");
        r.headers().forEach(response.headers()::set);
        final boolean keepAlive = p.keepAlive && r.status() != 413;
        HttpUtil.setKeepAlive(response, keepAlive);
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            busy = false;
            if (!keepAlive || !f.isSuccess()) {
                queue.clear();
                ctx.close();
            } else {
                next(ctx);
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !busy && queue.isEmpty()) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        queue.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "management connection error", cause);
        ctx.close();
    }
}
