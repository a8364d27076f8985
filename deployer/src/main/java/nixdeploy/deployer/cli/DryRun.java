package nixdeploy.deployer.cli;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.nix.ClosureDiff;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.steps.DryRunStep;

/**
 * {@code deploy --dry-run}, once the profiles are built: every host previewed side by side
 * ({@link DryRunStep}), then per profile what it points at now, what it would point at, the
 * closure difference and what would be copied. Exit 0 when every host answered.
 */
final class DryRun {
    private final DryRunStep step;
    private final Console console;
    private final boolean json;

    DryRun(DryRunStep step, Console console, boolean json) {
        this.step = step;
        this.console = console;
        this.json = json;
    }

    ExitCode run(List<ProfilePlan> plans) {
        List<DryRunStep.Preview> all = HostTask.eachHostAtOnce(plans, step::preview);
        all.forEach(this::show);
        console.plain("");
        console.plain("Dry run: nothing was copied, activated or changed.");
        return all.stream().map(DryRunStep.Preview::code).min(Comparator.comparingInt(ExitCode::urgency))
                .orElse(ExitCode.OK);
    }

    private void show(DryRunStep.Preview p) {
        String who = p.plan().name();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("node", p.plan().node());
        fields.put("hostname", p.plan().hostname());
        if (p.failure().isPresent()) {
            fields.put("error", p.failure().get());
            console.report("dryRun", who, fields, "cannot preview: " + p.failure().get());
            return;
        }
        fields.put("profilePath", p.profilePath());
        p.current().ifPresent(c -> fields.put("current", c));
        fields.put("new", p.plan().storePath());
        fields.put("changes", p.changes().stream().map(DryRun::change).toList());
        fields.put("copyPaths", p.copyPaths());
        fields.put("copyBytes", p.copyBytes());
        fields.put("closurePaths", p.closurePaths());
        if (json) {
            console.report("dryRun", who, fields, null);
            return;
        }
        console.info(who, p.profilePath() + " on " + p.plan().hostname());
        console.info(who, "  now: " + p.current().orElse("(no profile yet)"));
        console.info(who, "  new: " + p.plan().storePath()
                + (p.current().filter(p.plan().storePath()::equals).isPresent() ? " (the same)" : ""));
        p.changes().forEach(c -> console.info(who, "    " + c.line()));
        if (p.changes().isEmpty()) {
            console.info(who, "    no package changes");
        }
        console.info(who, "  " + p.wouldCopy());
    }

    private static Map<String, Object> change(ClosureDiff.Change c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("before", List.copyOf(c.removed()));
        m.put("after", List.copyOf(c.added()));
        m.put("sizeDelta", c.sizeDelta());
        m.put("line", c.line());
        return m;
    }
}
