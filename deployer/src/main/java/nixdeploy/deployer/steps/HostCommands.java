package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.shell.ShellQuote;

/** Builds the shell commands run on a host; every word passes through {@link ShellQuote}. */
final class HostCommands {
    private HostCommands() {}

    /** Paths on stdin, one per line; prints facts, a separator, then the paths the host lacks. */
    static String probe(ProfilePlan plan, Optional<String> profileUser) {
        String java = ShellQuote.quote(plan.java());
        StringBuilder s = new StringBuilder();
        s.append("paths=$(cat); ");
        s.append("if command -v ").append(java).append(" >/dev/null 2>&1; then echo java=yes; else echo java=no; fi; ");
        s.append("echo user=$(id -un); ");
        String user = profileUser.map(ShellQuote::quote).orElse("$(id -un)");
        s.append("if [ -d /nix/var/nix/profiles/per-user/").append(user).append(" ]; then echo peruser=yes; ")
                .append("else echo peruser=no; fi; ");
        s.append("echo \"statehome=${XDG_STATE_HOME:-$HOME/.local/state}\"; ");
        if (!plan.fastConnection()) {
            s.append("nix-store --realise --keep-going $paths >/dev/null 2>&1; ");
        }
        s.append("echo ---; exec nix-store --check-validity --print-invalid $paths");
        return s.toString();
    }

    static String importPaths() {
        return ShellQuote.command(List.of("nix-store", "--import"));
    }

    /**
     * Runs the activator jar as the profile's user, through sudo when that is not the SSH user. With
     * {@code passwordOnStdin}, sudo reads the password from the first line of stdin ({@code -S}),
     * always ({@code -k}), so the rest of stdin reaches the activator intact.
     */
    static String activator(ProfilePlan plan, String sshUser, String profileUser, String jar, List<String> args,
            boolean passwordOnStdin) {
        List<String> argv = new ArrayList<>();
        if (!profileUser.equals(sshUser)) {
            List<String> sudo = plan.sudo();
            argv.add(sudo.get(0));
            if (passwordOnStdin) {
                argv.addAll(List.of("-k", "-S", "-p", ""));
            }
            argv.addAll(sudo.subList(1, sudo.size()));
            argv.add(profileUser);
        }
        argv.add(plan.java());
        argv.add("-XX:+UseSerialGC");
        argv.add("-XX:TieredStopAtLevel=1");
        argv.add("-Xshare:auto");
        argv.add("-jar");
        argv.add(jar);
        argv.addAll(args);
        return ShellQuote.command(argv);
    }
}
