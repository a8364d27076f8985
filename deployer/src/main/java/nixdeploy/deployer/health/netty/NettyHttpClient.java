package nixdeploy.deployer.health.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import nixdeploy.deployer.health.HttpClient;

/** HTTP/1.1 GET with Netty; TLS trusts the JDK's trust store unless {@code insecure}. */
public final class NettyHttpClient implements HttpClient {

    /** Made on the first request: most deploys have no HTTP check, and Netty takes a while to start. */
    private EventLoopGroup group;

    private synchronized EventLoopGroup group() {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        }
        return group;
    }

    @Override
    public Response get(URI uri, String connectHost, int connectPort, Map<String, String> headers, boolean insecure,
            Duration timeout) throws Exception {
        SslContext tls = "https".equals(uri.getScheme()) ? tls(insecure) : null;
        CompletableFuture<Response> answer = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), uri.getHost(), connectPort));
                        }
                        // lenient line endings, as curl is: small embedded servers often answer with bare LF
                        HttpDecoderConfig decoding = new HttpDecoderConfig().setStrictLineParsing(false);
                        ch.pipeline().addLast(new HttpClientCodec(decoding, false, false),
                                new BoundedResponseHandler(answer, MAX_BODY));
                    }
                });
        Channel channel = bootstrap.connect(connectHost, connectPort).sync().channel();
        try {
            String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            request.headers().set(HttpHeaderNames.HOST, uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort()
                    : uri.getHost());
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            request.headers().set(HttpHeaderNames.USER_AGENT, "nixdeploy-health-check");
            headers.forEach((k, v) -> request.headers().set(k, v));
            channel.writeAndFlush(request);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            channel.close();
        }
    }

    private static SslContext tls(boolean insecure) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (insecure) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        return builder.build();
    }

    @Override
    public synchronized void close() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
