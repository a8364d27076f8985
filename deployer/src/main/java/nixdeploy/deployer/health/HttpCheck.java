package nixdeploy.deployer.health;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import nixdeploy.deployer.remote.RemoteHost;

/** An HTTP GET that must answer an expected status (and body text), directly or through SSH. */
record HttpCheck(URI uri, Set<Integer> expectStatus, String bodyContains, Map<String, String> headers,
        boolean insecure, boolean viaSsh, Policy policy) implements HealthCheck {

    @Override
    public String name() {
        return "http " + uri + (viaSsh ? " (through SSH)" : "");
    }

    @Override
    public Attempt attempt(CheckContext context) throws Exception {
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        if (!viaSsh) {
            return judge(context.http().get(uri, uri.getHost(), port, headers, insecure, policy.timeout()));
        }
        try (RemoteHost host = context.connect(); RemoteHost.Forward forward = host.forward(uri.getHost(), port)) {
            return judge(context.http().get(uri, "127.0.0.1", forward.localPort(), headers, insecure,
                    policy.timeout()));
        }
    }

    private Attempt judge(HttpClient.Response response) {
        String status = response.status() + " " + response.reason();
        String snippet = snippet(response.body());
        if (!expectStatus.contains(response.status())) {
            return new Attempt(false, status + " (expected " + describeExpected() + ")", snippet);
        }
        if (bodyContains != null && !response.body().contains(bodyContains)) {
            return new Attempt(false, status + ", but the body lacks \"" + bodyContains + "\"", snippet);
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
