package nixdeploy.activator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import nixdeploy.activator.profile.HostClock;
import nixdeploy.activator.profile.Profile;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.ProfilePaths;
import nixdeploy.activator.profile.StateDir;
import nixdeploy.protocol.ActivatorExit;

/**
 * What every subcommand needs: the profile, its state folders, the output, the clock, and how to
 * lock. Journals (and the watcher's log) live in the persistent state folder of the user; the
 * runtime folder ({@code --state-dir}, the flake's {@code tempPath}) holds only what a running
 * watcher needs, so a temp path that a restart empties never loses a journal.
 */
final class Invocation {
    final Profile profile;
    final StateDir state;
    final StateDir runtime;
    final Output out;
    final HostClock clock;

    Invocation(Profile profile, StateDir state, StateDir runtime, Output out, HostClock clock) {
        this.profile = profile;
        this.state = state;
        this.runtime = runtime;
        this.out = out;
        this.clock = clock;
    }

    Invocation(Profile profile, StateDir state, Output out, HostClock clock) {
        this(profile, state, state, out, clock);
    }

    static Invocation open(Args args, Output out) throws ActivatorException {
        Profile profile = profile(args);
        StateDir state = openState(StateDir.defaultPath());
        Optional<String> runtime = args.option("--state-dir");
        return new Invocation(profile, state, runtime.isPresent() ? openState(Path.of(runtime.get())) : state, out,
                HostClock.SYSTEM);
    }

    private static StateDir openState(Path dir) throws ActivatorException {
        try {
            return StateDir.open(dir);
        } catch (IOException | SecurityException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT,
                    "cannot use state directory " + dir + ": " + e.getMessage());
        }
    }

    /** {@code --profile PATH}, or {@code --profile-name NAME} placed where deploy-rs would put it. */
    static Profile profile(Args args) throws ActivatorException {
        Optional<String> name = args.option("--profile-name");
        if (args.option("--profile").isPresent() || name.isEmpty()) {
            return profile(args.required("--profile"));
        }
        if (!name.get().matches("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}")) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "profile name '" + name.get() + "' is not allowed");
        }
        return new Profile(ProfilePaths.defaultPath(name.get()));
    }

    static Profile profile(String path) throws ActivatorException {
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("\0") || path.contains("/../")
                || path.contains("/./") || path.endsWith("/..") || path.endsWith("/.") || path.contains("//")) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT,
                    "profile must be a plain absolute path such as /nix/var/nix/profiles/system, not '" + path + "'");
        }
        return new Profile(Path.of(path));
    }

    /** The same profile with another state folder. */
    Invocation withState(StateDir other) {
        return new Invocation(profile, other, runtime, out, clock);
    }

    /**
     * The state folder of the profile's latest deployment when it is not this one (made under
     * another XDG_STATE_HOME, or by an activator that kept journals in the temp path), so that its
     * journal is settled before anything else happens.
     */
    Optional<Invocation> recordedElsewhere() throws ActivatorException, IOException {
        Path record = profile.stateRecord();
        if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path dir = Path.of(Files.readString(record, StandardCharsets.UTF_8).trim());
        if (dir.equals(state.path()) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(withState(openState(dir)));
    }

    /** Records that this state folder holds the profile's latest journal. Call with the lock held. */
    void recordState() throws IOException {
        Path record = profile.stateRecord();
        Path temp = record.resolveSibling(record.getFileName() + ".tmp");
        Files.writeString(temp, state.path() + "\n", StandardCharsets.UTF_8);
        Files.move(temp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Takes the profile's lock at once, or fails saying who holds it. */
    ProfileLock lockNow(String purpose) throws ActivatorException, IOException {
        Optional<ProfileLock> lock = ProfileLock.tryAcquire(lockFile(), purpose);
        if (lock.isEmpty()) {
            throw new ActivatorException(ActivatorExit.LOCKED, "profile " + profile + " on this host is being deployed by "
                    + ProfileLock.holder(profile.lockFile()));
        }
        return lock.get();
    }

    /** Waits a while for the profile's lock (a confirm may meet a rollback in progress). */
    ProfileLock lockPatiently(String purpose) throws ActivatorException, IOException {
        return lockWithin(purpose, Duration.ofSeconds(60));
    }

    /** The lock, waiting up to {@code patience}; fails saying who holds it. */
    ProfileLock lockWithin(String purpose, Duration patience) throws ActivatorException, IOException {
        Optional<ProfileLock> lock = ProfileLock.acquire(lockFile(), purpose, patience);
        if (lock.isEmpty()) {
            throw new ActivatorException(ActivatorExit.LOCKED, "profile " + profile + " stayed locked for "
                    + patience.toSeconds() + " s by " + ProfileLock.holder(profile.lockFile()));
        }
        return lock.get();
    }

    /** The lock file, its folder made first (the profile's folder, which Nix would make too). */
    Path lockFile() throws IOException {
        Files.createDirectories(profile.path().getParent());
        return profile.lockFile();
    }
}
