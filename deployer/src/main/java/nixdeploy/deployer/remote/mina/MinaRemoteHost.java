package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.io.HeadTailBuffer;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/** A {@link RemoteHost} over one MINA session; each command gets its own exec channel. */
final class MinaRemoteHost implements RemoteHost {
    private final ClientSession session;
    private final String user;
    private final String address;
    private final String description;

    MinaRemoteHost(ClientSession session, String user, String address, String description) {
        this.session = session;
        this.user = user;
        this.address = address;
        this.description = description;
    }

    ClientSession session() {
        return session;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public boolean isOpen() {
        return session.isOpen() && !session.isClosing();
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public int exec(String command, InputStream stdin, OutputStream stdout, OutputStream stderr, Duration timeout)
            throws IOException {
        try {
            return execOnChannel(command, stdin, stdout, stderr, timeout);
        } catch (IOException e) {
            throw closedConnection(e);
        }
    }

    /** MINA says "Already closed: RemoteWindow[...]" where the user needs to hear that the connection went. */
    private IOException closedConnection(IOException e) {
        if (isOpen() || e.getMessage() != null && e.getMessage().startsWith("command on ")) {
            return e;
        }
        return new IOException("the connection to " + description + " closed", e);
    }

    private int execOnChannel(String command, InputStream stdin, OutputStream stdout, OutputStream stderr,
            Duration timeout) throws IOException {
        try (ChannelExec channel = session.createExecChannel(command)) {
            if (stdin != null) {
                channel.setIn(stdin);
            }
            channel.setOut(stdout);
            channel.setErr(stderr);
            channel.open().verify(Duration.ofSeconds(30));
            Set<ClientChannelEvent> events = channel.waitFor(
                    EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), timeout);
            if (!events.contains(ClientChannelEvent.EXIT_STATUS)) {
                if (events.contains(ClientChannelEvent.TIMEOUT)) {
                    throw new IOException("command on " + description + " did not finish within "
                            + timeout.toSeconds() + " s");
                }
                channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS), Duration.ofSeconds(2));
            }
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            Integer status = channel.getExitStatus();
            if (status == null) {
                throw new IOException("the connection to " + description + " closed before the command finished");
            }
            return status;
        }
    }

    @Override
    public RemoteProcess start(String command) throws IOException {
        ChannelExec channel = session.createExecChannel(command);
        // only for messages: what a failing command said, its start and its end
        HeadTailBuffer err = new HeadTailBuffer();
        channel.setErr(err);
        try {
            channel.open().verify(Duration.ofSeconds(30));
        } catch (IOException e) {
            throw closedConnection(e);
        }
        return new RemoteProcess() {
            @Override
            public OutputStream stdin() {
                return channel.getInvertedIn();
            }

            @Override
            public InputStream stdout() {
                return channel.getInvertedOut();
            }

            @Override
            public String stderr() {
                return err.toString();
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen() && !channel.isClosing();
            }

            @Override
            public int waitFor(Duration timeout) throws IOException {
                channel.getInvertedIn().close();
                channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), timeout);
                Integer status = channel.getExitStatus();
                if (status == null) {
                    throw new IOException("the connection to " + description + " closed before the command finished");
                }
                return status;
            }

            @Override
            public void close() {
                channel.close(false);
            }
        };
    }

    @Override
    public Forward forward(String host, int port) throws IOException {
        SshdSocketAddress bound = session.startLocalPortForwarding(new SshdSocketAddress("127.0.0.1", 0),
                new SshdSocketAddress(host, port));
        return new Forward() {
            @Override
            public int localPort() {
                return bound.getPort();
            }

            @Override
            public void close() {
                try {
                    session.stopLocalPortForwarding(bound);
                } catch (IOException e) {
                    // the session is closing anyway
                }
            }
        };
    }

    @Override
    public String exchangeWithSocket(String socketPath, String line, Duration timeout) throws IOException {
        ChannelDirectStreamLocal channel = new ChannelDirectStreamLocal(socketPath);
        session.getService(ConnectionService.class).registerChannel(channel);
        try (channel) {
            channel.open().verify(timeout);
            OutputStream toSocket = channel.getInvertedIn();
            toSocket.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            toSocket.flush();
            InputStream fromSocket = channel.getInvertedOut();
            // a connection that dies silently must not outlast the caller's deadline
            CompletableFuture<String> answer = Background.supply(
                    () -> {
                        HeadTailBuffer bytes = new HeadTailBuffer();
                        try {
                            int b;
                            while ((b = fromSocket.read()) != -1 && b != '\n') {
                                bytes.write(b);
                            }
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        return bytes.toString();
                    });
            try {
                return answer.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the watcher's socket did not answer within " + timeout.toSeconds() + " s");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("reading the watcher's answer failed: " + e.getCause().getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the watcher", e);
            }
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        session.close(false);
    }
}
