package nixdeploy.activator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import nixdeploy.activator.profile.Profile;
import nixdeploy.activator.profile.ProfileLock;
import nixdeploy.activator.profile.ProfilePaths;
import nixdeploy.activator.profile.StateDir;
import nixdeploy.protocol.ActivatorExit;

/** What every subcommand needs: the profile, its state folder, the output, and how to lock. */
final class Invocation {
    final Profile profile;
    final StateDir state;
    final Output out;

    private Invocation(Profile profile, StateDir state, Output out) {
        this.profile = profile;
        this.state = state;
        this.out = out;
    }

    static Invocation open(Args args, Output out) throws ActivatorException {
        Profile profile = profile(args);
        Path dir = args.option("--state-dir").map(Path::of).orElse(StateDir.defaultPath());
        try {
            return new Invocation(profile, StateDir.open(dir), out);
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

    /** Takes the profile's lock at once, or fails saying who holds it. */
    ProfileLock lockNow(String purpose) throws ActivatorException, IOException {
        Optional<ProfileLock> lock = ProfileLock.tryAcquire(state.lockFile(profile), purpose);
        if (lock.isEmpty()) {
            throw new ActivatorException(ActivatorExit.LOCKED, "profile " + profile + " on this host is being deployed by "
                    + ProfileLock.holder(state.lockFile(profile)));
        }
        return lock.get();
    }

    /** Waits a while for the profile's lock (a confirm may meet a rollback in progress). */
    ProfileLock lockPatiently(String purpose) throws ActivatorException, IOException {
        Optional<ProfileLock> lock = ProfileLock.acquire(state.lockFile(profile), purpose,
                java.time.Duration.ofSeconds(60));
        if (lock.isEmpty()) {
            throw new ActivatorException(ActivatorExit.LOCKED, "profile " + profile
                    + " stayed locked for 60 s by " + ProfileLock.holder(state.lockFile(profile)));
        }
        return lock.get();
    }
}
