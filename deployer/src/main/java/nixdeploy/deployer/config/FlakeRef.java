package nixdeploy.deployer.config;

import java.util.Optional;

/**
 * A deploy target as deploy-rs writes it: {@code <flake>[#<node>[.<profile>]]}, where a node
 * name containing dots is quoted: {@code .#"web.eu".system}.
 */
public record FlakeRef(String flake, Optional<String> node, Optional<String> profile) {

    public static FlakeRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty target; expected a flake reference such as .#webserver");
        }
        int hash = text.indexOf('#');
        if (hash < 0) {
            return new FlakeRef(text, Optional.empty(), Optional.empty());
        }
        String flake = text.substring(0, hash).isEmpty() ? "." : text.substring(0, hash);
        String fragment = text.substring(hash + 1);
        if (fragment.isEmpty()) {
            return new FlakeRef(flake, Optional.empty(), Optional.empty());
        }
        String node;
        String rest;
        if (fragment.startsWith("\"")) {
            int close = fragment.indexOf('"', 1);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated quote in target '" + text + "'");
            }
            node = fragment.substring(1, close);
            rest = fragment.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(".")) {
                throw new IllegalArgumentException("expected '.' after the quoted node name in '" + text + "'");
            }
            rest = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int dot = fragment.indexOf('.');
            node = dot < 0 ? fragment : fragment.substring(0, dot);
            rest = dot < 0 ? "" : fragment.substring(dot + 1);
        }
        if (node.isEmpty()) {
            throw new IllegalArgumentException("empty node name in target '" + text + "'");
        }
        String profile = rest.startsWith("\"") && rest.endsWith("\"") && rest.length() > 1
                ? rest.substring(1, rest.length() - 1) : rest;
        return new FlakeRef(flake, Optional.of(node), profile.isEmpty() ? Optional.empty() : Optional.of(profile));
    }

    @Override
    public String toString() {
        return flake + node.map(n -> "#" + n + profile.map(p -> "." + p).orElse("")).orElse("");
    }
}
