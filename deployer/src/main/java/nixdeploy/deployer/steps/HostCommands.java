package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.List;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.protocol.ActivatorJvm;
import nixdeploy.shell.ShellQuote;

/** Builds the shell commands run on a host; every word passes through {@link ShellQuote}. */
final class HostCommands {
    /** How the shell in front of sudo exits when sudo refused the password; nothing ran. */
    static final int SUDO_PASSWORD_REFUSED = 99;

    /*
     * Only `sudo -v` reads the password, from a pipe of its own: a NOPASSWD rule leaves it unread,
     * and a wrong one cannot make sudo read on into the token. `sudo -n` then runs on the timestamp
     * that -v left, which sudo ties to its parent process when there is no tty: both must be
     * children of this shell, so the command is not exec'd (nor last, where a shell may exec it).
     */
    private static final String SUDO_AFTER_PASSWORD = "IFS= read -r password || exit " + SUDO_PASSWORD_REFUSED
            + "; printf '%s\\n' \"$password\" | \"$1\" -S -p '' -v || exit " + SUDO_PASSWORD_REFUSED
            + "; \"$@\"; exit $?";

    private HostCommands() {}

    /**
     * {@code --checksigs}: the host checks the paths (appended) are signed by a key it trusts,
     * without re-hashing their contents (the import just checked those against their NAR hashes).
     */
    static final List<String> VERIFY_SIGNATURES = List.of("nix", "--extra-experimental-features", "nix-command",
            "store", "verify", "--no-contents");

    /** Nix's serve protocol on stdin/stdout, allowed to import (see {@link StoreCopy}). */
    static String serve() {
        return ShellQuote.command(List.of("nix-store", "--serve", "--write"));
    }

    /** Builds a derivation that was copied to the host ({@code remoteBuild}). */
    static String realise(String derivation) {
        return ShellQuote.command(List.of("nix-store", "--realise", derivation));
    }

    /**
     * Runs the activator jar as the profile's user, through sudo when that is not the SSH user. With
     * {@code passwordOnStdin}, the first line of stdin is sudo's password: a shell hands it to
     * {@code sudo -v} alone, exits {@link #SUDO_PASSWORD_REFUSED} if sudo refuses it, and runs the
     * activator with {@code sudo -n}, so the rest of stdin reaches the activator intact.
     */
    static String activator(ProfilePlan plan, String sshUser, String profileUser, ActivatorLaunch launch,
            List<String> args, boolean passwordOnStdin) {
        return ShellQuote.command(activatorArgv(plan, sshUser, profileUser, launch, args, passwordOnStdin));
    }

    /** Stands for the java in a gated command: the gate's go line names it. */
    static final String JAVA_FROM_GO = "@nixdeploy-java@";

    /*
     * Waits for "go JAVA", then runs its arguments with JAVA for each JAVA_FROM_GO. At end of input,
     * or any other line, it runs nothing.
     */
    private static final String GATE = "IFS= read -r line && case $line in 'go '?*) ;; *) exit 1 ;; esac && "
            + "java=${line#go } && n=$# && for a in \"$@\"; do [ \"$a\" = " + JAVA_FROM_GO
            + " ] && a=$java; set -- \"$@\" \"$a\"; done && shift $n && exec \"$@\"";

