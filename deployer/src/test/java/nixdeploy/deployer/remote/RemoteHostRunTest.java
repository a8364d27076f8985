package nixdeploy.deployer.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link RemoteHost#run} captures output without holding more than both ends of it. */
class RemoteHostRunTest {
    private static final int MIB = 1024 * 1024;

    /** A host whose every command prints {@code mebibytes} of x on stdout and stderr, then its last line. */
    private static RemoteHost loudHost(int mebibytes) {
        return new RemoteHost() {
            @Override
            public int exec(String command, InputStream stdin, OutputStream stdout, OutputStream stderr,
                    Duration timeout) throws IOException {
                byte[] chunk = new byte[MIB];
                Arrays.fill(chunk, (byte) 'x');
                for (int i = 0; i < mebibytes; i++) {
                    stdout.write(chunk);
                    stderr.write(chunk);
                }
                stdout.write("\n{\"type\":\"RESULT\"}\n".getBytes(StandardCharsets.UTF_8));
                stderr.write("the end".getBytes(StandardCharsets.UTF_8));
                return 0;
            }

            @Override
            public RemoteProcess start(String command) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Forward forward(String host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String exchangeWithSocket(String socketPath, String line, Duration timeout) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public String address() {
                return "loud";
            }

            @Override
            public String user() {
                return "root";
            }

            @Override
            public String describe() {
                return "root@loud";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void hundredsOfMebibytesKeepTheirEndsAndTheLastLine() throws IOException {
        RemoteHost.Result result = loudHost(300).run("rollback", null, Duration.ofMinutes(1));

        assertThat(result.stdout()).hasSizeLessThan(2 * RemoteHost.STDOUT_KEEP + 64).contains(" bytes dropped ...]")
                .endsWith("\n{\"type\":\"RESULT\"}\n");
        assertThat(result.stderr()).hasSizeLessThan(2 * 64 * 1024 + 64).endsWith("the end");
    }

    @Test
    void aShortOutputIsKeptWhole() throws IOException {
        RemoteHost.Result result = loudHost(0).run("status", null, Duration.ofMinutes(1));

        assertThat(result.stdout()).isEqualTo("\n{\"type\":\"RESULT\"}\n");
        assertThat(result.stderr()).isEqualTo("the end");
    }
}
