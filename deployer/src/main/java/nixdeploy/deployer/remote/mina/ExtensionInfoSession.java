package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.sshd.client.ClientFactoryManager;
import org.apache.sshd.client.session.ClientSessionImpl;
import org.apache.sshd.client.session.SessionFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A client session that knows when the host's extension info (RFC 8308) has been read, or will
 * not come: a host sends it right after its first NEWKEYS or not at all, so once the message after
 * that NEWKEYS has been handled, whatever it was. The first authentication request waits for
 * that, as MINA's public-key method reads the host's signature algorithms and host-bound
 * authentication from it. It can also hold an authentication request back, for
 * {@link OrderedPublicKeyAuth} to send a signed one in its place.
 */
final class ExtensionInfoSession extends ClientSessionImpl {
    private final Object lock = new Object();
    private boolean newKeysRead;
    private volatile boolean extensionInfoRead;
    private Runnable waiting;
    private Thread holdingBack;
    private Buffer heldBack;

    static SessionFactory factory(ClientFactoryManager client) {
        return new SessionFactory(client) {
            @Override
            protected ClientSessionImpl doCreateSession(IoSession ioSession) throws Exception {
                return new ExtensionInfoSession(getClient(), ioSession);
            }
        };
    }

    private ExtensionInfoSession(ClientFactoryManager client, IoSession ioSession) throws Exception {
        super(client, ioSession);
    }

    /** Runs {@code action} now if the extension info has been read, else right after it is. */
    void afterExtensionInfo(Runnable action) {
        synchronized (lock) {
            if (!extensionInfoRead) {
                waiting = action;
                return;
            }
        }
        action.run();
    }

    /** What {@code send} returned, and the authentication request it wrote, unsent (null if none). */
    record HeldBack(boolean sent, Buffer request) {}

    /** Runs {@code send} with the authentication request it writes from this thread held back. */
    HeldBack holdingBackRequest(Callable<Boolean> send) throws Exception {
        holdingBack = Thread.currentThread();
        try {
            boolean sent = send.call();
            return new HeldBack(sent, heldBack);
        } finally {
            holdingBack = null;
            heldBack = null;
        }
    }

    @Override
    public IoWriteFuture writePacket(Buffer buffer) throws IOException {
        if (holdingBack == Thread.currentThread() && heldBack == null
                && (buffer.rawByte(buffer.rpos()) & 0xff) == SshConstants.SSH_MSG_USERAUTH_REQUEST) {
            heldBack = buffer;
            return AbstractIoWriteFuture.fulfilled(this, Boolean.TRUE);
        }
        return super.writePacket(buffer);
    }

    @Override
    protected void doHandleMessage(Buffer buffer) throws Exception {
        if (extensionInfoRead) {
            super.doHandleMessage(buffer);
            return;
        }
        int command = buffer.rawByte(buffer.rpos()) & 0xff;
        super.doHandleMessage(buffer);
        Runnable action;
        synchronized (lock) {
            if (extensionInfoRead) {
                return;
            }
            if (!newKeysRead) {
                newKeysRead = command == SshConstants.SSH_MSG_NEWKEYS;
                return;
            }
            extensionInfoRead = true;
            action = waiting;
            waiting = null;
        }
        if (action != null) {
            action.run();
        }
    }
}
