package nixdeploy.deployer.config;

import com.google.gson.JsonArray;
import java.util.List;
import java.util.Map;

/** The flake's {@code deploy} output, validated: deploy-level settings and the nodes. */
public record DeployConfig(Settings settings, Map<String, Node> nodes) {

    /** {@code deploy.nodes.<name>}. */
    public record Node(String name, String hostname, List<String> tags, List<String> profilesOrder,
            Map<String, Profile> profiles, Settings settings, JsonArray healthChecks) {
    }

    /** {@code deploy.nodes.<node>.profiles.<name>}; {@code path} is null until it is evaluated (see Planner). */
    public record Profile(String name, String path, String profilePath, Settings settings, JsonArray healthChecks) {
    }
}
