package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/** The store paths a set of roots needs, with their sizes, read in one {@code nix path-info}. */
public record Closure(Map<String, Long> sizes) {

    public static Closure of(List<String> roots) throws DeployException {
        List<String> argv = new ArrayList<>(List.of("nix", "path-info", "--json", "--recursive"));
        argv.addAll(roots);
        NixCli.Output output = NixCli.run(argv);
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, "cannot read the closure of " + roots + ":\n"
                    + NixCli.errorText(output.stderr()));
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (JsonElement e : NixCli.json(output, "nix path-info").getAsJsonArray()) {
            JsonObject info = e.getAsJsonObject();
            sizes.put(info.get("path").getAsString(), info.has("narSize") ? info.get("narSize").getAsLong() : 0L);
        }
        return new Closure(sizes);
    }

    public List<String> paths() {
        return List.copyOf(sizes.keySet());
    }

    public long bytes(List<String> paths) {
        return paths.stream().mapToLong(p -> sizes.getOrDefault(p, 0L)).sum();
    }

    /** Adds a local file (the activator jar) to the store and returns its store path. */
    public static String addFile(Path file) throws DeployException {
        NixCli.Output output = NixCli.run(List.of("nix-store", "--add", file.toString()));
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, "cannot add " + file + " to the Nix store:\n"
                    + NixCli.errorText(output.stderr()));
        }
        return output.stdout().trim();
    }
}
