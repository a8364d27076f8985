package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;

/** Builds every selected profile in one {@code nix build}, and runs the flake's checks. */
public final class Builder {
    private Builder() {}

    /**
     * Whether this machine's Nix refused a derivation's output as an installable ({@code drv^out},
     * Nix 2.13 and later): the run then builds the flake's attributes, as before.
     */
    private static volatile boolean derivationOutputsRefused;

    /**
     * Builds; with {@code keepIn}, also leaves GC roots {@code result, result-1, ...} in that folder.
     * When every profile's derivation output is known ({@code derivationOutputs}, {@code <drv>^<output>}
     * by profile name, from the evaluation of the paths), builds those, so the paths are not
     * evaluated a second time.
     */
    public static void build(NixSource flake, List<ProfilePlan> plans, Map<String, String> derivationOutputs,
            List<String> extraArgs, java.util.Optional<java.nio.file.Path> keepIn) throws DeployException {
        if (keepIn.isPresent()) {
            try {
                java.nio.file.Files.createDirectories(keepIn.get());
            } catch (java.io.IOException e) {
                throw new DeployException(ExitCode.BAD_INPUT, "cannot create the result folder " + keepIn.get()
                        + ": " + e.getMessage());
            }
        }
        boolean fromDerivations = !derivationOutputsRefused && plans.stream().allMatch(p -> derivationOutputs
                .containsKey(p.name()));
        NixCli.Output output = NixCli.run(fromDerivations ? derivationsArgv(plans, derivationOutputs, extraArgs, keepIn)
                : buildArgv(flake, plans, extraArgs, keepIn));
        if (fromDerivations && output.exitCode() != 0 && refusesDerivationOutputs(output.stderr())) {
            derivationOutputsRefused = cannotNameOutputs(output.stderr());
            fromDerivations = false;
            output = NixCli.run(buildArgv(flake, plans, extraArgs, keepIn));
        }
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, "building the profiles failed:\n"
                    + NixCli.errorText(output.stderr()));
        }
        java.util.Set<String> builtPaths = new java.util.HashSet<>();
        for (JsonElement built : NixCli.json(output, "nix build").getAsJsonArray()) {
            JsonObject outputs = built.getAsJsonObject().getAsJsonObject("outputs");
            if (outputs == null || outputs.get("out") == null && !fromDerivations) {
                throw new DeployException(ExitCode.BUILD_FAILED, "nix build did not report an output for "
                        + built.getAsJsonObject().get("drvPath"));
            }
            outputs.entrySet().forEach(e -> builtPaths.add(e.getValue().getAsString()));
        }
        if (fromDerivations) {
            for (ProfilePlan plan : plans) {
                if (!builtPaths.contains(plan.storePath())) {
                    throw new DeployException(ExitCode.BUILD_FAILED, "nix build of " + derivationOutputs.get(plan.name())
                            + " did not build " + plan.storePath() + ", the path evaluated for " + plan.name());
                }
            }
        }
    }

    static List<String> buildArgv(NixSource flake, List<ProfilePlan> plans, List<String> extraArgs,
            java.util.Optional<java.nio.file.Path> keepIn) {
        List<String> argv = buildCommand(keepIn);
        argv.addAll(flake.installables(plans.stream().map(Builder::attrPath).toList()));
        argv.addAll(extraArgs);
        return argv;
    }

    /** Each profile's derivation output ({@code <drv>^<output>}, the path's outPath), in the plans' order. */
    static List<String> derivationsArgv(List<ProfilePlan> plans, Map<String, String> derivationOutputs,
            List<String> extraArgs, java.util.Optional<java.nio.file.Path> keepIn) {
        List<String> argv = buildCommand(keepIn);
        plans.forEach(p -> argv.add(derivationOutputs.get(p.name())));
        argv.addAll(extraArgs);
        return argv;
    }

    private static List<String> buildCommand(java.util.Optional<java.nio.file.Path> keepIn) {
        List<String> argv = new ArrayList<>(List.of("nix", "build", "--json"));
        if (keepIn.isPresent()) {
            argv.addAll(List.of("--out-link", keepIn.get().resolve("result").toString()));
        } else {
            argv.add("--no-link");
        }
        return argv;
    }

    /**
     * Whether building the attributes instead can succeed: this Nix cannot name a derivation's
     * output, or the derivation is gone. Building the attributes evaluates them again, and writes
     * the derivation anew.
     */
    static boolean refusesDerivationOutputs(String stderr) {
        return cannotNameOutputs(stderr) || derivationCollected(stderr);
    }

    /** Nix before 2.13 reads {@code drv^output} as a flake reference, which is "not a valid URL". */
    private static boolean cannotNameOutputs(String stderr) {
        return stderr.lines().anyMatch(l -> l.contains(".drv^") && l.contains("' is not a valid URL"));
    }

    /**
     * The garbage collector took the derivation since the evaluation wrote it: "cannot build
     * missing derivation" (Nix 2.26), "... .drv' is not valid" (some versions).
     */
    private static boolean derivationCollected(String stderr) {
        return stderr.lines().anyMatch(l -> l.contains("cannot build missing derivation '")
                || l.contains(".drv' is not valid"));
    }

    /**
     * The derivation of a profile, instantiated here but not built, for building it on the host;
     * evaluated with {@code extraArgs} too, so the host builds what was evaluated.
     */
    public static String derivation(NixSource flake, ProfilePlan plan, List<String> extraArgs) throws DeployException {
        NixCli.Output output = NixCli.run(derivationArgv(flake, plan, extraArgs));
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, "evaluating the derivation of " + plan.name()
                    + " failed:\n" + NixCli.errorText(output.stderr()));
        }
        return output.stdout().trim();
    }

    static List<String> derivationArgv(NixSource flake, ProfilePlan plan, List<String> extraArgs) {
        List<String> argv = new ArrayList<>(List.of("nix", "eval", "--raw"));
        argv.addAll(flake.installable(attrPath(plan) + ".drvPath"));
        argv.addAll(extraArgs);
        return argv;
    }

    private static String attrPath(ProfilePlan plan) {
        return "deploy.nodes.\"" + plan.node() + "\".profiles.\"" + plan.profile() + "\".path";
    }

    /** {@code nix flake check} (or a file's checks), as deploy-rs runs it before deploying unless told to skip. */
    public static void check(NixSource flake, List<String> extraArgs) throws DeployException {
        NixCli.Output output = NixCli.run(checkArgv(flake, extraArgs));
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, (flake.file() ? "the file's" : "the flake's")
                    + " checks failed (skip them with "
                    + "--skip-checks):\n" + NixCli.errorText(output.stderr()));
        }
    }

    static List<String> checkArgv(NixSource flake, List<String> extraArgs) {
        List<String> argv = flake.checkArgv();
        argv.addAll(extraArgs);
        return argv;
    }
}
