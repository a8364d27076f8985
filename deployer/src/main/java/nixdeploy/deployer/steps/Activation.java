package nixdeploy.deployer.steps;

import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.protocol.Event;

/** How the activate step ended: awaiting confirmation, finished with an outcome, or cut off. */
sealed interface Activation {
    /**
     * The new generation is live and the host awaits its confirmation until its deadline;
     * {@code exit} completes when the activator exits. {@code pending} is how Ctrl-C reaches it;
     * the confirm step removes it once settled.
     */
    record Awaiting(Invocation invocation, Event event, long seenAt, CompletableFuture<Integer> exit,
            RemoteHost.RemoteProcess process, PendingRollbacks.Entry pending) implements Activation {
        Awaiting registered(PendingRollbacks.Entry entry) {
            return new Awaiting(invocation, event, seenAt, exit, process, entry);
        }
    }

    /** The activator finished (or never started): its outcome is final. */
    record Ended(Outcome outcome) implements Activation {
    }

    /**
     * The connection broke, or the activator took too long, after the activation may have begun:
     * only the host can say how it ended, by {@code settledBy} (epoch millis) at the latest.
     */
    record Lost(Invocation invocation, String why, long settledBy) implements Activation {
    }
}
