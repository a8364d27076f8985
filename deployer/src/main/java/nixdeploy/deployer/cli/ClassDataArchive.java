package nixdeploy.deployer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher's class-data archive (AppCDS): on a run without one, the JVM archives the classes it
 * loaded as it exits, and the launcher keeps that archive only when this run says it trained it,
 * that is, it went the whole way (connected, copied, activated, confirmed), so later runs find
 * every class of that path in the archive.
 */
final class ClassDataArchive {
    private ClassDataArchive() {}

    /** Marks this run as a good one to archive, when the launcher asked (nixdeploy.cdsTrained). */
    static void trained() {
        String marker = System.getProperty("nixdeploy.cdsTrained");
        if (marker == null) {
            return;
        }
        try {
            Files.writeString(Path.of(marker), "");
        } catch (IOException e) {
            // no archive then; the next run tries again
        }
    }
}
