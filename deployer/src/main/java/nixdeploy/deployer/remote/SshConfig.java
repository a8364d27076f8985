package nixdeploy.deployer.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads ssh_config files for one host as OpenSSH's {@code readconf.c} does: the command line's
 * options first, then each file; the first value of a keyword wins (a few, such as IdentityFile,
 * add up); {@code Host} and {@code Match} blocks apply when they match; {@code Include} follows
 * globs, relative to {@code ~/.ssh} (or {@code /etc/ssh} in the system file). The destination's
 * host and user names are checked first ({@link SshNames}), since {@code Match exec} pastes them
 * into a shell command; each {@code Match exec} command runs once per configuration ({@link MatchExec}).
 */
public final class SshConfig {
    /** Keywords whose values add up instead of the first one winning. */
    static final Set<String> ADDING = Set.of("identityfile", "certificatefile", "localforward", "remoteforward",
            "dynamicforward", "sendenv");
    private static final int MAX_INCLUDE_DEPTH = 16;

    private final Path home;
    private final List<Path> files;
    private final MatchExec exec = new MatchExec();

    /**
     * @param home  the user's home ({@code ~})
     * @param files the configuration files in order: the user's first, then system-wide ones (what
     *              they set, directly or through Include, has {@link Origin#SYSTEM_FILE})
     */
    public SshConfig(Path home, List<Path> files) {
        this.home = home;
        this.files = List.copyOf(files);
    }

    /**
     * {@code ~/.ssh/config}, then {@code /etc/ssh/ssh_config}; one instance per run, so a
     * {@code Match exec} command runs once per run, not on every connection.
     */
    public static SshConfig standard() {
        return Standard.INSTANCE;
    }

    private static final class Standard {
        static final SshConfig INSTANCE = new SshConfig(Path.of(System.getProperty("user.home")),
                List.of(Path.of(System.getProperty("user.home"), ".ssh/config"), Path.of("/etc/ssh/ssh_config")));
    }

    /** Where a setting came from, the most specific first. */
    public enum Origin {
        COMMAND_LINE, USER_FILE, SYSTEM_FILE
    }

    public Path home() {
        return home;
    }

    /** The options that apply to {@code host}, the command line's first. */
    public Options resolve(String host, List<SshConfigLine> commandLine) {
        SshNames.checkHost(host);
        commandLine.stream().filter(l -> l.keyword().equals("user")).findFirst()
                .ifPresent(l -> SshNames.checkUser(l.value()));
        Options options = new Options();
        commandLine.forEach(line -> options.set(line, Origin.COMMAND_LINE));
        boolean wantFinal = new Pass(options, host.toLowerCase(Locale.ROOT), false).run();
        if (wantFinal) {
            new Pass(options, host.toLowerCase(Locale.ROOT), true).run();
        }
        return options;
    }

    /** What the lines that applied said, each keyword with its values and the line it came from. */
    public static final class Options {
        private final Map<String, List<String>> values = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Map<String, Origin> origins = new LinkedHashMap<>();

