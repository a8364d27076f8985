package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.DefaultAuthFuture;
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
 * changes nothing, and it costs a round trip per connection (and the host's delay for a failed
 * attempt). A host that does not allow publickey answers the key with its list of methods. With
 * no key to offer, "none" is asked as before, which some hosts accept (Tailscale SSH). The key
 * goes out once the host's extension info has been read (its signature algorithms, host-bound
 * authentication; see {@link ExtensionInfoSession}).
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
    protected IoWriteFuture sendInitialAuthRequest(ClientSession session, String service) throws IOException {
        AuthFuture future = authFutureHolder.get();
        if (future == null || !clientMethods.contains(UserAuthPublicKey.NAME)) {
            return super.sendInitialAuthRequest(session, service);
        }
        Runnable offerFirstKey = () -> {
            try {
                offerFirstKey(session, service);
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

    private void offerFirstKey(ClientSession session, String service) throws Exception {
        serverMethods = new ArrayList<>(List.of(UserAuthPublicKey.NAME));
        // a future of its own: running out of keys here means "ask with none", not a failure
        AuthFuture firstKey = new DefaultAuthFuture(service, new Object());
        tryNext(SshConstants.SSH_MSG_USERAUTH_FAILURE, firstKey);
        if (firstKey.isDone()) {
            serverMethods = null;
            super.sendInitialAuthRequest(session, service);
        }
    }
}
