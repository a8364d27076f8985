package nixdeploy.deployer.nix;

import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code deploy} comes from: a flake ({@code .#deploy}), or with {@code --file} a Nix file or
 * folder (its {@code default.nix}) whose value, or the value its function returns for no
 * arguments, has a {@code deploy} attribute, as deploy-rs's {@code --file}. Both evaluate and build
 * through the same {@code nix eval}/{@code nix build} commands; only the installables differ.
 */
public record NixSource(String location, boolean file) {

    public static NixSource flake(String flake) {
        return new NixSource(flake, false);
    }

    public static NixSource file(String path) {
        return new NixSource(path, true);
    }

    /** The installables naming {@code attrPaths} of this source, for one {@code nix} command. */
    public List<String> installables(List<String> attrPaths) {
        List<String> argv = new ArrayList<>();
        if (file) {
            argv.addAll(List.of("--file", location));
            argv.addAll(attrPaths);
        } else {
            attrPaths.forEach(a -> argv.add(location + "#" + a));
        }
        return argv;
    }

    public List<String> installable(String attrPath) {
        return installables(List.of(attrPath));
    }

    /**
     * The command that runs the checks before deploying: {@code nix flake check}, or for a file the
     * build of its {@code checks.<this system>} if it has any (as deploy-rs does without flakes).
     */
    List<String> checkArgv() {
        if (!file) {
            return new ArrayList<>(List.of("nix", "flake", "check", location));
        }
        String absolute = java.nio.file.Path.of(location).toAbsolutePath().normalize().toString();
        return new ArrayList<>(List.of("nix", "build", "--no-link", "--impure", "--expr",
                "let r = import " + FlakeEvaluator.nixString(absolute) + "; x = if builtins.isFunction r then r { } "
                        + "else r; in x.checks.${builtins.currentSystem} or { }"));
    }

    @Override
    public String toString() {
        return location;
    }
}
