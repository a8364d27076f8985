package nixdeploy.deployer.remote.mina;

import java.util.Iterator;
import nixdeploy.deployer.remote.SshSettings;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.signature.SignatureFactoriesManager;

/** Public-key authentication offering the keys {@link Identities} lists for the session's host, in that order. */
final class OrderedPublicKeyAuth extends UserAuthPublicKeyFactory {
    private final Identities identities;

    OrderedPublicKeyAuth(Identities identities) {
        this.identities = identities;
    }

    @Override
    public UserAuthPublicKey createUserAuth(ClientSession session) {
        return new UserAuthPublicKey(getSignatureFactories()) {
            @Override
            protected Iterator<PublicKeyIdentity> createPublicKeyIterator(ClientSession s,
                    SignatureFactoriesManager signatures) throws Exception {
                Connection connection = Connection.of(s);
                SshSettings settings = connection.settingsOf(s);
                return identities.of(s, settings, signatures, connection.keyNotes).iterator();
            }
        };
    }
}
