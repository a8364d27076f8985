package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import java.util.List;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ConfigException;

/**
 * Evaluates a flake's {@code deploy} output in one {@code nix eval --json}, as a projection:
 * derivations become their output paths, so no derivation is evaluated more than it must be.
 */
public final class FlakeEvaluator {
    /** Walks {@code deploy}; a derivation becomes its outPath, a function a marker the parser rejects. */
    static final String PROJECTION = String.join(" ",
            "deploy: let",
            "  walk = v:",
            "    if builtins.isAttrs v then",
            "      (if (v.type or null) == \"derivation\" then v.outPath",
            "       else builtins.mapAttrs (n: walk) v)",
            "    else if builtins.isList v then map walk v",
            "    else if builtins.isFunction v then \"<function>\"",
            "    else if builtins.isPath v then toString v",
            "    else v;",
            "in walk deploy");

    private FlakeEvaluator() {}

    public static JsonElement evaluate(String flake) throws DeployException {
        NixCli.Output output = NixCli.run(List.of("nix", "eval", "--json", flake + "#deploy", "--apply", PROJECTION));
        if (output.exitCode() != 0) {
            String err = output.stderr();
            if (err.contains("does not provide attribute") && err.contains("deploy")) {
                throw new ConfigException("the flake " + flake + " has no 'deploy' output; define deploy.nodes as "
                        + "deploy-rs does (see README)");
            }
            if (err.contains("does not exist") || err.contains("cannot find flake") || err.contains("no such file")
                    || err.contains("is not a flake") || err.contains("does not contain a 'flake.nix'")) {
                throw new ConfigException("cannot read the flake " + flake + ":\n" + NixCli.errorText(err));
            }
            throw new DeployException(ExitCode.BUILD_FAILED, "evaluating " + flake + "#deploy failed:\n"
                    + NixCli.errorText(err));
        }
        return NixCli.json(output, "nix eval");
    }
}
