package nixdeploy.deployer.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import nixdeploy.io.HeadTailBuffer;

/**
 * One authenticated connection to a host. Commands are shell strings built with
 * {@link nixdeploy.shell.ShellQuote}; each runs on its own channel of this connection.
 */
public interface RemoteHost extends AutoCloseable {
    /** What a finished command returned and printed (stdout only when it was captured). */
    record Result(int exitStatus, String stdout, String stderr) {
        public boolean ok() {
            return exitStatus == 0;
        }
    }

    /**
     * Runs {@code command}, feeding it {@code stdin} (null for none) and streaming its output.
     * Returns the exit status, or throws when the connection broke or {@code timeout} passed (null:
     * no limit; the connection's keepalives still notice a host that is gone).
     */
    int exec(String command, InputStream stdin, OutputStream stdout, OutputStream stderr, Duration timeout)
            throws IOException;

    /** How much of each end of a captured stdout {@link #run} keeps. */
    int STDOUT_KEEP = 4 * 1024 * 1024;

    /**
     * Runs a short command and captures its output: the first and last {@link #STDOUT_KEEP} bytes
     * of stdout (what callers parse: the activator's events end with their result, which stays),
     * and of stderr the first and last 64 KiB, which only go into messages. A command that prints
     * more, such as a rollback re-running a loud activation, costs no more memory.
     */
    default Result run(String command, String stdin, Duration timeout) throws IOException {
        HeadTailBuffer out = new HeadTailBuffer(STDOUT_KEEP, STDOUT_KEEP);
        HeadTailBuffer err = new HeadTailBuffer();
        InputStream in = stdin == null ? null : new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int status = exec(command, in, out, err, timeout);
        return new Result(status, out.toString(), err.toString());
    }

    /** A command running on the host whose stdin and stdout this side drives, as a protocol peer. */
    interface RemoteProcess extends AutoCloseable {
        OutputStream stdin();

        InputStream stdout();

        /** What it printed on stderr so far. */
        String stderr();

        /** Whether the command's channel is still open (the command may still be waiting for input). */
        boolean isOpen();

        /** Closes stdin and waits for the exit status. */
        int waitFor(Duration timeout) throws IOException;

        @Override
        void close();
    }

    /** Starts {@code command} for a conversation over its stdin and stdout. */
    RemoteProcess start(String command) throws IOException;

    /** A local port that leads to an address as the host sees it; closing it stops the forwarding. */
    interface Forward extends AutoCloseable {
        int localPort();

        @Override
        void close();
    }

    /** Forwards a free local port to {@code host:port} as seen from the remote host (direct-tcpip). */
    Forward forward(String host, int port) throws IOException;

    /**
     * Connects to a Unix socket on the host (OpenSSH's direct-streamlocal channel, no command and
     * no shell), writes {@code line}, and returns the one line it answers.
     */
    String exchangeWithSocket(String socketPath, String line, Duration timeout) throws IOException;

    /** Whether the connection is still open. */
    boolean isOpen();

    /**
     * The host name or address this connection went to (ssh_config's HostName for an alias), for
     * anything else that must reach the same host, such as health checks.
     */
    String address();

    /** The user this connection is logged in as. */
    String user();

    /** {@code user@host:port}, for messages. */
    String describe();

    @Override
    void close();
}
