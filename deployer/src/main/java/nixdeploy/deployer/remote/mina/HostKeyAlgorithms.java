package nixdeploy.deployer.remote.mina;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nixdeploy.deployer.remote.HostPatterns;

/**
 * The host-key algorithms to offer, as OpenSSH 9 offers them: its default list, changed by a
 * HostKeyAlgorithms setting ({@code +} appends, {@code -} removes, {@code ^} puts first, else
 * replaces); without one, the algorithms of key types already known for the host come first, so
 * the host shows the key known_hosts holds.
 */
final class HostKeyAlgorithms {
    static final List<String> OPENSSH_DEFAULT = List.of(
            "ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
            "sk-ssh-ed25519-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com",
            "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512", "rsa-sha2-256");

    private HostKeyAlgorithms() {}

    /**
     * @param supported  what this client can verify, in any order
     * @param setting    the HostKeyAlgorithms setting, if any
     * @param knownTypes key types known_hosts lists for the host ({@code ssh-rsa}, {@code ssh-ed25519}, ...)
     * @param caKnown    whether a certificate authority is trusted for the host
     */
    static List<String> order(List<String> supported, Optional<String> setting, Set<String> knownTypes,
            boolean caKnown) {
        if (setting.isPresent()) {
            return apply(setting.get(), supported);
        }
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String algorithm : OPENSSH_DEFAULT) {
            if (!supported.contains(algorithm)) {
                continue;
            }
            boolean cert = algorithm.contains("-cert-v01@");
            boolean known = cert ? caKnown : knownTypes.contains(keyType(algorithm));
            (known ? first : rest).add(algorithm);
        }
        first.addAll(rest);
        return first;
    }

    private static List<String> apply(String setting, List<String> supported) {
        List<String> result = new ArrayList<>(OPENSSH_DEFAULT);
        String list = setting.substring(1);
        switch (setting.charAt(0)) {
            case '+' -> matching(list, supported).stream().filter(a -> !result.contains(a)).forEach(result::add);
            case '-' -> result.removeAll(matching(list, OPENSSH_DEFAULT));
            case '^' -> {
                List<String> head = matching(list, supported);
                result.removeAll(head);
                result.addAll(0, head);
            }
            default -> {
                result.clear();
                result.addAll(matching(setting, supported));
            }
        }
        result.retainAll(supported);
        if (result.isEmpty()) {
            throw new IllegalArgumentException("HostKeyAlgorithms " + setting + " leaves no algorithm nixdeploy "
                    + "supports (it supports " + String.join(",", supported) + ")");
        }
        return result;
    }

    /** The algorithms of {@code candidates} that the comma-separated patterns name, in the patterns' order. */
    private static List<String> matching(String patterns, List<String> candidates) {
        List<String> found = new ArrayList<>();
        for (String pattern : patterns.split(",")) {
            for (String candidate : candidates) {
                if (HostPatterns.glob(candidate, pattern) && !found.contains(candidate)) {
                    found.add(candidate);
                }
            }
        }
        return found;
    }

    /** The known_hosts key type an algorithm signs with. */
    static String keyType(String algorithm) {
        return algorithm.startsWith("rsa-sha2-") || algorithm.equals("ssh-rsa") ? "ssh-rsa" : algorithm;
    }
}
