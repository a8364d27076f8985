package nixdeploy.deployer.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nixdeploy.deployer.config.FlakeRef;
import nixdeploy.deployer.nix.EarlyCommands;
import nixdeploy.deployer.nix.FlakeEvaluator;
import nixdeploy.deployer.nix.NixSource;

/**
 * Starts the evaluation of the flake's node settings before picocli has read the command line
 * (its model alone takes a good part of start-up), guessing the flake from the arguments: a
 * {@code --flake} value or the targets written with a {@code #}. A wrong guess costs only CPU:
 * the evaluation is used only when the deployment asks for exactly that command
 * ({@link EarlyCommands}), and it never writes a lock file.
 */
final class EarlyEvaluation {
    private static final Set<String> NOT_A_DEPLOYMENT = Set.of("-h", "--help", "-V", "--version", "-f", "--file",
            "status", "rollback");

    private EarlyEvaluation() {}

    static void start(List<String> own, List<String> extraBuildArgs) {
        flake(own).ifPresent(flake -> EarlyCommands.start(FlakeEvaluator.settingsArgv(NixSource.flake(flake),
                extraBuildArgs)));
    }

    /** The one flake the arguments name, if they name exactly one and this is a deployment from a flake. */
    static Optional<String> flake(List<String> own) {
        Set<String> flakes = new LinkedHashSet<>();
        for (int i = 0; i < own.size(); i++) {
            String arg = own.get(i);
            if (NOT_A_DEPLOYMENT.contains(arg) || arg.startsWith("--file=")) {
                return Optional.empty();
            }
            String target = arg.equals("--flake") && i + 1 < own.size() ? own.get(++i)
                    : arg.startsWith("--flake=") ? arg.substring("--flake=".length())
                    : !arg.startsWith("-") && arg.contains("#") ? arg : null;
            if (target != null) {
                try {
                    flakes.add(FlakeRef.parse(target).flake());
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return flakes.size() == 1 ? Optional.of(flakes.iterator().next()) : Optional.empty();
    }
}
