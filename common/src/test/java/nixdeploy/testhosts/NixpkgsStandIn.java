package nixdeploy.testhosts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The repository's stand-in for nixpkgs ({@code nix/tests/nixpkgs-stand-in}): test profiles are
 * built with its tools, which come from the store, so they build with Nix's sandbox on, as on
 * users' machines.
 */
public final class NixpkgsStandIn {
    private static Path dir;

    private NixpkgsStandIn() {}

    /** The stand-in's folder, made ready (its static busybox copied in) on first use. */
    public static synchronized Path dir() {
        if (dir == null) {
            Path prepare = repositoryRoot().resolve("nix/tests/nixpkgs-stand-in/prepare");
            dir = Path.of(Cmd.run(List.of(prepare.toString()), null, 60).orThrow().stdout().trim());
        }
        return dir;
    }

    /** A flake's {@code inputs} line that makes the stand-in its {@code nixpkgs}. */
    public static String flakeInput() {
        return "inputs.nixpkgs.url = \"path:" + dir() + "\";";
    }

    /**
     * {@code let} bindings for a Nix expression or a flake whose {@code pkgs} is the stand-in:
     * {@code sh} and {@code bin} are a shell and a tools folder in the store, for
     * {@code builtins.derivation { builder = sh; PATH = bin; ... }}.
     */
    public static String bindings(String pkgs) {
        return "pkgs = " + pkgs + "; sh = \"${pkgs.busybox}/bin/sh\"; bin = \"${pkgs.busybox}/bin\";";
    }

    /** The stand-in's packages in an impure expression (no flake). */
    public static String importExpr() {
        return "(import " + dir().resolve("pkgs.nix") + " { system = builtins.currentSystem; })";
    }

    /** The static busybox the stand-in copies, which also serves as the sandbox's /bin/sh. */
    public static Path staticBusybox() {
        return dir().resolve("static/busybox");
    }

    /** The checkout these tests run from. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("nix/tests/nixpkgs-stand-in/prepare"))) {
                return p;
            }
        }
        throw new IllegalStateException("nix/tests/nixpkgs-stand-in not found above " + Path.of("").toAbsolutePath());
    }
}
