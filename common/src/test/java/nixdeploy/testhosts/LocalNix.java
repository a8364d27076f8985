package nixdeploy.testhosts;

import com.google.gson.JsonParser;
import java.util.List;

/**
 * Builds small store paths in this machine's Nix store, with the tools of the nixpkgs stand-in
 * ({@code sh} and {@code bin} in every expression, see {@link NixpkgsStandIn#bindings}).
 */
public final class LocalNix {
    private LocalNix() {}

    /**
     * A profile whose {@code deploy-rs-activate} runs {@code activateScript} with {@code /bin/sh},
     * or a profile with no activation script when it is null. {@code name} makes it unique.
     */
    public static String profile(String name, String activateScript) {
        String builder = activateScript == null
                ? "mkdir -p $out && echo $name > $out/name"
                : "mkdir -p $out && echo $name > $out/name && printf '%s\\n' '#!/bin/sh' \"$activate\""
                        + " > $out/deploy-rs-activate && chmod +x $out/deploy-rs-activate";
        String expr = "derivation { name = " + nixString(name) + "; system = builtins.currentSystem;"
                + " builder = sh; PATH = bin;"
                + " activate = " + nixString(activateScript == null ? "" : activateScript) + ";"
                + " args = [ \"-c\" " + nixString(builder) + " ]; }";
        return build(expr);
    }

    /** Builds a Nix expression (a derivation) and returns its output path. */
    public static String build(String expr) {
        String withTools = "let " + NixpkgsStandIn.bindings(NixpkgsStandIn.importExpr()) + " in " + expr;
        String json = Cmd.run(List.of("nix", "--extra-experimental-features", "nix-command", "build", "--impure",
                "--no-link", "--json", "--expr", withTools), null, 300).orThrow().stdout();
        return JsonParser.parseString(json).getAsJsonArray().get(0).getAsJsonObject()
                .getAsJsonObject("outputs").get("out").getAsString();
    }

    /** A Nix string literal for {@code s}. */
    public static String nixString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "\\${")
                .replace("\n", "\\n") + "\"";
    }
}
