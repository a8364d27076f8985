package nixdeploy.activator;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import nixdeploy.protocol.ActivatorExit;

/**
 * {@code load-classes [FOLDER]}: loads every class of this jar and rehearses what activations and
 * watchers do ({@link Rehearsal}) in FOLDER (made and deleted; a new temporary folder without one),
 * changing nothing else, so that a JVM told to archive its classes at exit
 * ({@code -XX:ArchiveClassesAtExit}) makes a class-data archive for the activator's next runs, in a
 * process of its own rather than in an activation's.
 */
final class LoadClassesCommand {
    private LoadClassesCommand() {}

    /** Longer than a rehearsal ever takes: one that hangs must not keep the training from its archive. */
    private static final long REHEARSAL_MILLIS = 30_000;

    static ActivatorExit run(List<String> args, Output out) throws IOException {
        if (args.size() > 1) {
            throw new IOException("load-classes takes at most one argument, the folder to rehearse in");
        }
        Path jar;
        try {
            jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new IOException("cannot tell which jar this is: " + e.getMessage(), e);
        }
        int loaded = 0;
        try (JarFile classes = new JarFile(jar.toFile())) {
            for (JarEntry entry : java.util.Collections.list(classes.entries())) {
                String name = entry.getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
                    continue;
                }
                try {
                    Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                            LoadClassesCommand.class.getClassLoader());
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // a class that needs what this JVM lacks is one the activator never loads either
                }
            }
        }
        out.say("loaded " + loaded + " classes of " + jar);
        Optional<Path> folder = args.stream().findFirst().map(Path::of);
        Thread rehearsal = new Thread(() -> {
            try {
                Rehearsal.run(folder);
            } catch (Exception | LinkageError e) {
                // the archive still holds the jar's classes
                out.say("the rehearsal of an activation failed: " + e);
            }
        }, "rehearsal");
        rehearsal.setDaemon(true);
        rehearsal.start();
        try {
            rehearsal.join(REHEARSAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (rehearsal.isAlive()) {
            out.say("the rehearsal of an activation did not end within " + REHEARSAL_MILLIS / 1000 + " s");
        }
        return ActivatorExit.OK;
    }
}
