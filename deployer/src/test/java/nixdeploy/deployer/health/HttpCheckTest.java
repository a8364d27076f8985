package nixdeploy.deployer.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import nixdeploy.deployer.health.netty.NettyHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP checks through the Netty client against a JDK server on loopback: large bodies and redirects. */
class HttpCheckTest {
    static final Set<Integer> SUCCESS = IntStream.rangeClosed(200, 399).boxed().collect(Collectors.toSet());
    static final int MIB = 1024 * 1024;

    static HttpServer server;
    static NettyHttpClient http;
    static final AtomicInteger redirectTargetHits = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/big-early", exchange -> send(exchange, 200, "ok-marker " + "x".repeat(3 * MIB)));
        server.createContext("/big-late", exchange -> send(exchange, 200, "x".repeat(2 * MIB) + " late-marker"));
        server.createContext("/small", exchange -> send(exchange, 200, "all fine"));
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/target");
            send(exchange, 302, "");
        });
        server.createContext("/target", exchange -> {
            redirectTargetHits.incrementAndGet();
            send(exchange, 500, "the target is broken");
        });
        server.start();
        http = new NettyHttpClient();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException clientStoppedReading) {
            // the client read its 1 MiB and closed the connection
        }
    }

    private static HealthCheck.Attempt check(String path, Set<Integer> expect, String bodyContains) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        HttpCheck check = new HttpCheck(uri, expect, bodyContains, Map.of(), false, false,
                new HealthCheck.Policy(0, Duration.ofSeconds(1), Duration.ofSeconds(60)), false);
        return check.attempt(new CheckContext("127.0.0.1", null, null, http));
    }

    @Test
    void aBodyOverOneMebibyteIsReadToTheLimitAndMatchedWithinIt() throws Exception {
        HealthCheck.Attempt attempt = check("/big-early", SUCCESS, "ok-marker");

        assertThat(attempt.healthy()).as(attempt.status()).isTrue();
        assertThat(attempt.status()).isEqualTo("200 OK (body cut at 1 MiB)");
        assertThat(attempt.snippet()).startsWith("ok-marker xxx").hasSizeLessThan(200);
    }

    @Test
    void textBeyondTheFirstMebibyteIsNotFoundAndTheMessageSaysTheBodyWasCut() throws Exception {
        HealthCheck.Attempt attempt = check("/big-late", SUCCESS, "late-marker");

        assertThat(attempt.healthy()).isFalse();
        assertThat(attempt.status()).isEqualTo("200 OK (body cut at 1 MiB), but the first 1 MiB of the body lack "
                + "\"late-marker\"").doesNotContainIgnoringCase("netty").doesNotContain("Exception");
    }

    @Test
    void aLargeBodyWithoutBodyContainsIsHealthy() throws Exception {
        assertThat(check("/big-late", SUCCESS, null).healthy()).isTrue();
    }

    @Test
    void aSmallBodyIsReadWholeAndNotMarkedCut() throws Exception {
        HealthCheck.Attempt attempt = check("/small", SUCCESS, "fine");

        assertThat(attempt.healthy()).isTrue();
        assertThat(attempt.status()).isEqualTo("200 OK");
        assertThat(attempt.snippet()).isEqualTo("all fine");
    }

    @Test
    void aRedirectIsHealthyByDefaultAndIsNotFollowed() throws Exception {
        int hitsBefore = redirectTargetHits.get();

        HealthCheck.Attempt attempt = check("/moved", SUCCESS, null);

        assertThat(attempt.healthy()).as(attempt.status()).isTrue();
        assertThat(attempt.status()).startsWith("302");
        assertThat(redirectTargetHits.get()).as("requests to the redirect's target").isEqualTo(hitsBefore);
    }

    @Test
    void aRedirectFailsACheckThatExpectsOnly200() throws Exception {
        HealthCheck.Attempt attempt = check("/moved", Set.of(200), null);

        assertThat(attempt.healthy()).isFalse();
        assertThat(attempt.status()).startsWith("302").contains("expected [200]");
    }
}
