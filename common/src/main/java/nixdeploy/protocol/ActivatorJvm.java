package nixdeploy.protocol;

import java.util.List;

/**
 * How the activator's JVMs on a host are started, by the deployer (the activator's command) and by
 * the activator (its watcher, the boot-time settle): small and quick to start, and mapping a
 * class-data archive of the activator jar where the launch found one.
 */
public final class ActivatorJvm {
    /**
     * The serial collector, the interpreter only (their work is short or idle: what a JIT compiler
     * spent compiling, ~60 ms of CPU per JVM, they never won back), the JDK's own class-data
     * archive if it has one.
     */
    public static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-Xint", "-Xshare:auto");

    /** Off: the class-data messages a JVM would print on stdout, where the activator's events go. */
    public static final List<String> QUIET_CLASS_DATA = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    /** The system property naming the class-data archive a JVM maps, for the JVMs it starts. */
    public static final String ARCHIVE_PROPERTY = "nixdeploy.cds";

    private ActivatorJvm() {}

    /**
     * Maps {@code archive} (its checksums verified; the JVM skips one that is missing, stale or
     * damaged, quietly) and names it in {@link #ARCHIVE_PROPERTY}.
     */
    public static List<String> mapping(String archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-XX:+VerifySharedSpaces", QUIET_CLASS_DATA.get(0),
                QUIET_CLASS_DATA.get(1), "-D" + ARCHIVE_PROPERTY + "=" + archive);
    }
}
