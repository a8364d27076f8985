package nixdeploy.deployer.health;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** A minimal HTTP/1.1 GET, enough for health checks. */
public interface HttpClient extends AutoCloseable {
    /** How much of a body is read; the rest is never downloaded. */
    int MAX_BODY = 1024 * 1024;

    /**
     * A response: its status line and its body, or its first {@link #MAX_BODY} bytes when
     * {@code cut}.
     */
    record Response(int status, String reason, String body, boolean cut) {
    }

    /**
     * GETs {@code uri} (a redirect is an answer like any other, never followed), connecting to {@code connectHost:connectPort} (which differs from the URI's
     * host when the request goes through an SSH forward).
     */
    Response get(URI uri, String connectHost, int connectPort, Map<String, String> headers, boolean insecure,
            Duration timeout) throws Exception;

    @Override
    void close();
}
