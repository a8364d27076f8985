package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ConfigException;
import nixdeploy.deployer.config.ProfilePlan;

/**
 * Evaluates what is deployed, not the whole flake, in two {@code nix eval --json}: every node's
 * settings and tags (cheap; selectors and error messages need them all), then the {@code path}
 * of the selected profiles only, so a slow or broken profile elsewhere costs nothing (deploy-rs
 * too evaluates only the selected node or profile). Derivations become their output paths. The
 * arguments after {@code --} go to both, as to the build: what is built is what was evaluated.
 */
public final class FlakeEvaluator {
    /** Makes {@code v} JSON: a derivation becomes its outPath, a function a marker the parser rejects. */
    static final String WALK = String.join(" ",
            "walk = v:",
            "  if builtins.isAttrs v then",
            "    (if (v.type or null) == \"derivation\" then v.outPath",
            "     else builtins.mapAttrs (n: walk) v)",
            "  else if builtins.isList v then map walk v",
            "  else if builtins.isFunction v then \"<function>\"",
            "  else if builtins.isPath v then toString v",
            "  else v;");

    /** {@code deploy} with every profile's {@code path} replaced by {@code true}, which does not force it. */
    static final String SETTINGS = String.join(" ",
            "deploy: let",
            WALK,
            "  each = f: v: if builtins.isAttrs v && (v.type or null) != \"derivation\"",
            "    then builtins.mapAttrs f v else walk v;",
            "  profile = each (n: v: if n == \"path\" then true else walk v);",
            "  node = each (n: v: if n == \"profiles\" then each (p: profile) v else walk v);",
            "in each (n: v: if n == \"nodes\" then each (name: node) v else walk v) deploy");

    private FlakeEvaluator() {}

    public static JsonElement settings(NixSource flake, List<String> extraArgs) throws DeployException {
        return eval(flake, settingsArgv(flake, extraArgs), "evaluating " + flake + (flake.file() ? " (deploy)"
                : "#deploy") + " failed", true);
    }

    /** {@code {node: {profile: {path, derivation}}}} for the profiles of {@code plans}. */
    public static JsonElement paths(NixSource flake, List<ProfilePlan> plans, List<String> extraArgs)
            throws DeployException {
        return eval(flake, pathsArgv(flake, plans, extraArgs), "evaluating the profiles to deploy from " + flake
                + " (" + String.join(", ", new LinkedHashSet<>(plans.stream().map(ProfilePlan::name).toList()))
                + ") failed", false);
    }

    public static List<String> settingsArgv(NixSource flake, List<String> extraArgs) {
        List<String> argv = new ArrayList<>(List.of("nix", "eval", "--json"));
        argv.addAll(flake.installable("deploy"));
        argv.addAll(List.of("--apply", SETTINGS));
        argv.addAll(extraArgs);
        return argv;
    }

    static List<String> pathsArgv(NixSource flake, List<ProfilePlan> plans, List<String> extraArgs) {
        List<String> argv = new ArrayList<>(List.of("nix", "eval", "--json"));
        argv.addAll(flake.installable("deploy"));
        argv.addAll(List.of("--apply", selection(plans)));
        argv.addAll(extraArgs);
        return argv;
    }

    /**
     * The output of a derivation behind a profile's path, {@code <drv>^<output>} (null for a path
     * that is no derivation): read once the path itself is evaluated, so it costs nothing more and
     * an evaluation error shows once; what the build then builds without evaluating the path again.
     */
    static final String DERIVATION = String.join(" ",
            "derivation = v: p: builtins.seq p (if builtins.isAttrs v && (v.type or null) == \"derivation\"",
            "  && v ? drvPath then v.drvPath + \"^\" + (v.outputName or \"out\") else null);");

    /**
     * {@code deploy: { "node" = { "profile" = { path = <its path>; derivation = <its .drv>; }; ... };
     * ... }}, naming each profile once.
     */
    static String selection(List<ProfilePlan> plans) {
        Map<String, Set<String>> nodes = new LinkedHashMap<>();
        for (ProfilePlan plan : plans) {
            nodes.computeIfAbsent(plan.node(), n -> new LinkedHashSet<>()).add(plan.profile());
        }
        StringBuilder expr = new StringBuilder("deploy: let " + WALK + " " + DERIVATION
                + " path = n: p: let v = deploy.nodes.${n}.profiles.${p}.path; w = walk v; in"
                + " { path = w; derivation = derivation v w; }; in {");
        nodes.forEach((node, profiles) -> {
            expr.append(' ').append(nixString(node)).append(" = {");
            profiles.forEach(p -> expr.append(' ').append(nixString(p)).append(" = path ").append(nixString(node))
                    .append(' ').append(nixString(p)).append(';'));
            expr.append(" };");
        });
        return expr.append(" }").toString();
    }

    /** The derivation output ({@code <drv>^<output>}) {@link #paths} found behind {@code plan}'s path, if any. */
    public static Optional<String> derivation(JsonElement paths, ProfilePlan plan) {
        if (paths.isJsonObject() && paths.getAsJsonObject().get(plan.node()) instanceof JsonObject node
                && node.get(plan.profile()) instanceof JsonObject profile
                && profile.get("derivation") instanceof JsonPrimitive drv && drv.isString()
                && drv.getAsString().startsWith("/") && drv.getAsString().contains(".drv^")) {
            return Optional.of(drv.getAsString());
        }
        return Optional.empty();
    }

    public static String nixString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "\\${") + "\"";
    }

    /** Runs {@code argv}; with {@code first}, a flake that cannot be read or has no deploy is bad input. */
    private static JsonElement eval(NixSource flake, List<String> argv, String failed, boolean first)
            throws DeployException {
        NixCli.Output output = NixCli.run(argv);
        if (output.exitCode() != 0) {
            String err = output.stderr();
            if (!first) {
                // the flake was read: this is a profile's own error, such as a missing file it refers to
                throw new DeployException(ExitCode.BUILD_FAILED, failed + ":\n" + NixCli.errorText(err));
            }
            if (err.contains("does not provide attribute") && err.contains("deploy")
                    || flake.file() && err.contains("attribute 'deploy'") && err.contains("not found")) {
                throw new ConfigException((flake.file() ? "the file " + flake + " has no 'deploy' attribute"
                        : "the flake " + flake + " has no 'deploy' output") + "; define deploy.nodes as "
                        + "deploy-rs does (see README)");
            }
            if (flake.file() && (err.contains("No such file") || err.contains("getting status of"))) {
                throw new ConfigException("cannot read the file " + flake + " (--file):\n" + NixCli.errorText(err));
            }
            if (err.contains("does not exist") || err.contains("cannot find flake") || err.contains("no such file")
                    || err.contains("is not a flake") || err.contains("does not contain a 'flake.nix'")) {
                throw new ConfigException("cannot read the flake " + flake + ":\n" + NixCli.errorText(err));
            }
            throw new DeployException(ExitCode.BUILD_FAILED, failed + ":\n" + NixCli.errorText(err));
        }
        return NixCli.json(output, "nix eval");
    }
}
