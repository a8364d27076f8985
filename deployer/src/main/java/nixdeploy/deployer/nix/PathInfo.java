package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
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

    /** The same path, not claimed as built by the store that receives it (Nix's copies never claim it). */
    public PathInfo notUltimate() {
        return new PathInfo(path, deriver, narHash, references, registrationTime, narSize, false, signatures, ca);
    }

    /**
     * Nix 2.33 deprecates {@code --json} alone here (an error in a later release) and asks for a
     * {@code --json-format}; format 1 is what every earlier Nix prints. Earlier Nix does not know
     * the flag, so the first refusal turns it off for the rest of the run.
     */
    private static final List<String> FORMAT_1 = List.of("--json-format", "1");
    private static volatile boolean formatFlagUnknown;

    /** The infos of {@code paths}, ordered so that every path comes after the paths it references. */
    public static List<PathInfo> inDependencyOrder(List<String> paths) throws DeployException {
        List<String> prefix = new ArrayList<>(List.of("nix", "path-info", "--json"));
        prefix.addAll(FORMAT_1);
        List<PathInfo> infos = new ArrayList<>();
        for (List<String> argv : NixCli.batches(prefix, paths)) {
            NixCli.Output output = NixCli.run(formatFlagUnknown ? withoutFormatFlag(argv) : argv);
            if (output.exitCode() != 0 && !formatFlagUnknown && refusesFormatFlag(output.stderr())) {
                formatFlagUnknown = true;
                output = NixCli.run(withoutFormatFlag(argv));
            }
            if (output.exitCode() != 0) {
                throw new DeployException(ExitCode.BUILD_FAILED, "cannot read the store paths to send:\n"
                        + NixCli.errorText(output.stderr()));
            }
            infos.addAll(parse(NixCli.json(output, "nix path-info")));
        }
        return inDependencyOrder(infos);
    }

    /** Whether Nix refused the {@code --json-format} flag as unknown, as Nix before 2.33 does. */
    static boolean refusesFormatFlag(String stderr) {
        return stderr.contains("unrecognised flag '--json-format'");
    }

    private static List<String> withoutFormatFlag(List<String> argv) {
        List<String> shorter = new ArrayList<>(argv.subList(0, 3));
        shorter.addAll(argv.subList(3 + FORMAT_1.size(), argv.size()));
        return shorter;
    }

    static List<PathInfo> inDependencyOrder(Collection<PathInfo> infos) {
        Map<String, PathInfo> byPath = new LinkedHashMap<>();
        infos.forEach(info -> byPath.put(info.path(), info));
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

    /**
     * Reads {@code nix path-info --json} in both of its shapes: up to Nix 2.18 an array of objects
     * that each carry their {@code path}; from 2.19 an object keyed by path, whose absent fields are
     * {@code null} ({@code "ca": null}, {@code "deriver": null}) and whose invalid paths map to null.
     * {@code narHash} is passed on as Nix printed it ({@code sha256:<base32>} from older Nix, SRI
     * {@code sha256-<base64>} from newer): the host's serve protocol accepts both.
     */
    static List<PathInfo> parse(JsonElement json) throws DeployException {
        List<PathInfo> infos = new ArrayList<>();
        try {
            if (json.isJsonArray()) {
                for (JsonElement e : json.getAsJsonArray()) {
                    JsonObject o = e.getAsJsonObject();
                    infos.add(parse(string(o, "path"), o));
                }
            } else if (json.isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : json.getAsJsonObject().entrySet()) {
                    infos.add(parse(e.getKey(), e.getValue().isJsonNull() ? null : e.getValue().getAsJsonObject()));
                }
            } else {
                throw new IllegalStateException("neither an array nor an object");
            }
        } catch (IllegalStateException | UnsupportedOperationException | ClassCastException e) {
            throw new DeployException(ExitCode.INTERNAL_ERROR, "nix path-info --json printed a format this deployer "
                    + "does not know (" + e.getMessage() + "): " + abbreviate(json.toString()), e);
        }
        return infos;
    }

    private static PathInfo parse(String path, JsonObject o) throws DeployException {
        if (o == null || (o.has("valid") && !o.get("valid").getAsBoolean())) {
            throw new DeployException(ExitCode.INTERNAL_ERROR, "nix path-info says " + path + " is not a valid "
                    + "store path here, although it is in the closure to send");
        }
        if (!o.has("narHash") || !o.get("narHash").isJsonPrimitive() || !o.has("narSize")) {
            throw new IllegalStateException("no narHash string or narSize for " + path);
        }
        return new PathInfo(path, string(o, "deriver"), o.get("narHash").getAsString(), strings(o, "references"),
                o.has("registrationTime") && !o.get("registrationTime").isJsonNull()
                        ? o.get("registrationTime").getAsLong() : 0,
                o.get("narSize").getAsLong(),
                o.has("ultimate") && !o.get("ultimate").isJsonNull() && o.get("ultimate").getAsBoolean(),
                strings(o, "signatures"), string(o, "ca"));
    }

    /** A string field; "" when absent or null, as the serve protocol writes "none". */
    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    private static List<String> strings(JsonObject o, String key) {
        List<String> values = new ArrayList<>();
        JsonElement e = o.get(key);
        if (e != null && !e.isJsonNull()) {
            e.getAsJsonArray().forEach(v -> values.add(v.getAsString()));
        }
        return values;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /**
     * Signs {@code paths} with a local secret key, as deploy-rs does with LOCAL_KEY. Not
     * recursively: the paths are the ones to send, and their references the host already has or
     * are among them.
     */
    public static void sign(List<String> paths, String keyFile) throws DeployException {
        for (List<String> argv : NixCli.batches(List.of("nix", "store", "sign", "--key-file", keyFile), paths)) {
            NixCli.Output output = NixCli.run(argv);
            if (output.exitCode() != 0) {
                throw new DeployException(ExitCode.BAD_INPUT, "signing with LOCAL_KEY (" + keyFile + ") failed:\n"
                        + NixCli.errorText(output.stderr()));
            }
        }
    }
}
