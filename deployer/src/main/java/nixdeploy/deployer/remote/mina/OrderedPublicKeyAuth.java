package nixdeploy.deployer.remote.mina;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import nixdeploy.deployer.remote.SshSettings;
import org.apache.sshd.client.auth.pubkey.KeyPairIdentity;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.extension.DefaultClientKexExtensionHandler;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.signature.SignatureFactoriesManager;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Public-key authentication offering the keys {@link Identities} lists for the session's host, in
 * that order. A key read from its file is sent signed at once, as RFC 4252 allows (and OpenSSH
 * does for a private key without its public half), instead of first asking whether the host would
 * take it: signing costs this process a few milliseconds, the question a round trip. Only with a
 * signature algorithm the host named in its extension info, so no SHA-1 RSA signature is made on a
 * guess. Keys in ssh-agent are asked about first, as OpenSSH does, since signing with one may need
 * a touch or a confirmation.
 */
final class OrderedPublicKeyAuth extends UserAuthPublicKeyFactory {
    private final Identities identities;

    OrderedPublicKeyAuth(Identities identities) {
        this.identities = identities;
    }

    @Override
    public UserAuthPublicKey createUserAuth(ClientSession session) {
        return new SignedFirst(getSignatureFactories());
    }

    private final class SignedFirst extends UserAuthPublicKey {
        SignedFirst(List<NamedFactory<Signature>> factories) {
            super(factories);
        }

        @Override
        protected Iterator<PublicKeyIdentity> createPublicKeyIterator(ClientSession s,
                SignatureFactoriesManager signatures) throws Exception {
            Connection connection = Connection.of(s);
            SshSettings settings = connection.settingsOf(s);
            return identities.of(s, settings, signatures, connection.keyNotes).iterator();
        }

        @Override
        protected boolean sendAuthDataRequest(ClientSession session, String service) throws Exception {
            if (!(session instanceof ExtensionInfoSession held)) {
                return super.sendAuthDataRequest(session, service);
            }
            ExtensionInfoSession.HeldBack question = held.holdingBackRequest(
                    () -> super.sendAuthDataRequest(session, service));
            if (question.request() == null) {
                return question.sent();
            }
            if (!signsWithoutAsking(current) || !namedByHost(session, chosenAlgorithm)) {
                session.writePacket(question.request());
                return true;
            }
            // MINA's own answer to an accepted key makes the signed request (host-bound, certificates)
            Buffer accepted = new ByteArrayBuffer();
            accepted.putByte(SshConstants.SSH_MSG_USERAUTH_PK_OK);
            accepted.putString(chosenAlgorithm);
            accepted.putPublicKey(current.getKeyIdentity().getPublic());
            return processAuthDataRequest(session, service, accepted);
        }
    }

    private static boolean namedByHost(ClientSession session, String algorithm) {
        Set<String> named = session.getAttribute(DefaultClientKexExtensionHandler.SERVER_ALGORITHMS);
        return named != null && named.contains(algorithm);
    }

    /** A key this process holds (not an agent's, not a security key's) signs without a touch or a prompt. */
    static boolean signsWithoutAsking(PublicKeyIdentity identity) {
        if (!(identity instanceof KeyPairIdentity)) {
            return false;
        }
        String type = KeyUtils.getKeyType(identity.getKeyIdentity().getPublic());
        return type != null && !type.startsWith("sk-");
    }
}
