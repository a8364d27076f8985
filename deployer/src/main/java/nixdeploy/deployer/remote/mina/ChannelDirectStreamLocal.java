package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import org.apache.sshd.client.channel.AsyncCapableClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * OpenSSH's {@code direct-streamlocal@openssh.com} channel: a stream to a Unix socket on the
 * server, opened by sshd with the user's rights (MINA has no client for it).
 */
final class ChannelDirectStreamLocal extends AsyncCapableClientChannel {
    private final String socketPath;

    ChannelDirectStreamLocal(String socketPath) {
        super("direct-streamlocal@openssh.com", false);
        this.socketPath = socketPath;
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        if (isClosing()) {
            throw new SshException("session has been closed");
        }
        openFuture = new DefaultOpenFuture(socketPath, futureLock);
        LocalWindow window = getLocalWindow();
        Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, socketPath.length() + 64);
        buffer.putString(getChannelType());
        buffer.putUInt(getChannelId());
        buffer.putUInt(window.getSize());
        buffer.putUInt(window.getPacketSize());
        buffer.putString(socketPath);
        buffer.putString("");
        buffer.putUInt(0);
        writePacket(buffer);
        return openFuture;
    }
}
