package nixdeploy.deployer.remote.mina;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Keys held by ssh-agent (or any agent at {@code SSH_AUTH_SOCK}), reached over a Unix socket with
 * the JDK's own support, since MINA's agent client needs a native library. Used to authenticate;
 * agent forwarding is not offered.
 */
final class UnixSocketAgent extends AbstractAgentProxy {
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;

    UnixSocketAgent(Path socket) {
        super(null);
        this.socket = socket;
    }

    /** A factory for the agent at {@code socket}. */
    static SshAgentFactory factory(Path socket) {
        return new SshAgentFactory() {
            @Override
            public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
                return List.of();
            }

            @Override
            public SshAgent createClient(Session session, FactoryManager manager) {
                return new UnixSocketAgent(socket);
            }

            @Override
            public SshAgentServer createServer(ConnectionService service) throws IOException {
                throw new IOException("nixdeploy does not forward its SSH agent");
            }
        };
    }

    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        int end = buffer.wpos();
        buffer.wpos(0);
        buffer.putUInt(end - 4L);
        buffer.wpos(end);
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer length = readFully(channel, 4);
            int size = length.getInt();
            if (size < 0 || size > MAX_MESSAGE) {
                throw new IOException("the SSH agent at " + socket + " sent a message of " + size + " bytes");
            }
            return new ByteArrayBuffer(readFully(channel, size).array());
        }
    }

    private static ByteBuffer readFully(SocketChannel channel, int size) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(size);
        while (data.hasRemaining()) {
            if (channel.read(data) < 0) {
                throw new EOFException("the SSH agent closed the connection");
            }
        }
        return data.flip();
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
