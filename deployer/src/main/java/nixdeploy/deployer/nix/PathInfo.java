package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/** What Nix knows about a valid store path: hashes, references, signatures, as {@code nix path-info --json}. */
public record PathInfo(String path, String deriver, String narHash, List<String> references, long registrationTime,
        long narSize, boolean ultimate, List<String> signatures, String ca) {

    /** The infos of {@code paths}, ordered so that every path comes after the paths it references. */
    public static List<PathInfo> inDependencyOrder(List<String> paths) throws DeployException {
        List<String> argv = new ArrayList<>(List.of("nix", "path-info", "--json"));
        argv.addAll(paths);
        NixCli.Output output = NixCli.run(argv);
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, "cannot read the store paths to send:\n"
                    + NixCli.errorText(output.stderr()));
        }
        Map<String, PathInfo> byPath = new LinkedHashMap<>();
        for (JsonElement e : NixCli.json(output, "nix path-info").getAsJsonArray()) {
            PathInfo info = parse(e.getAsJsonObject());
            byPath.put(info.path(), info);
        }
        Set<String> done = new LinkedHashSet<>();
        List<PathInfo> ordered = new ArrayList<>();
        for (String path : byPath.keySet()) {
            visit(path, byPath, done, ordered);
        }
        return ordered;
    }

    private static void visit(String path, Map<String, PathInfo> byPath, Set<String> done, List<PathInfo> ordered) {
        PathInfo info = byPath.get(path);
        if (info == null || !done.add(path)) {
            return;
        }
        for (String reference : info.references()) {
            if (!reference.equals(path)) {
                visit(reference, byPath, done, ordered);
            }
        }
        ordered.add(info);
    }

    private static PathInfo parse(JsonObject o) {
        List<String> references = new ArrayList<>();
        o.getAsJsonArray("references").forEach(r -> references.add(r.getAsString()));
        List<String> signatures = new ArrayList<>();
        if (o.has("signatures")) {
            o.getAsJsonArray("signatures").forEach(s -> signatures.add(s.getAsString()));
        }
        return new PathInfo(o.get("path").getAsString(), o.has("deriver") ? o.get("deriver").getAsString() : "",
                o.get("narHash").getAsString(), references,
                o.has("registrationTime") ? o.get("registrationTime").getAsLong() : 0, o.get("narSize").getAsLong(),
                o.has("ultimate") && o.get("ultimate").getAsBoolean(), signatures,
                o.has("ca") ? o.get("ca").getAsString() : "");
    }

    /** Signs the closure of {@code roots} with a local secret key, as deploy-rs does with LOCAL_KEY. */
    public static void sign(List<String> roots, String keyFile) throws DeployException {
        List<String> argv = new ArrayList<>(List.of("nix", "store", "sign", "--key-file", keyFile, "--recursive"));
        argv.addAll(roots);
        NixCli.Output output = NixCli.run(argv);
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BAD_INPUT, "signing with LOCAL_KEY (" + keyFile + ") failed:\n"
                    + NixCli.errorText(output.stderr()));
        }
    }
}
