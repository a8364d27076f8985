package nixdeploy.deployer.remote.mina;

import org.apache.sshd.client.ClientFactoryManager;
import org.apache.sshd.client.session.ClientSessionImpl;
import org.apache.sshd.client.session.SessionFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A client session that knows when the host's extension info (RFC 8308) has been read, or will
 * not come: a host sends it right after its first NEWKEYS or not at all, so once the message after
 * that NEWKEYS has been handled, whatever it was. The first authentication request waits for
 * that, as MINA's public-key method reads the host's signature algorithms and host-bound
 * authentication from it.
 */
final class ExtensionInfoSession extends ClientSessionImpl {
    private final Object lock = new Object();
    private boolean newKeysRead;
    private volatile boolean extensionInfoRead;
    private Runnable waiting;

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
