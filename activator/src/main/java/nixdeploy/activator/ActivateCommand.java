package nixdeploy.activator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nixdeploy.activator.profile.ActivationMode;
import nixdeploy.activator.profile.ActivationScript;
import nixdeploy.activator.profile.CommandRunner;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.JournalStore;
import nixdeploy.activator.profile.NixEnv;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.Token;
import nixdeploy.nix.StorePath;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentId;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;

/** {@code activate}: switch the profile, run its activation, and start the confirmation watcher. */
final class ActivateCommand {
    private static final Set<String> OPTIONS = Set.of("--profile", "--profile-name", "--closure", "--activation-timeout",
            "--confirm-timeout", "--state-dir", "--deployment-id", "--generation");
    private static final Set<String> FLAGS = Set.of("--magic-rollback", "--auto-rollback", "--dry-activate", "--boot");

    private ActivateCommand() {}

    /**
     * Starts the watcher of a magic-rollback activation before its go, so that the watcher's JVM
     * boots while the deployer still copies, not while the profile is switched. It stands by while
     * this process lives and leaves when it exits without recording the deployment (no go, a refusal).
     * Empty when the arguments call for no watcher or it cannot start: the activation then starts one
     * itself, and reports what is wrong.
     */
    static Optional<Watcher.Launched> startWatcherEarly(List<String> argv, Output out) {
        try {
            Args args = Args.parse(argv, OPTIONS, FLAGS);
            Optional<String> id = args.option("--deployment-id");
            if (!args.flag("--magic-rollback") || args.flag("--dry-activate") || args.flag("--boot")
                    || args.option("--generation").isPresent() || args.option("--closure").isEmpty()
                    || id.isEmpty() || !DeploymentId.isValid(id.get())) {
                return Optional.empty();
            }
            Invocation inv = Invocation.open(args, out);
            return Optional.of(Watcher.launch(inv, id.get(), args.seconds("--activation-timeout", 240)));
        } catch (ActivatorException | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static ActivatorExit run(List<String> argv, InputStream stdin, Output out) throws ActivatorException, IOException {
        return run(argv, stdin, out, Optional.empty());
    }

    static ActivatorExit run(List<String> argv, InputStream stdin, Output out, Optional<Watcher.Launched> early)
            throws ActivatorException, IOException {
        Args args = Args.parse(argv, OPTIONS, FLAGS);
        boolean magic = args.flag("--magic-rollback");
        boolean auto = args.flag("--auto-rollback");
        ActivationMode mode = mode(args, magic);
        long activationTimeout = args.seconds("--activation-timeout", 240);
        long confirmTimeout = args.seconds("--confirm-timeout", 30);
        Optional<String> back = args.option("--generation");
        String closure = back.isPresent() ? null : closure(args.required("--closure"));
        refuseGenerationWith(args, mode);
        Invocation.profile(args);
        String token = magic ? readToken(stdin) : null;
        if (mode == ActivationMode.DRY_ACTIVATE) {
            requireInStore(closure);
            return dryActivate(closure, activationTimeout, out);
        }
        Invocation inv = Invocation.open(args, out);
        if (back.isPresent()) {
            resolveGeneration(inv, back.get()); // refused before a watcher starts
        }
        // started first (or before the go), the watcher's JVM boots while this one checks, switches and activates
        String deploymentId = deploymentId(args);
        Optional<Watcher.Launched> started = early.filter(w -> Watcher.guards(w, inv, deploymentId));
        Watcher.Launched watcher = null;
        Optional<Watcher.Ready> startedReady = Optional.empty();
        if (magic && started.isPresent()) {
            try {
                startedReady = Watcher.readyNow(started.get());  // else it still boots, checked after the activation
                watcher = started.get();
            } catch (IOException e) {
                inv.out.say("the watcher started before the go does not run (" + e.getMessage() + "); starting another");
            }
        }
        if (magic && watcher == null) {
            watcher = startWatcher(inv, deploymentId, activationTimeout);
        }
        if (closure != null) {
            requireInStore(closure);
        }
        try {
            Files.createDirectories(inv.profile.path().getParent());
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT,
                    "cannot create the folder of profile " + inv.profile + ": " + e.getMessage());
        }
        try (ProfileLock lock = inv.lockNow("activate " + (closure != null ? closure : "generation " + back.get()))) {
            refuseIfPending(inv, Recovery.settle(inv, activationTimeout));
            refuseForeignProfile(inv);
            // resolved again under the lock: "previous" means previous to what is current now
            Optional<GenerationTarget> target = back.isPresent()
                    ? Optional.of(resolveGeneration(inv, back.get())) : Optional.empty();
            String to = target.map(GenerationTarget::storePath).orElse(closure);
            Journal journal = begin(inv, deploymentId, to, magic, auto, mode == ActivationMode.BOOT);
            try {
                switchProfile(inv, journal, to, target, activationTimeout);
                if (!activate(inv, journal, mode, target.isPresent(), activationTimeout)) {
                    return fail(inv, journal, activationTimeout);
                }
                return magic ? awaitConfirmation(inv, journal, token, confirmTimeout, activationTimeout, watcher,
                        startedReady) : finish(inv, journal, activationTimeout);
            } catch (IOException | RuntimeException e) {
                throw undoAfterError(inv, journal, activationTimeout, e);
            }
        }
    }

    private static ActivationMode mode(Args args, boolean magic) throws ActivatorException {
        boolean dry = args.flag("--dry-activate");
        boolean boot = args.flag("--boot");
        if (dry && boot) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "--dry-activate and --boot exclude each other");
        }
        if (magic && (dry || boot)) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "magic rollback cannot confirm a "
                    + (dry ? "dry activation" : "boot-only activation") + "; leave out --magic-rollback");
        }
        return dry ? ActivationMode.DRY_ACTIVATE : boot ? ActivationMode.BOOT : ActivationMode.SWITCH;
    }

    /** Going back to a generation is a switch, confirmed as any: not a dry or boot-only activation. */
    private static void refuseGenerationWith(Args args, ActivationMode mode) throws ActivatorException {
        if (args.option("--generation").isPresent() && (args.option("--closure").isPresent()
                || mode != ActivationMode.SWITCH)) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT,
                    "--generation excludes --closure, --dry-activate and --boot");
        }
    }

    private static String closure(String path) throws ActivatorException {
        try {
            return StorePath.parse(path).toString();
        } catch (IllegalArgumentException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "closure " + e.getMessage());
        }
    }

    private static String readToken(InputStream stdin) throws ActivatorException {
        try {
            return Token.read(stdin).orElseThrow(() -> new IOException("no confirmation token on stdin"));
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, e.getMessage());
        }
    }

    private static void requireInStore(String closure) throws ActivatorException {
        boolean valid;
        try {
            valid = NixEnv.isValidStorePath(closure);
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT,
                    "cannot run nix-store (is Nix installed and on PATH?): " + e.getMessage());
        }
        if (!valid) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "closure " + closure
                    + " is not a valid path in this host's Nix store; copy it first");
        }
    }

    /**
     * The generation to go back to, refused when its store path is gone (collected, or the link
     * made by hand): switching to it would leave the profile dangling, and confirmed at that.
     */
    private static GenerationTarget resolveGeneration(Invocation inv, String spec) throws ActivatorException,
            IOException {
        GenerationTarget target = GenerationTarget.resolve(inv.profile, spec);
        boolean valid;
        try {
            valid = NixEnv.isValidStorePath(target.storePath());
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT,
                    "cannot run nix-store (is Nix installed and on PATH?): " + e.getMessage());
        }
        if (!valid) {
            throw new ActivatorException(ActivatorExit.NO_SUCH_GENERATION, "generation " + target.generation()
                    + " of " + inv.profile + " points at " + target.storePath() + ", which is not a valid path in "
                    + "this host's Nix store (garbage-collected?); nothing to go back to. Nothing was changed.");
        }
        return target;
    }

    private static ActivatorExit dryActivate(String closure, long timeout, Output out) throws IOException {
        Optional<CommandRunner.Outcome> outcome = ActivationScript.run(Path.of(closure), ActivationMode.DRY_ACTIVATE,
                timeout, line -> out.event(Event.of(EventType.OUTPUT).line(line)));
        if (outcome.isPresent() && !outcome.get().ok()) {
            out.report(Event.of(EventType.RESULT).state(DeploymentState.FAILED)
                    .exitCode(ActivatorExit.ACTIVATION_FAILED.code), "dry activation failed: " + describe(outcome.get()));
            return ActivatorExit.ACTIVATION_FAILED;
        }
        out.report(Event.of(EventType.RESULT).exitCode(0), outcome.isPresent()
                ? "dry activation of " + closure + " succeeded; nothing was changed"
                : closure + " has no activation script; nothing to dry-activate");
        return ActivatorExit.OK;
    }

    private static void refuseIfPending(Invocation inv, Optional<Journal> journal) throws ActivatorException {
        if (journal.isPresent() && journal.get().state == DeploymentState.AWAITING) {
            throw new ActivatorException(ActivatorExit.LOCKED, "profile " + inv.profile
                    + " is awaiting confirmation of generation " + journal.get().newGeneration + " until "
                    + Instant.ofEpochMilli(journal.get().deadline) + "; wait for it, or run the activator's rollback");
        }
    }

    /** A path that exists but is no generation link is not ours to replace, nor to delete on rollback. */
    private static void refuseForeignProfile(Invocation inv) throws ActivatorException, IOException {
        if (inv.profile.exists() && inv.profile.currentGeneration().isEmpty()) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, inv.profile + " exists but is not a Nix profile "
                    + "(a link to a generation such as " + inv.profile.name() + "-1-link); move it away or choose "
                    + "another profilePath. Nothing was changed.");
        }
    }

    /** The deployer's id for this deployment (so it can tell its journal from an older one), or a new one. */
    private static String deploymentId(Args args) throws ActivatorException {
        Optional<String> given = args.option("--deployment-id");
        if (given.isPresent() && !DeploymentId.isValid(given.get())) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "--deployment-id must be 16 lowercase hex digits");
        }
        return given.orElseGet(DeploymentId::random);
    }

    private static Journal begin(Invocation inv, String deploymentId, String closure, boolean magic, boolean auto,
            boolean boot) throws IOException {
        Journal journal = new Journal();
        journal.deploymentId = deploymentId;
        journal.profile = inv.profile.toString();
        journal.closure = closure;
        journal.previousGeneration = inv.profile.currentGeneration().orElse(null);
        journal.previousTarget = journal.previousGeneration == null ? null
                : inv.profile.generationTarget(journal.previousGeneration).orElse(null);
        journal.autoRollback = auto;
        journal.magicRollback = magic;
        journal.state = DeploymentState.ACTIVATING;
        journal.generationsBefore = new java.util.ArrayList<>(inv.profile.generations());
        journal.boot = boot;
        journal.startedAt = inv.clock.wallMillis();
        inv.state.journal(inv.profile).write(journal);
        inv.recordState();
        return journal;
    }

    private static Watcher.Launched startWatcher(Invocation inv, String deploymentId, long activationTimeout)
            throws ActivatorException {
        try {
            return Watcher.launch(inv, deploymentId, activationTimeout);
        } catch (IOException e) {
            throw new ActivatorException(ActivatorExit.SWITCH_FAILED, "the confirmation watcher could not start: "
                    + e.getMessage() + "; the profile is unchanged");
        }
    }

    private static void switchProfile(Invocation inv, Journal journal, String closure,
            Optional<GenerationTarget> target, long activationTimeout) throws IOException, ActivatorException {
        JournalStore store = inv.state.journal(inv.profile);
        try {
            if (target.isPresent()) {
                NixEnv.switchGeneration(inv.profile, target.get().generation());
            } else if (!inv.profile.isAtNewest(closure)) {
                // else a redeploy of the profile as it is: nix-env would link it to the same generation again
                NixEnv.set(inv.profile, closure);
            }
        } catch (IOException e) {
            throw switchFailed(inv, journal, closure, activationTimeout, e);
        }
        journal.newGeneration = inv.profile.currentGeneration()
                .orElseThrow(() -> new IOException("nix-env --set left " + inv.profile + " without a generation"));
        journal.createdGeneration = !journal.generationsBefore.contains(journal.newGeneration);
        store.write(journal);
        Event switched = Event.of(EventType.SWITCHED).generation(journal.newGeneration)
                .previousGeneration(journal.previousGeneration);
        switched.profile = inv.profile.toString();
        inv.out.report(switched, "switched " + inv.profile + " to generation "
                + journal.newGeneration + (journal.previousGeneration == null ? " (first generation)"
                : " (was " + journal.previousGeneration + ")"));
    }

    /** nix-env failed, perhaps after it switched (killed at its time limit): read the profile, not the error. */
    private static ActivatorException switchFailed(Invocation inv, Journal journal, String closure,
            long activationTimeout, IOException e) throws IOException, ActivatorException {
        String what = "could not switch " + inv.profile + " to " + closure + " (" + e.getMessage() + ")";
        Recovery.findUnrecordedGeneration(inv, journal);
        if (journal.newGeneration == null) {
            journal.state = DeploymentState.FAILED;
            journal.reason = what + "; the profile is unchanged";
            inv.state.journal(inv.profile).write(journal);
            return new ActivatorException(ActivatorExit.SWITCH_FAILED, journal.reason);
        }
        String done = Recovery.rollBack(inv, journal, activationTimeout, what + " after switching to generation "
                + journal.newGeneration);
        return new ActivatorException(ActivatorExit.SWITCH_FAILED, done);
    }

    /**
     * Something unexpected broke the deployment after it began (an error running a command, a
     * full disk at a journal write): undo it as its journal says, or say truthfully what was left.
     */
    private static ActivatorException undoAfterError(Invocation inv, Journal journal, long activationTimeout,
            Exception e) throws ActivatorException {
        String what = "the deployment of " + inv.profile + " broke off: " + e;
        if (journal.state.isFinal()) {
            return new ActivatorException(ActivatorExit.INTERNAL_ERROR, what + "; it had ended as " + journal.state);
        }
        try {
            if (journal.newGeneration == null || !(journal.autoRollback || journal.magicRollback)) {
                journal.state = DeploymentState.FAILED;
                journal.reason = what + (journal.newGeneration == null ? "; the profile was not switched"
                        : "; auto rollback is off, so generation " + journal.newGeneration + " stays active");
                Recovery.record(inv, journal);
                return new ActivatorException(ActivatorExit.ACTIVATION_FAILED, journal.reason, e);
            }
            String done = Recovery.rollBack(inv, journal, activationTimeout, what);
            return new ActivatorException(journal.state == DeploymentState.ROLLED_BACK
                    ? ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK : ActivatorExit.ACTIVATION_FAILED, done, e);
        } catch (IOException secondary) {
            return new ActivatorException(ActivatorExit.ROLLBACK_FAILED, what + "; undoing it failed too: "
                    + secondary.getMessage(), e);
        }
    }

    /**
     * Runs the activation. An existing generation (going back to it) may be a bare NixOS system,
     * activated as a rollback activates it; with magic rollback it becomes the boot default only once
     * confirmed, as {@code lib.activate.nixos} profiles do.
     */
    private static boolean activate(Invocation inv, Journal journal, ActivationMode mode, boolean existingGeneration,
            long timeout) throws IOException {
        Optional<CommandRunner.Outcome> outcome;
        Path root = inv.profile.path();
        java.util.function.Consumer<String> lines = line -> inv.out.event(Event.of(EventType.OUTPUT).line(line));
        try {
            if (existingGeneration) {
                journal.bareNixosTest = journal.magicRollback && ActivationScript.isBareNixos(root);
                inv.state.journal(inv.profile).write(journal);
                outcome = ActivationScript.runOrSwitchNixos(root, mode, journal.magicRollback, timeout, lines,
                        script -> record(inv, journal, script));
            } else {
                outcome = ActivationScript.run(root, mode, timeout, lines, script -> record(inv, journal, script));
            }
        } catch (IOException e) {
            journal.reason = "activation script could not run: " + e.getMessage();
            return false;
        }
        if (outcome.isPresent() && !outcome.get().ok()) {
            journal.reason = "activation script " + describe(outcome.get());
            return false;
        }
        inv.out.report(Event.of(EventType.ACTIVATED).generation(journal.newGeneration), outcome.isPresent()
                ? "activated generation " + journal.newGeneration : "no activation script; switching was all");
        return true;
    }

    /** Records the script's process, so that if this activator dies, whoever settles can stop it first. */
    private static void record(Invocation inv, Journal journal, ProcessHandle script) {
        journal.activationPid = script.pid();
        journal.activationStartedAt = script.info().startInstant().map(Instant::toEpochMilli).orElse(null);
        try {
            inv.state.journal(inv.profile).write(journal);
        } catch (IOException e) {
            inv.out.say("warning: could not record the activation script's process: " + e.getMessage());
        }
    }

    private static ActivatorExit fail(Invocation inv, Journal journal, long timeout) throws ActivatorException,
            IOException {
        String why = journal.reason;
        if (journal.autoRollback || journal.magicRollback) {
            // with magic rollback, an unconfirmed generation never stays live, whatever autoRollback says
            String done = Recovery.rollBack(inv, journal, timeout, why + (journal.autoRollback ? ""
                    : " (auto rollback is off, but magic rollback never leaves an unconfirmed generation live)"));
            ActivatorExit exit = journal.state == DeploymentState.ROLLED_BACK
                    ? ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK : ActivatorExit.ACTIVATION_FAILED;
            inv.out.report(Event.of(EventType.RESULT).state(journal.state)
                    .generation(journal.previousGeneration).exitCode(exit.code), done);
            return exit;
        }
        journal.state = DeploymentState.FAILED;
        inv.state.journal(inv.profile).write(journal);
        inv.out.report(Event.of(EventType.RESULT).state(DeploymentState.FAILED).generation(journal.newGeneration)
                .exitCode(ActivatorExit.ACTIVATION_FAILED.code), why + "; auto rollback is off, so generation "
                + journal.newGeneration + " stays active");
        return ActivatorExit.ACTIVATION_FAILED;
    }

    private static ActivatorExit awaitConfirmation(Invocation inv, Journal journal, String token, long confirmTimeout,
            long activationTimeout, Watcher.Launched watcher, Optional<Watcher.Ready> readyBefore)
            throws IOException, ActivatorException {
        Watcher.Ready ready;
        try {
            ready = readyBefore.isPresent() ? Watcher.stillRunning(readyBefore.get(), watcher)
                    : Watcher.awaitReady(watcher);
        } catch (IOException e) {
            String done = Recovery.rollBack(inv, journal, activationTimeout,
                    "the confirmation watcher could not start (" + e.getMessage() + ")");
            throw new ActivatorException(ActivatorExit.ROLLED_BACK, done, e);
        }
        installBootSettle(inv, activationTimeout);
        // the deadline counts from now, when the watcher is known to run
        journal.tokenHash = Token.hash(token);
        journal.openWindow(inv.clock, confirmTimeout);
        journal.watcherPid = ready.pid();
        inv.state.journal(inv.profile).write(journal);
        Event awaiting = Event.of(EventType.AWAITING_CONFIRMATION).generation(journal.newGeneration)
                .previousGeneration(journal.previousGeneration).deadline(journal.deadline)
                .state(DeploymentState.AWAITING);
        awaiting.confirmSocket = ready.socket().orElse(null);
        inv.out.report(awaiting, "waiting " + confirmTimeout + " s for confirmation of generation "
                + journal.newGeneration + "; it rolls back to " + (journal.previousGeneration == null
                ? "no profile" : "generation " + journal.previousGeneration) + " at " + Instant.ofEpochMilli(journal.deadline));
        return ActivatorExit.OK;
    }

    /** Where it can, makes sure a restart inside the window rolls back right after boot. */
    private static void installBootSettle(Invocation inv, long activationTimeout) {
        BootSettleUnit unit = BootSettleUnit.system();
        if (!unit.possible(System.getProperty("user.name"))) {
            return;
        }
        try {
            unit.install(inv.profile, Main.command("status", "--profile", inv.profile.toString(),
                    "--activation-timeout", Long.toString(activationTimeout)), System.getenv());
        } catch (IOException | IllegalArgumentException e) {
            inv.out.say("warning: could not install " + unit.unitFile(inv.profile) + " (" + e.getMessage()
                    + "): if the host restarts before the confirmation, the next deployment or status rolls back");
        }
    }

    private static ActivatorExit finish(Invocation inv, Journal journal, long activationTimeout)
            throws ActivatorException {
        journal.state = DeploymentState.CONFIRMED;
        Recovery.record(inv, journal);
        Optional<String> stepFailed = Confirmation.runConfirmedStep(inv, journal, activationTimeout);
        ActivatorExit exit = stepFailed.isEmpty() ? ActivatorExit.OK : ActivatorExit.CONFIRMED_STEP_FAILED;
        inv.out.report(Event.of(EventType.RESULT).state(DeploymentState.CONFIRMED).generation(journal.newGeneration)
                .exitCode(exit.code), "generation " + journal.newGeneration + " of " + inv.profile
                + " is active (magic rollback off)" + stepFailed.orElse(""));
        return exit;
    }

    static String describe(CommandRunner.Outcome outcome) {
        return outcome.timedOut() ? "timed out and was stopped" : "exited with status " + outcome.exitCode();
    }
}
