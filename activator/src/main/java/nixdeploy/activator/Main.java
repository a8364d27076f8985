package nixdeploy.activator;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.ActivatorJvm;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import nixdeploy.protocol.Events;

/**
 * The activator's entry point: {@code activate}, {@code confirm}, {@code rollback}, {@code status},
 * and the internal {@code watch}. Events go to stdout as JSON lines, explanations to stderr.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: activator <command> --profile PATH [options]",
            "  activate --closure STORE_PATH [--magic-rollback] [--auto-rollback] [--dry-activate] [--boot]",
            "           [--activation-timeout S] [--confirm-timeout S] [--state-dir DIR]   (token on stdin)",
            "           [--deployment-id HEX16]   (the caller's id, reported back by status)",
            "  activate --generation previous|N [options as above]   (back to an existing generation: switched to,",
            "           activated and confirmed as a new one would be; no generation is made or deleted)",
            "  confirm  [--state-dir DIR]                                                  (token on stdin)",
            "  rollback [--state-dir DIR] [--reason TEXT] [--confirmed]   (token on stdin; --confirmed undoes a",
            "           confirmed deployment, which needs its token)",
            "  status   [--state-dir DIR] [--watcher-log]   (--watcher-log: the end of the watcher's log too)",
            "  load-classes [FOLDER]   (loads every class of the jar and rehearses an activation in FOLDER, made",
            "           and deleted, or a temporary one; changes nothing else: for a class-data archive)",
            "  --state-dir: the runtime folder (the watcher's socket); journals stay in the user's state folder",
            "  --await-go <command> ...: start now, run the command once stdin's first line is 'go' (else nothing)");

    private Main() {}

    /** How to start this activator again as another process (the watcher, the boot-time settle). */
    static List<String> command(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.add("-Xmx48m");
        argv.addAll(ActivatorJvm.OPTIONS);
        // the class-data archive this JVM was started with (the deployer's launch found one), for the next
        String archive = System.getProperty(ActivatorJvm.ARCHIVE_PROPERTY);
        if (archive != null) {
            argv.addAll(ActivatorJvm.mapping(archive));
        }
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** First argument of an activator started before its go: it waits for a line {@code go} on stdin. */
    static final String AWAIT_GO = "--await-go";

    /**
     * Reads stdin up to the first line break and not a byte further (the token follows); true when
     * that line is {@code go}.
     */
    static boolean awaitGo(java.io.InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (line.length() < 16) {
                    line.append((char) b);
                }
            }
            return b == '\n' && line.toString().equals("go");
        } catch (IOException e) {
            return false;
        }
    }

    /** Loads what every command needs (the JSON events), so the wait for the go hides it. */
    private static void warmUp() {
        Events.encode(Event.of(EventType.HELLO).message("warm-up"));
    }

    public static void main(String[] argv) {
        System.exit(run(List.of(argv)).code);
    }

    static ActivatorExit run(List<String> argv) {
        Output out = new Output(System.out, System.err);
        Optional<Watcher.Launched> watcher = Optional.empty();
        if (!argv.isEmpty() && argv.get(0).equals(AWAIT_GO)) {
            // started ahead of its turn, while the deployer still copies: boot (and start the watcher,
            // which only stands by: it touches no profile), then wait for the go before any profile is
            // read or changed; without one (the deployer went away), do nothing
            if (argv.size() > 1 && argv.get(1).equals("activate")) {
                watcher = ActivateCommand.startWatcherEarly(argv.subList(2, argv.size()), out);
            }
            warmUp();
            if (!awaitGo(System.in)) {
                System.err.println("nixdeploy activator: no go from the deployer; nothing was done");
                return ActivatorExit.BAD_INPUT;
            }
            argv = argv.subList(1, argv.size());
        }
        if (argv.isEmpty() || Set.of("-h", "--help", "help").contains(argv.get(0))) {
            System.err.println(USAGE);
            return argv.isEmpty() ? ActivatorExit.BAD_INPUT : ActivatorExit.OK;
        }
        Event hello = Event.of(EventType.HELLO).message("nixdeploy activator");
        hello.protocol = Events.PROTOCOL_VERSION;
        out.event(hello);
        List<String> rest = argv.subList(1, argv.size());
        try {
            switch (argv.get(0)) {
                case "activate":
                    return ActivateCommand.run(rest, System.in, out, watcher);
                case "confirm":
                    return SettleCommands.confirm(rest, System.in, out);
                case "rollback":
                    return SettleCommands.rollback(rest, System.in, out);
                case "status":
                    return SettleCommands.status(rest, out);
                case "watch":
                    return WatchCommand.run(rest, out);
                case "load-classes":
                    return LoadClassesCommand.run(rest, out);
                case "--version":
                    out.say("nixdeploy activator, protocol " + Events.PROTOCOL_VERSION);
                    return ActivatorExit.OK;
                default:
                    throw new ActivatorException(ActivatorExit.BAD_INPUT,
                            "unknown command '" + argv.get(0) + "'\n" + USAGE);
            }
        } catch (ActivatorException e) {
            return failed(out, e.exit(), e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            return failed(out, ActivatorExit.INTERNAL_ERROR, "unexpected error: " + e, e);
        }
    }

    private static ActivatorExit failed(Output out, ActivatorExit exit, String message, Throwable e) {
        out.event(Event.of(EventType.RESULT).exitCode(exit.code).message(message));
        out.say("error: " + message);
        if (System.getenv("NIXDEPLOY_DEBUG") != null) {
            e.printStackTrace();
        }
        return exit;
    }
}
