package nixdeploy.deployer.steps;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/**
 * The {@code nix-store --export} streams of one run's copies: the hosts that lack the same paths
 * share one export when it is small enough to keep in memory, so a fleet that gets the same new
 * paths runs one nix-store (~25 ms of CPU, and a hash of every byte) instead of one per host.
 * Larger exports stream from a nix-store of their own to each host, as before.
 */
final class Exports {
    /** How an export is made: its command's output, whole. */
    interface Exporter {
        byte[] export(List<String> argv) throws DeployException;
    }

    static final List<String> COMMAND = List.of("nix-store", "--export");

    /** The largest export (its paths' NAR bytes) kept in memory and shared. */
    static final long SHARED_AT_MOST = 16L << 20;
    static final int KEPT = 2;

    private final SharedResults<List<String>, byte[]> recent = new SharedResults<>(KEPT);
    private final Exporter exporter;

    Exports(Exporter exporter) {
        this.exporter = exporter;
    }

    /** Whether an export of {@code narBytes} is shared rather than streamed. */
    static boolean shared(long narBytes) {
        return narBytes <= SHARED_AT_MOST;
    }

    /** The output of the export {@code argv}, made once for all who ask while it is kept. */
    byte[] of(List<String> argv) throws DeployException {
        return recent.get(List.copyOf(argv), () -> exporter.export(argv));
    }

    /** The whole output of the local export {@code argv}, which must succeed: nothing checks it later. */
    static byte[] nixStore(List<String> argv) throws DeployException {
        Process export = CopyStep.startLocal(argv);
        try (InputStream out = export.getInputStream()) {
            byte[] bytes = out.readAllBytes();
            int status = export.waitFor();
            if (status != 0) {
                throw new DeployException(ExitCode.BUILD_FAILED, "exporting " + (argv.size() - COMMAND.size())
                        + " paths from the local store failed (nix-store --export exited " + status
                        + "; its messages are above); nothing was activated");
            }
            return bytes;
        } catch (IOException e) {
            throw new DeployException(ExitCode.BUILD_FAILED, "cannot read the local nix-store --export: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException(ExitCode.INTERRUPTED, "interrupted while exporting paths", e);
        } finally {
            export.destroy();
        }
    }
}