        void set(SshConfigLine line, Origin origin) {
            if (ADDING.contains(line.keyword())) {
                values.computeIfAbsent(line.keyword(), k -> new ArrayList<>()).addAll(line.args());
                sources.putIfAbsent(line.keyword(), line.source());
                origins.merge(line.keyword(), origin, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            } else if (!values.containsKey(line.keyword())) {
                values.put(line.keyword(), line.args());
                sources.put(line.keyword(), line.source());
                origins.put(line.keyword(), origin);
            }
        }

        /** Where {@code keyword}'s value came from; for an adding keyword, the most specific of its lines. */
        public Origin origin(String keyword) {
            return origins.get(keyword);
        }

        /** The first value set for {@code keyword} (lower case), or null. */
        public String first(String keyword) {
            List<String> v = values.get(keyword);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** All values of {@code keyword}: the words of its line, or every line's for an adding keyword. */
        public List<String> all(String keyword) {
            return values.getOrDefault(keyword, List.of());
        }

        /** Where {@code keyword} was set. */
        public String source(String keyword) {
            return sources.get(keyword);
        }

        public Set<String> keywords() {
            return values.keySet();
        }
    }

    /** One pass over the files (OpenSSH makes a second, final one when a {@code Match final} asks). */
    private final class Pass {
        private final Options options;
        private final String originalHost;
        private final boolean finalPass;
        private boolean wantFinal;

        Pass(Options options, String originalHost, boolean finalPass) {
            this.options = options;
            this.originalHost = originalHost;
            this.finalPass = finalPass;
        }

        boolean run() {
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                read(file, i == 0 ? home.resolve(".ssh") : file.toAbsolutePath().getParent(), true, 0,
                        i == 0 ? Origin.USER_FILE : Origin.SYSTEM_FILE);
            }
            return wantFinal;
        }

        /** Reads {@code file}; {@code active} is whether the block that included it applies. */
        private void read(Path file, Path includeBase, boolean active, int depth, Origin origin) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException e) {
                return;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read ssh config " + file + ": " + e.getMessage(), e);
            }
            boolean applies = active;
            for (int n = 0; n < lines.size(); n++) {
                SshConfigLine line = SshConfigLine.parse(lines.get(n), display(file) + " line " + (n + 1));
                if (line == null) {
                    continue;
                }
                switch (line.keyword()) {
                    case "host" -> applies = active && hostMatches(line);
                    case "match" -> applies = active && new MatchLine(line, context(), finalPass, exec).matches();
                    case "include" -> {
                        if (applies) {
                            include(line, includeBase, depth, origin);
                        }
                    }
                    default -> {
                        if (applies) {
                            options.set(line, origin);
                        }
                    }
                }
                if (line.keyword().equals("match") && line.args().stream()
                        .anyMatch(a -> a.equalsIgnoreCase("final") || a.equalsIgnoreCase("canonical"))) {
                    wantFinal = true;
                }
            }
        }

        private MatchLine.Context context() {
            String hostName = options.first("hostname");
            String host = hostName == null ? originalHost : hostName.replace("%h", originalHost);
            String user = options.first("user");
            String localUser = System.getProperty("user.name");
            int port = options.first("port") == null ? 22 : Integer.parseInt(options.first("port"));
            return new MatchLine.Context(host, originalHost, user == null ? localUser : user, localUser, port,
                    home);
        }

        private boolean hostMatches(SshConfigLine line) {
            String subject = finalPass ? context().host() : originalHost;
            boolean matched = false;
            for (String pattern : line.args()) {
                if (pattern.startsWith("!")) {
                    if (HostPatterns.glob(subject, pattern.substring(1))) {
                        return false;
                    }
                } else if (HostPatterns.glob(subject, pattern)) {
                    matched = true;
                }
            }
            return matched;
        }

        private void include(SshConfigLine line, Path base, int depth, Origin origin) {
            if (depth >= MAX_INCLUDE_DEPTH) {
                throw new IllegalArgumentException(line.source() + ": Include nested too deeply");
            }
            for (String pattern : line.args()) {
                String expanded = pattern.startsWith("~/") ? home.resolve(pattern.substring(2)).toString() : pattern;
                Path path = Path.of(expanded).isAbsolute() ? Path.of(expanded) : base.resolve(expanded);
                for (Path file : glob(path)) {
                    read(file, base, true, depth + 1, origin);
                }
            }
        }
    }

    /** The files {@code pattern} names, sorted, as glob(3) lists them; wildcards may be in any part. */
    static List<Path> glob(Path pattern) {
        List<Path> found = new ArrayList<>(List.of(pattern.getRoot() == null ? Path.of("") : pattern.getRoot()));
        for (Path part : pattern) {
            List<Path> next = new ArrayList<>();
            String name = part.toString();
            for (Path dir : found) {
                if (name.chars().noneMatch(c -> c == '*' || c == '?' || c == '[')) {
                    next.add(dir.resolve(name));
                    continue;
                }
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, name)) {
                    entries.forEach(next::add);
                } catch (IOException e) {
                    // an unreadable folder matches nothing, as with glob(3)
                }
            }
            next.sort(null);
            found = next;
        }
        return found.stream().filter(Files::isRegularFile).toList();
    }

    private String display(Path file) {
        Path abs = file.toAbsolutePath();
        return abs.startsWith(home) ? "~/" + home.relativize(abs) : abs.toString();
    }
}
