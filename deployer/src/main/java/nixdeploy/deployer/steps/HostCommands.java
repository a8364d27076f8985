package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.List;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.shell.ShellQuote;

/** Builds the shell commands run on a host; every word passes through {@link ShellQuote}. */
final class HostCommands {
    private HostCommands() {}

    /** Nix's serve protocol on stdin/stdout, allowed to import (see {@link StoreCopy}). */
    static String serve() {
        return ShellQuote.command(List.of("nix-store", "--serve", "--write"));
    }

    /** Builds a derivation that was copied to the host ({@code remoteBuild}). */
    static String realise(String derivation) {
        return ShellQuote.command(List.of("nix-store", "--realise", derivation));
    }

    /**
     * Runs the activator jar as the profile's user, through sudo when that is not the SSH user. With
     * {@code passwordOnStdin}, sudo reads the password from the first line of stdin ({@code -S}),
     * always ({@code -k}), so the rest of stdin reaches the activator intact.
     */
    static String activator(ProfilePlan plan, String sshUser, String profileUser, String jar, List<String> args,
            boolean passwordOnStdin) {
        return ShellQuote.command(activatorArgv(plan, sshUser, profileUser, jar, args, passwordOnStdin));
    }

    /**
     * The activator's command behind a gate: the host starts the shell now (a login shell's start-up
     * can take long) and runs the activator only once the first line of stdin is {@code go}. At end
     * of input instead, it runs nothing.
     */
    static String gatedActivator(ProfilePlan plan, String sshUser, String profileUser, String jar, List<String> args,
            boolean passwordOnStdin) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "IFS= read -r line && [ \"$line\" = go ] && exec \"$@\"",
                "nixdeploy-gate"));
        argv.addAll(activatorArgv(plan, sshUser, profileUser, jar, args, passwordOnStdin));
        return ShellQuote.command(argv);
    }

    private static List<String> activatorArgv(ProfilePlan plan, String sshUser, String profileUser, String jar,
            List<String> args, boolean passwordOnStdin) {
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
        return argv;
    }
}
