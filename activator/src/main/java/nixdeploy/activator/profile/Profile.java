package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import nixdeploy.nix.ProfileGeneration;

/**
 * A Nix profile on this host, read through its symlinks: {@code P -> P-N-link -> /nix/store/...}.
 * Reading needs no Nix command, so it works the same on Linux and macOS.
 */
public final class Profile {
    private final Path path;

    public Profile(Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    public Path path() {
        return path;
    }

    public String name() {
        return path.getFileName().toString();
    }

    /** The generation the profile points at, if it exists and is a generation link. */
    public Optional<Long> currentGeneration() throws IOException {
        if (!Files.isSymbolicLink(path)) {
            return Optional.empty();
        }
        Path target = Files.readSymbolicLink(path);
        return ProfileGeneration.number(name(), target.getFileName().toString());
    }

    public SortedSet<Long> generations() throws IOException {
        SortedSet<Long> numbers = new TreeSet<>();
        Path dir = path.getParent();
        if (!Files.isDirectory(dir)) {
            return numbers;
        }
        try (var entries = Files.list(dir)) {
            entries.forEach(p -> ProfileGeneration.number(name(), p.getFileName().toString())
                    .filter(n -> Files.isSymbolicLink(p))
                    .ifPresent(numbers::add));
        }
        return numbers;
    }

    public Path generationLink(long number) {
        return path.resolveSibling(ProfileGeneration.linkName(name(), number));
    }

    /**
     * Whether {@code nix-env --set storePath} would change nothing: the profile links to its
     * generation N exactly as Nix writes the link ({@code NAME-N-link}), N is the newest generation
     * as Nix counts them (any entry {@code NAME-<n>-link...}), and N points at {@code storePath}.
     * Nix then makes no new generation and links the profile to N again.
     */
    public boolean isAtNewest(String storePath) throws IOException {
        Optional<Long> current = currentGeneration();
        if (current.isEmpty()) {
            return false;
        }
        String own = ProfileGeneration.linkName(name(), current.get());
        if (!Files.readSymbolicLink(path).toString().equals(own)) {
            return false;
        }
        try (var entries = Files.list(path.getParent())) {
            if (entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(own))
                    .anyMatch(n -> ProfileGeneration.numberAsNixReads(name(), n)
                            .filter(number -> number >= current.get()).isPresent())) {
                return false;
            }
        }
        return generationTarget(current.get()).filter(storePath::equals).isPresent();
    }

    /** The store path generation {@code number} points at. */
    public Optional<String> generationTarget(long number) throws IOException {
        Path link = generationLink(number);
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        return Optional.of(Files.readSymbolicLink(link).toString());
    }

    /** When generation {@code number} was made: its link's own modification time. */
    public Optional<Long> generationTime(long number) throws IOException {
        Path link = generationLink(number);
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        return Optional.of(Files.getLastModifiedTime(link, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis());
    }

    /** The profile's activation script, when the current generation has one. */
    public Optional<Path> activationScript() {
        Path script = path.resolve("deploy-rs-activate");
        return Files.isRegularFile(script) && Files.isExecutable(script) ? Optional.of(script) : Optional.empty();
    }

    /**
     * The lock every deployment of this profile takes. It lives beside the profile, so that no
     * setting (a state folder, a temp path) can make two deployments take different locks. Nix's
     * own lock is {@code P.lock}; this one has another name.
     */
    public Path lockFile() {
        return path.resolveSibling(name() + ".nixdeploy-lock");
    }

    /** A file naming the state folder that holds the journal of the profile's latest deployment. */
    public Path stateRecord() {
        return path.resolveSibling(name() + ".nixdeploy-state");
    }

    public boolean exists() {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
