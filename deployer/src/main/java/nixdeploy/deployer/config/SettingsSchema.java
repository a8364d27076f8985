package nixdeploy.deployer.config;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys allowed at each level of {@code deploy}, read from {@code nix/schema.json}, the file the
 * Nix library's {@code deployChecks} validates against: the deployer and the checks cannot disagree.
 */
public final class SettingsSchema {
    private static final JsonObject SCHEMA = load();

    private SettingsSchema() {}

    public static Set<String> deployKeys() {
        return keys(SCHEMA);
    }

    public static Set<String> nodeKeys() {
        return keys(definition("node"));
    }

    public static Set<String> profileKeys() {
        return keys(definition("profile"));
    }

    public static Set<String> healthCheckKeys() {
        return keys(definition("healthCheck"));
    }

    public static Set<String> httpCheckKeys() {
        return keys(definition("httpCheck"));
    }

    public static Set<String> cmdCheckKeys() {
        return keys(definition("cmdCheck"));
    }

    private static JsonObject definition(String name) {
        return SCHEMA.getAsJsonObject("definitions").getAsJsonObject(name);
    }

    private static Set<String> keys(JsonObject object) {
        return Collections.unmodifiableSet(new TreeSet<>(object.getAsJsonObject("properties").keySet()));
    }

    private static JsonObject load() {
        try (InputStream in = SettingsSchema.class.getResourceAsStream("/nixdeploy/schema.json")) {
            if (in == null) {
                throw new IllegalStateException("nixdeploy/schema.json is missing from the deployer's jar");
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
