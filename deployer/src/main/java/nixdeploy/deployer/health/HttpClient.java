package nixdeploy.deployer.health;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** A minimal HTTP/1.1 GET, enough for health checks. */
public interface HttpClient extends AutoCloseable {
    /** A response: its status line and the start of its body. */
    record Response(int status, String reason, String body) {
    }

    /**
     * GETs {@code uri}, connecting to {@code connectHost:connectPort} (which differs from the URI's
     * host when the request goes through an SSH forward).
     */
    Response get(URI uri, String connectHost, int connectPort, Map<String, String> headers, boolean insecure,
            Duration timeout) throws Exception;

    @Override
    void close();
}
