package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.util.ArrayList;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.client.session.ClientUserAuthServiceFactory;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;

/**
 * Authentication that offers the first key at once, instead of first asking with a "none" request
 * which methods the host allows: publickey is the only method this client has, so the answer
 * changes nothing, and it costs a round trip per connection, plus the delay OpenSSH adds to every
 * failed attempt. A host that does not allow publickey answers the key with the same list of
 * methods. The key goes out once the host's extension info has been read (its signature
 * algorithms, host-bound authentication; see {@link ExtensionInfoSession}).
 */
final class PublicKeyFirst extends ClientUserAuthService {
    static final ClientUserAuthServiceFactory FACTORY = new ClientUserAuthServiceFactory() {
        @Override
        public Service create(Session session) throws IOException {
            return new PublicKeyFirst(session);
        }
    };

    private PublicKeyFirst(Session session) {
        super(session);
    }

    @Override
    protected IoWriteFuture sendInitialAuthRequest(ClientSession session, String service) {
        AuthFuture future = authFutureHolder.get();
        Runnable offerFirstKey = () -> {
            try {
                serverMethods = new ArrayList<>(clientMethods);
                tryNext(SshConstants.SSH_MSG_USERAUTH_FAILURE, future);
            } catch (Exception e) {
                future.setException(e);
            }
        };
        if (session instanceof ExtensionInfoSession waiting) {
            waiting.afterExtensionInfo(offerFirstKey);
        } else {
            offerFirstKey.run();
        }
        return null;
    }
}
