package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.List;
import nixdeploy.deployer.config.ProfilePlan;

/** The activator's arguments for each of its subcommands. */
final class ActivatorArgs {
    private ActivatorArgs() {}

    /** {@code activate}; without profilePath the activator places the profile itself (deploy-rs's rules). */
    static List<String> activate(ProfilePlan plan, ProfileDeployer.Mode mode, String deploymentId) {
        List<String> args = new ArrayList<>(plan.explicitProfilePath().isEmpty()
                ? List.of("activate", "--profile-name", plan.profile())
                : List.of("activate", "--profile", plan.explicitProfilePath().get()));
        args.addAll(List.of("--deployment-id", deploymentId));
        args.addAll(mode.rollbackTo().isPresent() ? List.of("--generation", mode.rollbackTo().get())
                : List.of("--closure", plan.storePath()));
        args.addAll(List.of("--activation-timeout",
                Integer.toString(plan.activationTimeout()), "--confirm-timeout", Integer.toString(plan.confirmTimeout())));
        if (magicRollback(plan, mode)) {
            args.add("--magic-rollback");
        }
        if (plan.autoRollback()) {
            args.add("--auto-rollback");
        }
        if (mode.dryActivate()) {
            args.add("--dry-activate");
        }
        if (mode.boot()) {
            args.add("--boot");
        }
        stateDir(plan, args);
        return args;
    }

    /** {@code confirm}, {@code rollback} or {@code status} of the profile at {@code profilePath}. */
    static List<String> settle(String subcommand, ProfilePlan plan, String profilePath, List<String> extra) {
        List<String> args = new ArrayList<>(List.of(subcommand, "--profile", profilePath, "--activation-timeout",
                Integer.toString(plan.activationTimeout())));
        stateDir(plan, args);
        args.addAll(extra);
        return args;
    }

    /** Magic rollback cannot confirm a dry or boot-only activation. */
    static boolean magicRollback(ProfilePlan plan, ProfileDeployer.Mode mode) {
        return plan.magicRollback() && !mode.dryActivate() && !mode.boot();
    }

    private static void stateDir(ProfilePlan plan, List<String> args) {
        plan.tempPath().ifPresent(t -> {
            args.add("--state-dir");
            args.add(t);
        });
    }
}
