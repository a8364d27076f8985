package nixdeploy.deployer.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import nixdeploy.nix.StorePath;

/**
 * Turns the JSON projection of {@code deploy} into a {@link DeployConfig}. Unlike deploy-rs it
 * rejects unknown keys, naming the key, where it is, and the closest known setting. Checks that
 * depend on the command line (the hostname, the timeouts' range) wait for {@link Planner}, which
 * sees the merged settings; a profile's path may be {@code true}, "there, not yet evaluated".
 */
public final class ConfigParser {
    private static final Set<String> DEPLOY_KEYS = SettingsSchema.deployKeys();
    private static final Set<String> NODE_KEYS = SettingsSchema.nodeKeys();
    private static final Set<String> PROFILE_KEYS = SettingsSchema.profileKeys();
    /** What FlakeEvaluator's settings projection gives for a profile's path, which it does not force. */
    private static final JsonPrimitive NOT_EVALUATED = new JsonPrimitive(true);

    private ConfigParser() {}

    public static DeployConfig parse(JsonElement deploy) throws ConfigException {
        JsonObject root = object(deploy, "deploy");
        checkKeys(root, DEPLOY_KEYS, "deploy");
        Settings settings = settings(root, "deploy");
        JsonObject nodesJson = object(required(root, "nodes", "deploy"), "deploy.nodes");
        Map<String, DeployConfig.Node> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : nodesJson.entrySet()) {
            nodes.put(entry.getKey(), node(entry.getKey(), entry.getValue()));
        }
        return new DeployConfig(settings, Collections.unmodifiableMap(nodes));
    }

    private static DeployConfig.Node node(String name, JsonElement json) throws ConfigException {
        String where = Names.nodeAt(name);
        Names.check(name, "node", where);
        JsonObject node = object(json, where);
        checkKeys(node, NODE_KEYS, where);
        String hostname = string(required(node, "hostname", where), where + ".hostname");
        List<String> tags = node.has("tags") ? strings(node.get("tags"), where + ".tags") : List.of();
        for (String tag : tags) {
            Names.check(tag, "tag", where + ".tags");
        }
        JsonObject profilesJson = node.has("profiles") ? object(node.get("profiles"), where + ".profiles")
                : new JsonObject();
        Map<String, DeployConfig.Profile> profiles = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : profilesJson.entrySet()) {
            profiles.put(entry.getKey(), profile(name, entry.getKey(), entry.getValue()));
        }
        List<String> order = node.has("profilesOrder") ? strings(node.get("profilesOrder"), where + ".profilesOrder")
                : List.of();
        for (String p : order) {
            if (!profiles.containsKey(p)) {
                throw new ConfigException(where + ".profilesOrder names profile '" + p + "', which is not in "
                        + where + ".profiles " + profiles.keySet());
            }
        }
        JsonArray checks = node.has("healthChecks") ? array(node.get("healthChecks"), where + ".healthChecks") : null;
        return new DeployConfig.Node(name, hostname, tags, order, Collections.unmodifiableMap(profiles),
                settings(node, where), checks);
    }

    private static DeployConfig.Profile profile(String node, String name, JsonElement json) throws ConfigException {
        String where = Names.profileAt(node, name);
        Names.check(name, "profile", where);
        JsonObject profile = object(json, where);
        checkKeys(profile, PROFILE_KEYS, where);
        JsonElement pathJson = required(profile, "path", where);
        String path = pathJson.equals(NOT_EVALUATED) ? null : storePath(pathJson, where + ".path");
        String profilePath = profile.has("profilePath") ? string(profile.get("profilePath"), where + ".profilePath")
                : null;
        if (profilePath != null && (!profilePath.startsWith("/") || profilePath.contains("/../")
                || profilePath.endsWith("/"))) {
            throw new ConfigException(where + ".profilePath must be an absolute path, not '" + profilePath + "'");
        }
        JsonArray checks = profile.has("healthChecks") ? array(profile.get("healthChecks"), where + ".healthChecks")
                : null;
        return new DeployConfig.Profile(name, path, profilePath, settings(profile, where), checks);
    }

    /** A profile's evaluated {@code path}, at {@code where}. */
    static String storePath(JsonElement e, String where) throws ConfigException {
        String path = string(e, where);
        if (!StorePath.isValid(path)) {
            throw new ConfigException(where + " must be a derivation or store path, not '" + path + "'");
        }
        return path;
    }

    static Settings settings(JsonObject o, String where) throws ConfigException {
        return new Settings(
                optString(o, "sshUser", where),
                optString(o, "user", where),
                o.has("sshOpts") ? strings(o.get("sshOpts"), where + ".sshOpts") : null,
                optBool(o, "fastConnection", where),
                optBool(o, "autoRollback", where),
                optBool(o, "magicRollback", where),
                optSeconds(o, "confirmTimeout", where),
                optSeconds(o, "activationTimeout", where),
                optString(o, "tempPath", where),
                optBool(o, "interactiveSudo", where),
                optString(o, "sudo", where),
                optBool(o, "remoteBuild", where),
                optString(o, "javaPath", where),
                optString(o, "confirmHostname", where),
                o.has("confirmSshOpts") ? strings(o.get("confirmSshOpts"), where + ".confirmSshOpts") : null,
                cacheUrl(optString(o, "cache", where), where + ".cache"));
    }

    /**
     * A binary cache's store URL as Nix takes it ({@code file:///srv/cache}, {@code s3://bucket},
     * {@code https://...}); checked only for what would break the {@code nix copy} command line.
     */
    public static String cacheUrl(String url, String where) throws ConfigException {
        if (url != null && (url.isBlank() || url.startsWith("-") || url.chars().anyMatch(Character::isWhitespace))) {
            throw new ConfigException(where + " must be a Nix store URL such as file:///srv/cache, "
                    + "https://cache.example.com or s3://bucket, not '" + url + "'");
        }
        return url;
    }

    private static void checkKeys(JsonObject o, Set<String> known, String where) throws ConfigException {
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                String hint = Names.closest(key, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
                throw new ConfigException("unknown setting '" + key + "' in " + where + hint
                        + "; known settings there: " + new TreeSet<>(known));
            }
        }
    }

    private static JsonElement required(JsonObject o, String key, String where) throws ConfigException {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            throw new ConfigException(where + " has no '" + key + "', which is required");
        }
        return o.get(key);
    }

    /** The attribute set without null members: null means "not set", as deploy-rs's flake-parts module writes. */
    private static JsonObject object(JsonElement e, String where) throws ConfigException {
        if (e == null || !e.isJsonObject()) {
            throw new ConfigException(where + " must be an attribute set, not " + describe(e));
        }
        JsonObject set = new JsonObject();
        e.getAsJsonObject().entrySet().stream().filter(m -> !m.getValue().isJsonNull())
                .forEach(m -> set.add(m.getKey(), m.getValue()));
        return set;
    }

    private static JsonArray array(JsonElement e, String where) throws ConfigException {
        if (!e.isJsonArray()) {
            throw new ConfigException(where + " must be a list, not " + describe(e));
        }
        return e.getAsJsonArray();
    }

    private static String string(JsonElement e, String where) throws ConfigException {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ConfigException(where + " must be a string, not " + describe(e));
        }
        return e.getAsString();
    }

    private static List<String> strings(JsonElement e, String where) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (JsonElement item : array(e, where)) {
            out.add(string(item, where + "[" + out.size() + "]"));
        }
        return List.copyOf(out);
    }

    private static String optString(JsonObject o, String key, String where) throws ConfigException {
        return o.has(key) && !o.get(key).isJsonNull() ? string(o.get(key), where + "." + key) : null;
    }

    private static Boolean optBool(JsonObject o, String key, String where) throws ConfigException {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            return null;
        }
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new ConfigException(where + "." + key + " must be true or false, not " + describe(e));
        }
        return e.getAsBoolean();
    }

    private static Integer optSeconds(JsonObject o, String key, String where) throws ConfigException {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            return null;
        }
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new ConfigException(where + "." + key + " must be a number of seconds, not " + describe(e));
        }
        // the range is Planner's to check: the command line may override an out-of-range value
        double value = e.getAsDouble();
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new ConfigException(where + "." + key + " must be whole seconds from 1 to 86400, not " + e);
        }
        return (int) value;
    }

    private static String describe(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonObject()) {
            return "an attribute set";
        }
        if (e.isJsonArray()) {
            return "a list";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? "the string \"" + p.getAsString() + "\"" : p.isBoolean() ? "a boolean (" + p + ")"
                : "the number " + p;
    }
}
