package nixdeploy.activator;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.Token;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;

/**
 * {@code confirm}, {@code rollback} and {@code status}: each takes the profile's lock, settles an
 * expired deployment first, then reads or moves the journal. Because the deadline is compared
 * under the lock, exactly one of a confirmation and a rollback wins.
 */
final class SettleCommands {
    private static final Set<String> OPTIONS = Set.of("--profile", "--profile-name", "--state-dir", "--reason",
            "--activation-timeout");

    private SettleCommands() {}

    static ActivatorExit confirm(List<String> argv, InputStream stdin, Output out)
            throws ActivatorException, IOException {
        Args args = Args.parse(argv, OPTIONS, Set.of());
        String token = token(stdin).orElseThrow(() ->
                new ActivatorException(ActivatorExit.BAD_INPUT, "confirm needs the deployment's token on stdin"));
        Invocation inv = Invocation.open(args, out);
        Event result = Confirmation.confirm(inv, token, args.seconds("--activation-timeout", 240));
        out.report(result, result.message);
        return ActivatorExit.fromCode(result.exitCode);
    }

    static ActivatorExit rollback(List<String> argv, InputStream stdin, Output out)
            throws ActivatorException, IOException {
        Args args = Args.parse(argv, OPTIONS, Set.of("--confirmed"));
        Optional<String> token = token(stdin);
        Invocation inv = Invocation.open(args, out);
        long activationTimeout = args.seconds("--activation-timeout", 240);
        try (ProfileLock lock = inv.lockPatiently("rollback")) {
            Optional<Journal> found = Recovery.settle(inv, activationTimeout);
            boolean undoConfirmed = args.flag("--confirmed") && found.isPresent()
                    && found.get().state == DeploymentState.CONFIRMED;
            if (undoConfirmed && (token.isEmpty() || !Token.matches(token.get(), found.get().tokenHash))) {
                throw new ActivatorException(ActivatorExit.BAD_INPUT, "undoing a confirmed deployment needs that "
                        + "deployment's token on stdin; nothing was changed");
            }
            if (found.isEmpty() || (found.get().state != DeploymentState.AWAITING && !undoConfirmed)) {
                throw new ActivatorException(ActivatorExit.NOTHING_PENDING, "no deployment of " + inv.profile
                        + " awaits confirmation" + found.map(j -> " (the last one is " + j.state + ": " + j.reason + ")")
                        .orElse(""));
            }
            Journal journal = found.get();
            if (token.isPresent() && !Token.matches(token.get(), journal.tokenHash)) {
                throw new ActivatorException(ActivatorExit.BAD_INPUT,
                        "the token does not belong to the deployment awaiting confirmation; nothing was changed");
            }
            String reason = args.option("--reason").orElse("requested");
            String done = Recovery.rollBack(inv, journal, activationTimeout, reason);
            if (journal.state == DeploymentState.SUPERSEDED) {
                throw new ActivatorException(ActivatorExit.NOTHING_PENDING, done);
            }
            out.report(result(journal, ActivatorExit.OK), done);
            return ActivatorExit.OK;
        }
    }

    static ActivatorExit status(List<String> argv, Output out) throws ActivatorException, IOException {
        Args args = Args.parse(argv, OPTIONS, Set.of("--watcher-log"));
        Invocation inv = Invocation.open(args, out);
        Optional<Journal> journal;
        try (ProfileLock lock = inv.lockPatiently("status")) {
            journal = Recovery.settle(inv, args.seconds("--activation-timeout", 240));
        }
        Event event = Event.of(EventType.RESULT).exitCode(0)
                .generation(inv.profile.currentGeneration().orElse(null));
        event.profile = inv.profile.path().toString();
        if (event.generation != null) {
            event.storePath = inv.profile.generationTarget(event.generation).orElse(null);
            event.generationTime = inv.profile.generationTime(event.generation).orElse(null);
        }
        if (journal.isEmpty()) {
            out.report(event, "no deployment of " + inv.profile + " recorded; current generation "
                    + inv.profile.currentGeneration().map(String::valueOf).orElse("none"));
            return ActivatorExit.OK;
        }
        Journal j = journal.get();
        if (j.state.isFinal()) {
            // a boot-time settle unit whose removal failed earlier has nothing left to do
            BootSettleUnit.system().remove(inv.profile);
        }
        event.state(j.state).previousGeneration(j.previousGeneration).deadline(j.deadline).deploymentId(j.deploymentId);
        event.time = j.updatedAt;
        if (args.flag("--watcher-log")) {
            event.watcherLog = WatcherLogTail.read(inv.state.watcherLog(inv.profile));
        }
        if (j.state == DeploymentState.AWAITING) {
            event.watcherAlive = j.watcherPid != null && ProcessHandle.of(j.watcherPid).map(ProcessHandle::isAlive)
                    .orElse(false);
        }
        String when = j.state == DeploymentState.AWAITING ? " until " + Instant.ofEpochMilli(j.deadline) : "";
        out.report(event, "last deployment of " + inv.profile + " (generation " + j.newGeneration + ", was "
                + j.previousGeneration + "): " + j.state + when + (j.reason == null ? "" : "; " + j.reason)
                + "; current generation " + inv.profile.currentGeneration().map(String::valueOf).orElse("none"));
        return ActivatorExit.OK;
    }

    private static Event result(Journal journal, ActivatorExit exit) {
        return Event.of(EventType.RESULT).state(journal.state).generation(journal.newGeneration)
                .previousGeneration(journal.previousGeneration).exitCode(exit.code);
    }

    private static Optional<String> token(InputStream stdin) throws ActivatorException {
        if (System.console() != null) {
            return Optional.empty();
        }
        try {
            return Token.read(stdin);
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, e.getMessage());
        }
    }
}
