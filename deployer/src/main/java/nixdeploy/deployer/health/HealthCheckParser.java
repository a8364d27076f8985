package nixdeploy.deployer.health;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import nixdeploy.deployer.config.ConfigException;
import nixdeploy.deployer.config.SettingsSchema;

/**
 * Reads {@code healthChecks} entries: {@code { http = {...}; retries; interval; }} or
 * {@code { cmd = { command = [...]; timeout; }; }}. Every key is checked; nothing is guessed.
 */
public final class HealthCheckParser {
    private static final Set<String> ENTRY_KEYS = SettingsSchema.healthCheckKeys();
    private static final Set<String> HTTP_KEYS = SettingsSchema.httpCheckKeys();
    private static final Set<String> CMD_KEYS = SettingsSchema.cmdCheckKeys();
    private static final Set<Integer> SUCCESS = IntStream.rangeClosed(200, 399).boxed().collect(Collectors.toSet());

    private HealthCheckParser() {}

    public static List<HealthCheck> parse(JsonArray entries, String where, String defaultHost) throws ConfigException {
        List<HealthCheck> checks = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            checks.add(entry(entries.get(i), where + "[" + i + "]", defaultHost));
        }
        return checks;
    }

    /** {@code --check-http URL}: a GET expecting 2xx or 3xx, with the default policy. */
    public static HealthCheck http(String url, String where) throws ConfigException {
        return new HttpCheck(uri(url, where), SUCCESS, null, Map.of(), false, false, HealthCheck.Policy.DEFAULT,
                false);
    }

    /** {@code --check-cmd 'CMD'}: a command on the host, with the default policy. */
    public static HealthCheck command(List<String> argv, String where) throws ConfigException {
        if (argv.isEmpty()) {
            throw new ConfigException(where + " is an empty command");
        }
        return new CommandCheck(List.copyOf(argv), HealthCheck.Policy.DEFAULT);
    }

    /** Refuses checks that could not finish before the confirmation deadline. */
    public static void requireFits(List<HealthCheck> checks, int confirmTimeout, String where) throws ConfigException {
        for (HealthCheck check : checks) {
            long worst = check.policy().worstCase().toSeconds();
            if (worst + HealthChecks.CONFIRM_MARGIN_SECONDS > confirmTimeout) {
                HealthCheck.Policy p = check.policy();
                throw new ConfigException("health check '" + check.name() + "' at " + where + " can take up to "
                        + worst + " s ((" + p.retries() + " retries + 1) x " + p.timeout().toSeconds() + " s timeout + "
                        + p.retries() + " x " + p.interval().toSeconds() + " s interval), which with "
                        + HealthChecks.CONFIRM_MARGIN_SECONDS + " s left to confirm does not fit in confirmTimeout = "
                        + confirmTimeout + " s. Raise confirmTimeout to at least "
                        + (worst + HealthChecks.CONFIRM_MARGIN_SECONDS) + " or lower retries/timeout.");
            }
        }
    }

    private static HealthCheck entry(JsonElement json, String where, String defaultHost) throws ConfigException {
        JsonObject entry = object(json, where);
        keys(entry, ENTRY_KEYS, where);
        if (entry.has("http") == entry.has("cmd")) {
            throw new ConfigException(where + " must have exactly one of 'http' or 'cmd'");
        }
        int retries = entry.has("retries") ? integer(entry.get("retries"), where + ".retries", 0, 100)
                : HealthCheck.Policy.DEFAULT.retries();
        Duration interval = entry.has("interval")
                ? Duration.ofSeconds(integer(entry.get("interval"), where + ".interval", 0, 3600))
                : HealthCheck.Policy.DEFAULT.interval();
        if (entry.has("cmd")) {
            String at = where + ".cmd";
            JsonObject cmd = object(entry.get("cmd"), at);
            keys(cmd, CMD_KEYS, at);
            if (!cmd.has("command")) {
                throw new ConfigException(at + " has no 'command', which is required");
            }
            List<String> argv = strings(cmd.get("command"), at + ".command");
            if (argv.isEmpty()) {
                throw new ConfigException(at + ".command is an empty list");
            }
            return new CommandCheck(argv, new HealthCheck.Policy(retries, interval, timeout(cmd, at)));
        }
        String at = where + ".http";
        JsonObject http = object(entry.get("http"), at);
        keys(http, HTTP_KEYS, at);
        URI uri = http.has("url") ? urlOnly(http, at) : assemble(http, at, defaultHost);
        Set<Integer> expect = http.has("expectStatus") ? statuses(http.get("expectStatus"), at + ".expectStatus")
                : SUCCESS;
        String body = http.has("bodyContains") ? string(http.get("bodyContains"), at + ".bodyContains") : null;
        Map<String, String> headers = new LinkedHashMap<>();
        if (http.has("headers")) {
            for (Map.Entry<String, JsonElement> h : object(http.get("headers"), at + ".headers").entrySet()) {
                if (!h.getKey().matches("[A-Za-z0-9-]+")) {
                    throw new ConfigException(at + ".headers has an invalid header name '" + h.getKey() + "'");
                }
                headers.put(h.getKey(), string(h.getValue(), at + ".headers." + h.getKey()));
            }
        }
        boolean onNodeHost = !http.has("url") && !http.has("host") && !bool(http, "viaSsh", at);
        return new HttpCheck(uri, expect, body, Map.copyOf(headers), bool(http, "insecure", at), bool(http, "viaSsh", at),
                new HealthCheck.Policy(retries, interval, timeout(http, at)), onNodeHost);
    }

    private static URI urlOnly(JsonObject http, String at) throws ConfigException {
        for (String part : List.of("scheme", "host", "port", "path")) {
            if (http.has(part)) {
                throw new ConfigException(at + " has both 'url' and '" + part + "'; use one form");
            }
        }
        return uri(string(http.get("url"), at + ".url"), at + ".url");
    }

    private static URI assemble(JsonObject http, String at, String defaultHost) throws ConfigException {
        String scheme = http.has("scheme") ? string(http.get("scheme"), at + ".scheme") : "http";
        String host = http.has("host") ? string(http.get("host"), at + ".host")
                : bool(http, "viaSsh", at) ? "127.0.0.1" : defaultHost;
        int port = http.has("port") ? integer(http.get("port"), at + ".port", 1, 65535)
                : "https".equals(scheme) ? 443 : 80;
        String path = http.has("path") ? string(http.get("path"), at + ".path") : "/";
        if (!path.startsWith("/")) {
            throw new ConfigException(at + ".path must start with '/', not '" + path + "'");
        }
        return uri(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path, at);
    }

    private static URI uri(String text, String where) throws ConfigException {
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new ConfigException(where + " must be an http or https URL, not '" + text + "'");
            }
            if (uri.getHost() == null) {
                throw new ConfigException(where + " has no host: '" + text + "'");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                throw new ConfigException(where + " has port " + uri.getPort() + ", out of range (1-65535)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(where + " is not a valid URL: " + e.getMessage());
        }
    }

    private static Duration timeout(JsonObject o, String at) throws ConfigException {
        return o.has("timeout") ? Duration.ofSeconds(integer(o.get("timeout"), at + ".timeout", 1, 3600))
                : HealthCheck.Policy.DEFAULT.timeout();
    }

    private static Set<Integer> statuses(JsonElement e, String where) throws ConfigException {
        Set<Integer> out = new TreeSet<>();
        if (e.isJsonArray()) {
            for (JsonElement item : e.getAsJsonArray()) {
                out.add(integer(item, where, 100, 599));
            }
        } else {
            out.add(integer(e, where, 100, 599));
        }
        if (out.isEmpty()) {
            throw new ConfigException(where + " is an empty list");
        }
        return out;
    }

    private static void keys(JsonObject o, Set<String> known, String where) throws ConfigException {
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException("unknown key '" + key + "' in " + where + "; known keys there: "
                        + new TreeSet<>(known));
            }
        }
    }

    private static JsonObject object(JsonElement e, String where) throws ConfigException {
        if (!e.isJsonObject()) {
            throw new ConfigException(where + " must be an attribute set");
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonElement e, String where) throws ConfigException {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ConfigException(where + " must be a string");
        }
        return e.getAsString();
    }

    private static List<String> strings(JsonElement e, String where) throws ConfigException {
        if (!e.isJsonArray()) {
            throw new ConfigException(where + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement item : e.getAsJsonArray()) {
            out.add(string(item, where + "[" + out.size() + "]"));
        }
        return out;
    }

    private static boolean bool(JsonObject o, String key, String where) throws ConfigException {
        if (!o.has(key)) {
            return false;
        }
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new ConfigException(where + "." + key + " must be true or false");
        }
        return e.getAsBoolean();
    }

    private static int integer(JsonElement e, String where, int min, int max) throws ConfigException {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || e.getAsDouble() != Math.rint(e.getAsDouble())) {
            throw new ConfigException(where + " must be a whole number");
        }
        double value = e.getAsDouble();
        if (value < min || value > max) {
            throw new ConfigException(where + " is " + e + ", out of range (" + min + "-" + max + ")");
        }
        return (int) value;
    }
}
