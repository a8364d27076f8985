package nixdeploy.deployer.steps;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshSettings;
import nixdeploy.deployer.remote.SshTarget;

/**
 * Where to connect for a profile, from its SSH settings. Every connection of a profile reads the
 * same options, so each warning about them is shown once.
 */
final class Targets {
    private final Console console;
    private final Set<String> shown = ConcurrentHashMap.newKeySet();

    Targets(Console console) {
        this.console = console;
    }

    /** Throws IllegalArgumentException for options that cannot be read. */
    SshTarget of(String host, String user, List<String> opts, String who) {
        Consumer<String> warn = warning -> {
            if (shown.add(who + "\n" + warning)) {
                console.warn(who, warning);
            }
        };
        SshTarget target = SshOptions.apply(SshTarget.of(host, user), opts, warn);
        SshSettings.forMessages(target).ifPresent(settings -> {
            settings.warnings().forEach(warn);
            settings.debugNotes().forEach(note -> console.debug(who, note));
        });
        return target;
    }
}
