package nixdeploy.deployer.nix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/** The store paths a set of roots needs, with their sizes. */
public record Closure(Map<String, Long> sizes) {

    /**
     * Reads the closure with the classic {@code nix-store} queries, which take a {@code .drv} path as
     * itself (the new CLI would read it as "the derivation's outputs" and build them).
     */
    public static Closure of(List<String> roots) throws DeployException {
        List<String> argv = new ArrayList<>(List.of("nix-store", "--query", "--requisites"));
        argv.addAll(roots);
        // dependencies first (nix-store sorts them so), which the batched export to the host relies on
        List<String> paths = query(argv, roots).lines().filter(l -> !l.isBlank()).toList();
        List<String> sizes = new ArrayList<>();
        for (List<String> sizeArgv : NixCli.batches(List.of("nix-store", "--query", "--size"), paths)) {
            query(sizeArgv, roots).lines().filter(l -> !l.isBlank()).forEach(sizes::add);
        }
        if (sizes.size() != paths.size()) {
            throw new DeployException(ExitCode.INTERNAL_ERROR, "nix-store reported " + sizes.size() + " sizes for "
                    + paths.size() + " paths of " + roots);
        }
        Map<String, Long> result = new LinkedHashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            result.put(paths.get(i), Long.parseLong(sizes.get(i).trim()));
        }
        return new Closure(result);
    }

    private static String query(List<String> argv, List<String> roots) throws DeployException {
        NixCli.Output output = NixCli.run(argv);
        if (output.exitCode() != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, "cannot read the closure of " + roots + ":\n"
                    + NixCli.errorText(output.stderr()));
        }
        return output.stdout();
    }

    public List<String> paths() {
        return List.copyOf(sizes.keySet());
    }

    /**
     * This closure and {@code other}'s: this one's paths first, then the other's that it lacks,
     * which keeps dependencies first (each closure holds its paths' references).
     */
    public Closure with(Closure other) {
        Map<String, Long> union = new LinkedHashMap<>(sizes);
        other.sizes.forEach(union::putIfAbsent);
        return new Closure(union);
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
