import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshTarget;
import nixdeploy.deployer.remote.mina.MinaConnector;

/**
 * The deployer's SSH transport alone, for bench/single-host: connects as the deployer does (MINA,
 * its ciphers, its JVM options) and sends FILE to {@code cat > /dev/null} on the host, as
 * {@code cat FILE | ssh host 'cat > /dev/null'} does with OpenSSH. Prints the milliseconds from the
 * first byte sent to the remote command's exit (the connection is made before).
 * Usage: java -cp 'DIST/lib/*' bench/SshThroughput.java USER@HOST FILE SSH-OPTION...
 */
public final class SshThroughput {
    public static void main(String[] args) throws Exception {
        String[] at = args[0].split("@", 2);
        SshTarget target = SshOptions.apply(SshTarget.of(at[1], at[0]), Arrays.asList(args).subList(2, args.length),
                System.err::println);
        try (MinaConnector connector = new MinaConnector(System.err::println);
                RemoteHost host = connector.connect(target);
                InputStream file = Files.newInputStream(Path.of(args[1]))) {
            long start = System.nanoTime();
            RemoteHost.RemoteProcess cat = host.start("cat > /dev/null");
            try (OutputStream in = cat.stdin()) {
                file.transferTo(in);
            }
            int status = cat.waitFor(Duration.ofMinutes(5));
            if (status != 0) {
                throw new IllegalStateException("cat on the host exited " + status + ": " + cat.stderr());
            }
            System.out.println((System.nanoTime() - start) / 1_000_000);
        }
    }
}
