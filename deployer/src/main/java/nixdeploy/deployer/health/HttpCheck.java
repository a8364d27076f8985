package nixdeploy.deployer.health;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import nixdeploy.deployer.remote.RemoteHost;

/**
 * An HTTP GET that must answer an expected status (and body text), directly or through SSH.
 * {@code onNodeHost}: the URL names no host of its own, so it goes where the SSH connection went
 * (an ssh_config alias's HostName), not to the node's hostname as written.
 */
record HttpCheck(URI uri, Set<Integer> expectStatus, String bodyContains, Map<String, String> headers,
        boolean insecure, boolean viaSsh, Policy policy, boolean onNodeHost) implements HealthCheck {

    @Override
    public String name() {
        return "http " + uri + (viaSsh ? " (through SSH)" : "");
    }

    @Override
    public Attempt attempt(CheckContext context) throws Exception {
        URI target = onNodeHost ? withHost(uri, context.hostname()) : uri;
        int port = target.getPort() > 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
        if (!viaSsh) {
            return judge(context.http().get(target, address(target), port, headers, insecure, policy.timeout()));
        }
        try (RemoteHost host = context.connect(); RemoteHost.Forward forward = host.forward(address(target), port)) {
            return judge(context.http().get(target, "127.0.0.1", forward.localPort(), headers, insecure,
                    policy.timeout()));
        }
    }

    /** The host to connect to: an IPv6 literal without the brackets a URL puts around it. */
    static String address(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static URI withHost(URI uri, String host) {
        try {
            return new URI(uri.getScheme(), uri.getUserInfo(), host, uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("cannot put host " + host + " into " + uri, e);
        }
    }

    private Attempt judge(HttpClient.Response response) {
        String status = response.status() + " " + response.reason() + (response.cut() ? " (body cut at "
                + HttpClient.MAX_BODY / 1024 / 1024 + " MiB)" : "");
        String snippet = snippet(response.body());
        if (!expectStatus.contains(response.status())) {
            return new Attempt(false, status + " (expected " + describeExpected() + ")", snippet);
        }
        if (bodyContains != null && !response.body().contains(bodyContains)) {
            return new Attempt(false, status + ", but " + (response.cut() ? "the first " + HttpClient.MAX_BODY / 1024 / 1024
                    + " MiB of the body lack" : "the body lacks") + " \"" + bodyContains + "\"", snippet);
        }
        return new Attempt(true, status, snippet);
    }

    private String describeExpected() {
        return expectStatus.size() > 20 ? "200-399" : expectStatus.toString();
    }

    static String snippet(String body) {
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
