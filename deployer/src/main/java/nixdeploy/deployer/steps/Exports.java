package nixdeploy.deployer.steps;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/**
 * The {@code nix-store --export} streams of one run's copies. The hosts that lack the same paths
 * share one export kept in memory, so a fleet that gets the same new paths runs one nix-store
 * (~25 ms of CPU, and a hash of every byte) instead of one per host; a run keeps at most
 * {@link #BUDGET} bytes of them, and past that each export streams from a nix-store of its own.
 */
final class Exports {
    /** How an export is made: its command's output, whole. */
    interface Exporter {
        byte[] export(List<String> argv) throws DeployException;
    }

    static final List<String> COMMAND = List.of("nix-store", "--export");

    /** The bytes of exports one run keeps in memory, all told. */
    static final long BUDGET = 32L << 20;
    /** What a path adds to its NAR in an export, at most (its name, references, deriver): errs high. */
    static final long PER_PATH = 8L << 10;

    private final SharedResults<List<String>, byte[]> made = new SharedResults<>(Integer.MAX_VALUE);
    private final Exporter exporter;
    private long budgetLeft = BUDGET;

    Exports(Exporter exporter) {
        this.exporter = exporter;
    }

    /**
     * The export {@code argv}, whose paths have {@code narBytes} of NAR, made once for all the
     * hosts that ask for it; empty when the run's budget cannot keep it, and it must stream.
     */
    Optional<byte[]> shared(List<String> argv, long narBytes) throws DeployException {
        List<String> key = List.copyOf(argv);
        long estimate = narBytes + PER_PATH * paths(argv);
        // two first askers at once may both spend: the budget errs towards streaming, never over
        if (!made.has(key) && !spend(estimate)) {
            return Optional.empty();
        }
        try {
            return Optional.of(made.get(key, () -> exporter.export(key)));
        } catch (DeployException e) {
            throw new DeployException(e.exitCode(), e.getMessage(), e);  // each host its own
        }
    }

    private synchronized boolean spend(long bytes) {
        if (bytes > budgetLeft) {
            return false;
        }
        budgetLeft -= bytes;
        return true;
    }

    /** The whole output of the local export {@code argv}, which must succeed. */
    static byte[] nixStore(List<String> argv) throws DeployException {
        Process export = CopyStep.startLocal(argv);
        try (InputStream out = export.getInputStream()) {
            byte[] bytes = out.readAllBytes();
            int status = export.waitFor();
            if (status != 0) {
                throw failed(argv, status);
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

    /**
     * The output of the running export {@code argv}, streamed. At its end it checks that the export
     * succeeded, before the host is asked whether it imported all: a nix-store that died part way
     * (a path collected meanwhile) left the host waiting for the rest.
     */
    static InputStream streamed(Process export, List<String> argv) {
        return new FilterInputStream(export.getInputStream()) {
            @Override
            public int read() throws IOException {
                return checked(super.read());
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return checked(super.read(buffer, offset, length));
            }

            private int checked(int read) throws IOException {
                if (read != -1) {
                    return read;
                }
                try {
                    int status = export.waitFor();
                    if (status != 0) {
                        throw new Failed(failed(argv, status));
                    }
                    return read;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while exporting paths");
                }
            }
        };
    }

    /** A streamed export failed here, not on the way to the host. */
    static final class Failed extends IOException {
        final DeployException reason;

        Failed(DeployException reason) {
            super(reason.getMessage());
            this.reason = reason;
        }
    }

    private static DeployException failed(List<String> argv, int status) {
        long paths = paths(argv);
        return new DeployException(ExitCode.BUILD_FAILED, "exporting " + paths + (paths == 1 ? " path" : " paths")
                + " from the local store failed (nix-store --export exited " + status
                + "; its messages are above); nothing was activated");
    }

    private static long paths(List<String> argv) {
        return argv.size() - COMMAND.size();
    }
}
