package nixdeploy.deployer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;

/**
 * {@code --interactive}: what is about to go where, and a yes/no question on the terminal, asked
 * before anything is built, copied or connected to. Only "y" or "yes" goes on; anything else,
 * including an empty line or end of input, changes nothing.
 */
final class DeployPrompt {
    static final String QUESTION = "Deploy these profiles? [y/N] ";

    private DeployPrompt() {}

    /** One line per profile: node.profile, its store path, and where it goes. */
    static List<String> describe(List<ProfilePlan> plans) {
        List<String> lines = new ArrayList<>();
        lines.add("The following profiles are going to be deployed:");
        for (ProfilePlan plan : plans) {
            lines.add("  " + plan.name() + "  " + plan.storePath());
            lines.add("      to " + plan.sshUser().map(u -> u + "@").orElse("") + plan.hostname() + ", profile "
                    + profilePath(plan) + (plan.profileUser().isPresent() ? " of user " + plan.profileUser().get()
                    : " of the SSH user"));
        }
        return lines;
    }

    /** The profile path as the activator will choose it (README, "The profile path on the host"). */
    static String profilePath(ProfilePlan plan) {
        if (plan.explicitProfilePath().isPresent()) {
            return plan.explicitProfilePath().get();
        }
        String user = plan.profileUser().orElse(null);
        if ("root".equals(user)) {
            return plan.profile().equals("system") ? "/nix/var/nix/profiles/system"
                    : "/nix/var/nix/profiles/per-user/root/" + plan.profile();
        }
        return "/nix/var/nix/profiles/per-user/" + (user == null ? "<user>" : user) + "/" + plan.profile()
                + " (or ~/.local/state/nix/profiles/" + plan.profile() + ")";
    }

    static boolean isYes(String answer) {
        if (answer == null) {
            return false;
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    /**
     * Shows {@code plans} and asks; {@code ask} prints the question and returns the answer (null at
     * end of input). Without a terminal ({@code ask} is null) it refuses: a pipe or a CI job cannot
     * answer, and waiting on it would hang.
     */
    static boolean confirm(List<ProfilePlan> plans, java.util.function.Consumer<String> show,
            Function<String, String> ask) throws DeployException {
        if (ask == null) {
            throw new DeployException(ExitCode.BAD_INPUT, "--interactive asks on a terminal, and there is none "
                    + "(stdin or stdout is not a terminal); run deploy in one, or drop --interactive. Nothing was "
                    + "changed.");
        }
        describe(plans).forEach(show);
        return isYes(ask.apply(QUESTION));
    }
}
