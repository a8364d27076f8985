package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.shell.ShellQuote;

/**
 * What a profile on a host points at now, and that store path's closure with its sizes, read with
 * one read-only shell command as the profile's user (so {@code HOME} and {@code XDG_STATE_HOME} are
 * that user's), with the activator's rules for where the profile lives (deploy-rs's), without the
 * activator: {@code --dry-run} copies nothing to the host, not even it.
 */
record CurrentClosure(String profilePath, Optional<String> storePath, Map<String, Long> sizes) {
    private static final String SCRIPT = String.join("\n",
            "name=$1; p=$2; me=$(id -un)",
            "if [ -z \"$p\" ]; then",
            "  if [ \"$me\" = root ]; then",
            "    if [ \"$name\" = system ]; then p=/nix/var/nix/profiles/system;"
                    + " else p=/nix/var/nix/profiles/per-user/root/$name; fi",
            "  elif [ -d \"/nix/var/nix/profiles/per-user/$me\" ]; then p=/nix/var/nix/profiles/per-user/$me/$name",
            "  else case \"$XDG_STATE_HOME\" in /*) s=$XDG_STATE_HOME;; *) s=$HOME/.local/state;; esac;"
                    + " p=$s/nix/profiles/$name; fi",
            "fi",
            "echo \"profile $p\"",
            "[ -e \"$p\" ] || exit 0",
            "now=$(nix-store --query --outputs \"$p\") || exit 1",
            "echo \"current $now\"",
            "paths=$(nix-store --query --requisites \"$now\") || exit 1",
            "echo \"$paths\" | sed 's/^/path /'",
            "echo \"$paths\" | xargs nix-store --query --size | sed 's/^/size /'");

    /** The command, run through the profile's sudo when its user is not the SSH user. */
    static String command(ProfilePlan plan, String sshUser, String profileUser) {
        List<String> argv = new ArrayList<>();
        if (!profileUser.equals(sshUser)) {
            // never waits for a password: a dry run that cannot read the profile says so instead
            argv.add(plan.sudo().get(0));
            argv.add("-n");
            argv.addAll(plan.sudo().subList(1, plan.sudo().size()));
            argv.add(profileUser);
        }
        argv.addAll(List.of("sh", "-c", SCRIPT, "nixdeploy-dry-run", plan.profile(),
                plan.explicitProfilePath().orElse("")));
        return ShellQuote.command(argv);
    }

    /** Parses the command's output. */
    static CurrentClosure parse(String stdout) {
        String profile = null;
        String current = null;
        List<String> paths = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1).trim();
            switch (key) {
                case "profile" -> profile = value;
                case "current" -> current = value;
                case "path" -> paths.add(value);
                case "size" -> sizes.add(Long.parseLong(value));
                default -> { }
            }
        }
        if (profile == null || paths.size() != sizes.size()) {
            throw new IllegalArgumentException("unexpected answer: " + stdout.lines().limit(3).toList());
        }
        Map<String, Long> closure = new LinkedHashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            closure.put(paths.get(i), sizes.get(i));
        }
        return new CurrentClosure(profile, Optional.ofNullable(current), closure);
    }
}