    /**
     * The activator's command behind a gate: the host starts the shell now (a login shell's start-up
     * can take long) and runs the activator only once the first line of stdin is {@link #go}, which
     * names the java to run it with. With {@code probe}, the shell first answers, up to
     * {@link HostJava#END}: {@link HostJava}'s probe (unless the profile names its {@code javaPath})
     * and whether the activator could start now ({@link #ACTIVATOR_THERE}: its jar is there, and the
     * profile's java if it names one). One command for both saves a channel and a round trip.
     */
    static String gatedActivator(ProfilePlan plan, String sshUser, String profileUser, String jar,
            List<String> args, boolean passwordOnStdin, boolean probe) {
        String startable = "[ -e " + ShellQuote.quote(jar) + " ]"
                + plan.javaPath().map(java -> " && [ -x " + ShellQuote.quote(java) + " ]").orElse("");
        String script = (probe ? (plan.javaPath().isEmpty() ? HostJava.SCRIPT + "; " : "") + "if " + startable
                + "; then echo " + ACTIVATOR_THERE + "; fi; echo " + HostJava.END + "; " : "") + GATE;
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "nixdeploy-gate"));
        List<String> awaiting = new ArrayList<>(List.of(AWAIT_GO));
        awaiting.addAll(args);
        argv.addAll(activatorArgv(plan, sshUser, profileUser, ActivatorLaunch.with(JAVA_FROM_GO, jar), awaiting,
                passwordOnStdin));
        return ShellQuote.command(argv);
    }

    /**
     * The activator's first argument in a gated command: it starts on the gate's go, then waits
     * for its own line {@code go} (see {@link #activatorGo}) before it reads or changes anything.
     * So when its jar is already on the host, the deployer opens the gate during the copy and the
     * JVM boots meanwhile, off the critical path.
     */
    static final String AWAIT_GO = "--await-go";

    /** What the probe prints when the activator could start at once: its jar (and named java) are there. */
    static final String ACTIVATOR_THERE = "activator=present";

    /** The activator's own go, after the gate's (and sudo's password, if any). */
    static String activatorGo() {
        return "go\n";
    }

    /** The gate's first line: run the activator with {@code java}. */
    static String go(String java) {
        if (java.contains("\n")) {
            throw new IllegalArgumentException("the java path '" + java + "' has a line break");
        }
        return "go " + java + "\n";
    }

    /** Root's activator state folder on hosts, where its class-data archives live (see {@link #WITH_CDS}). */
    static final String ROOT_STATE = "/nix/var/nixdeploy";

    /*
     * Runs java ($4 on) with a class-data archive (AppCDS) of the activator jar $3, which saves its
     * JVMs (activator, watcher) most of their class loading: as root logged in as root only (never
     * through sudo), from $2/cds, and only
     * while that folder and $2 are root's alone (mode 0700, no ACL: nobody else can plant an
     * archive that a root JVM maps). Without an archive, after an activation ($1 = train) that
     * succeeded, a JVM of its own, in the background and niced, loads the jar's classes, rehearses
     * an activation in $d/training (a throwaway profile, removed again), and writes the archive
     * as it exits, renamed into place once complete. One training at a time: $d/training is its
     * lock too (made by mkdir), owned by the training's process (its pid and the boot's id in
     * $d/training/owner), so the activations of deploys that follow while it runs start no other
     * that would remove its files, however long it takes; a lock whose process is gone (killed,
     * or the host restarted) is removed by the next activation. The activation's own JVM never dumps (a
     * JDK whose base archive is missing refuses to start with -XX:ArchiveClassesAtExit, and a dump
     * that fails would change its exit status). A training that failed is retried a day later at
     * the earliest (a full disk passes; a JDK that cannot dump costs a niced JVM a day). A missing,
     * stale or damaged archive is skipped by the JVM itself (-Xshare:auto, checksums verified); its
     * name changes with the JDK's release file, so an updated JDK makes a new one; the cds logging
     * that would reach stdout, where the events go, is off.
     */
    static final String WITH_CDS = "m=$1 s=$2 jar=$3 j=$4; shift 3; d=$s/cds; "
            + "mine() { ls -ldn \"$1\" 2>/dev/null | awk '$1 ~ /^drwx------\\.?$/ && $3 == 0 {ok = 1} END {exit !ok}'; }; "
            + "[ \"$(id -u)\" = 0 ] && mine \"$s\" || exec \"$@\"; "
            + "[ \"$m\" != train ] || [ -e \"$d\" ] || mkdir -m 700 \"$d\" 2>/dev/null; "
            + "mine \"$d\" || exec \"$@\"; "
            + "a=$d/activator-$({ printf '%s %s\\n' \"$j\" \"$jar\"; "
            + "cat \"$(dirname \"$(readlink -f \"$j\")\")/../release\"; } 2>/dev/null | cksum | cut -d' ' -f1).jsa; shift; "
            + "if [ -s \"$a\" ]; then exec \"$j\" " + String.join(" ", ActivatorJvm.mapping("\"$a\"")) + " \"$@\"; fi; "
            + "[ \"$m\" = train ] && { [ ! -e \"$a.failed\" ] || [ -z \"$(find \"$a.failed\" -mmin -1440 2>/dev/null)\" ]; } "
            + "|| exec \"$j\" \"$@\"; "
            + "\"$j\" \"$@\"; r=$?; [ $r = 0 ] || exit $r; "
            + "w=$d/training; b=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null); "
            + "if [ -f \"$w/owner\" ] && read p o < \"$w/owner\" && { [ \"$o\" != \"$b\" ] || ! kill -0 \"$p\" 2>/dev/null; }; "
            + "then rm -rf \"$w\"; "
            + "elif [ ! -e \"$w/owner\" ] && [ -n \"$(find \"$w\" -maxdepth 0 -mmin +10 2>/dev/null)\" ]; then rm -rf \"$w\"; fi; "
            + "mkdir -m 700 \"$w\" 2>/dev/null || exit 0; "
            + "n=; command -v nice >/dev/null 2>&1 && n='nice -n 19'; "
            + "( rm -rf \"$d\"/activator-*; t=$w/activator.jsa; "
            + "if $n \"$j\" -XX:ArchiveClassesAtExit=\"$t\" " + String.join(" ", ActivatorJvm.QUIET_CLASS_DATA) + " "
            + String.join(" ", ActivatorJvm.OPTIONS) + " -jar \"$jar\" load-classes \"$w/rehearsal\" && [ -s \"$t\" ]; "
            + "then sync \"$t\" 2>/dev/null; mv -f \"$t\" \"$a\"; else : > \"$a.failed\"; fi; "
            + "rm -rf \"$w\" ) </dev/null >/dev/null 2>&1 & "
            + "{ echo \"$! $b\" > \"$w/owner.$$\" && mv -f \"$w/owner.$$\" \"$w/owner\"; } 2>/dev/null; exit 0";

    private static List<String> activatorArgv(ProfilePlan plan, String sshUser, String profileUser,
            ActivatorLaunch launch, List<String> args, boolean passwordOnStdin) {
        List<String> argv = new ArrayList<>();
        boolean sudoing = !profileUser.equals(sshUser);
        if (sudoing) {
            List<String> sudo = plan.sudo();
            if (passwordOnStdin) {
                argv.addAll(List.of("sh", "-c", SUDO_AFTER_PASSWORD, "nixdeploy-sudo", sudo.get(0), "-n"));
            } else {
                argv.add(sudo.get(0));
            }
            argv.addAll(sudo.subList(1, sudo.size()));
            argv.add(profileUser);
        }
        // through sudo the command stays java itself, as sudoers rules that allow just java expect
        if (!sudoing) {
            boolean activation = args.stream().filter(a -> !a.equals(AWAIT_GO)).findFirst()
                    .filter(a -> a.equals("activate")).isPresent();
            argv.addAll(List.of("/bin/sh", "-c", WITH_CDS, "nixdeploy-cds", activation ? "train" : "use", ROOT_STATE,
                    launch.jar()));
        }
        argv.add(launch.java());
        argv.addAll(ActivatorJvm.OPTIONS);
        argv.add("-jar");
        argv.add(launch.jar());
        argv.addAll(args);
        return argv;
    }
}
