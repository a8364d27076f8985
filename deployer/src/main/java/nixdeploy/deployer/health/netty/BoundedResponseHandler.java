package nixdeploy.deployer.health.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.health.HttpClient;

/**
 * Collects one response: its status and at most {@code maxBody} bytes of its body. At the limit it
 * answers with what it has, marked as cut, and closes the connection, instead of failing the way
 * an aggregator does: a health page may be large, and its start is what a check looks at.
 */
final class BoundedResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final CompletableFuture<HttpClient.Response> answer;
    private final int maxBody;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private HttpResponse head;

    BoundedResponseHandler(CompletableFuture<HttpClient.Response> answer, int maxBody) {
        this.answer = answer;
        this.maxBody = maxBody;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (answer.isDone()) {
            return;
        }
        if (message.decoderResult().isFailure()) {
            fail(ctx, new IOException("malformed HTTP response: " + message.decoderResult().cause().getMessage()));
            return;
        }
        if (message instanceof HttpResponse response) {
            head = response;
        }
        if (message instanceof HttpContent content) {
            int room = maxBody - body.size();
            int readable = content.content().readableBytes();
            byte[] bytes = new byte[Math.min(room, readable)];
            content.content().readBytes(bytes);
            body.write(bytes, 0, bytes.length);
            if (readable > room) {
                complete(ctx, true);
            } else if (message instanceof LastHttpContent) {
                complete(ctx, false);
            }
        }
    }

    private void complete(ChannelHandlerContext ctx, boolean cut) {
        if (head == null) {
            fail(ctx, new IOException("a body arrived before the status line"));
            return;
        }
        answer.complete(new HttpClient.Response(head.status().code(), head.status().reasonPhrase(),
                body.toString(StandardCharsets.UTF_8), cut));
        ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        answer.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        answer.completeExceptionally(new IOException("the connection closed before a response"));
    }
}
