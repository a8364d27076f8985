package nixdeploy.deployer.steps;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.Events;

/**
 * A host that answers commands from a script: the first answer whose key the command contains
 * wins, and unscripted commands fail with exit 127. It records every command and what it read on
 * stdin; {@link #connector()} hands it out as every new connection.
 */
final class FakeHost implements RemoteHost {
    /** A scripted answer: exit status and what the command prints. */
    record Answer(int exitStatus, String stdout, String stderr) {
        static Answer events(int exitStatus, Event... events) {
            StringBuilder out = new StringBuilder();
            for (Event e : events) {
                out.append(Events.encode(e)).append('\n');
            }
            return new Answer(exitStatus, out.toString(), "");
        }
    }

    // the deployer starts a host's commands from more than one thread
    final List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> stdins = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<Duration> timeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Answer> script = new LinkedHashMap<>();
    int connections;
    volatile int closes;
    DeployException refuseConnections;

    FakeHost answer(String commandContains, Answer answer) {
        script.put(commandContains, answer);
        return this;
    }

    private synchronized Answer answerFor(String command, String stdin) {
        commands.add(command);
        stdins.add(stdin);
        return script.entrySet().stream().filter(e -> command.contains(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(new Answer(127, "", "sh: not found"));
    }

    RemoteConnector connector() {
        return new RemoteConnector() {
            @Override
            public RemoteHost connect(SshTarget target) throws DeployException {
                synchronized (FakeHost.this) {
                    connections++;
                }
                if (refuseConnections != null) {
                    throw refuseConnections;
                }
                return FakeHost.this;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public int exec(String command, InputStream stdin, OutputStream stdout, OutputStream stderr, Duration timeout)
            throws IOException {
        String in = stdin == null ? "" : new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        synchronized (this) {
            timeouts.add(timeout);
        }
        Answer answer = answerFor(command, in);
        stdout.write(answer.stdout().getBytes(StandardCharsets.UTF_8));
        stderr.write(answer.stderr().getBytes(StandardCharsets.UTF_8));
        return answer.exitStatus();
    }

    @Override
    public RemoteProcess start(String command) {
        return new Process(command);
    }

    /** A started command: its answer is chosen when its stdin closes, as a gated shell's would be. */
    final class Process implements RemoteProcess {
        private final String command;
        private final ByteArrayOutputStream in = new ByteArrayOutputStream() {
            @Override
            public void close() {
                answer = answerFor(command, toString(StandardCharsets.UTF_8));
                stdout.complete(new ByteArrayInputStream(answer.stdout().getBytes(StandardCharsets.UTF_8)));
            }
        };
        private final java.util.concurrent.CompletableFuture<InputStream> stdout =
                new java.util.concurrent.CompletableFuture<>();
        private volatile Answer answer;

        Process(String command) {
            this.command = command;
        }

        @Override
        public OutputStream stdin() {
            return in;
        }

        @Override
        public InputStream stdout() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    return stdout.join().read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return stdout.join().read(b, off, len);
                }
            };
        }

        @Override
        public String stderr() {
            return answer == null ? "" : answer.stderr();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public int waitFor(Duration timeout) {
            stdout.join();
            return answer.exitStatus();
        }

        @Override
        public void close() {
        }
    }

    @Override
    public Forward forward(String host, int port) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String exchangeWithSocket(String socketPath, String line, Duration timeout) throws IOException {
        throw new IOException("no socket here");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public String address() {
        return "10.0.0.1";
    }

    @Override
    public String user() {
        return "deploy";
    }

    @Override
    public String describe() {
        return "deploy@web:22";
    }

    @Override
    public void close() {
        synchronized (this) {
            closes++;
        }
    }
}
