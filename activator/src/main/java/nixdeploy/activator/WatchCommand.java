package nixdeploy.activator;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import nixdeploy.protocol.ActivatorExit;

/** {@code watch}: the internal entry point of the detached watcher process. */
final class WatchCommand {
    private static final Set<String> OPTIONS = Set.of("--profile", "--state-dir", "--deployment",
            "--activation-timeout", "--activator-pid");

    private WatchCommand() {}

    static ActivatorExit run(List<String> argv, Output out) throws ActivatorException, IOException {
        Args args = Args.parse(argv, OPTIONS, Set.of());
        Invocation inv = Invocation.open(args, out);
        long activatorPid;
        try {
            activatorPid = Long.parseLong(args.required("--activator-pid"));
        } catch (NumberFormatException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "--activator-pid takes a process id");
        }
        return Watcher.watch(inv, args.required("--deployment"), args.seconds("--activation-timeout", 240),
                activatorPid);
    }
}
