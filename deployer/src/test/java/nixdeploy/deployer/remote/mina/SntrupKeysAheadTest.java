package nixdeploy.deployer.remote.mina;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sntrup761x25519 with key pairs made ahead: still the same exchange, with a new pair each time. */
class SntrupKeysAheadTest {
    @BeforeAll
    static void bouncyCastle() {
        SecurityUtils.isBouncyCastleRegistered();
        SntrupKeysAhead.prime();
    }

    private static KeyEncapsulationMethod.Client client() throws Exception {
        return new SntrupKeysAhead.Factory(BuiltinDHFactories.sntrup761x25519_openssh.getName()).create()
                .getKeyEncapsulation().getClient();
    }

    @Test
    void aKeyPairMadeAheadAgreesWithTheServerOnTheSecret() throws Exception {
        KeyEncapsulationMethod.Client client = client();
        client.init();
        KeyEncapsulationMethod.Server server = BuiltinKEM.sntrup761.getServer();

        server.init(client.getPublicKey());

        assertThat(client.extractSecret(server.getEncapsulation())).isEqualTo(server.getSecret());
    }

    @Test
    void eachKeyExchangeTakesAKeyPairOfItsOwn() throws Exception {
        assertThat(client().getPublicKey()).isNotEqualTo(client().getPublicKey());
    }

    /** Against MINA's own server, which checks the exchange hash's signature: both names, as MINA does them. */
    @ParameterizedTest
    @ValueSource(strings = {"sntrup761x25519-sha512@openssh.com", "sntrup761x25519-sha512"})
    void aServerOfferingOnlySntrup761AgreesAndAuthenticates(String kex) throws Exception {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
        server.setKeyExchangeFactories(server.getKeyExchangeFactories().stream()
                .filter(f -> f.getName().equals(kex)).toList());
        server.setPasswordAuthenticator((user, password, session) -> "secret".equals(password));
        SshClient client = SshClient.setUpDefaultClient();
        client.setKeyExchangeFactories(SntrupKeysAhead.replacing(client.getKeyExchangeFactories()));
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        server.start();
        client.start();
        try (ClientSession session = client.connect("test", "127.0.0.1", server.getPort()).verify(10_000).getSession()) {
            session.addPasswordIdentity("secret");
            session.auth().verify(10_000);

            assertThat(session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS)).isEqualTo(kex);
        } finally {
            client.stop();
            server.stop(true);
        }
    }

    @Test
    void replacesBothNamesOfSntrup761AndKeepsTheOrderAndTheOthers() {
        List<KeyExchangeFactory> mina = ClientBuilder.setUpDefaultKeyExchanges(true);

        List<KeyExchangeFactory> replaced = SntrupKeysAhead.replacing(mina);

        assertThat(replaced).extracting(KeyExchangeFactory::getName)
                .containsExactlyElementsOf(mina.stream().map(KeyExchangeFactory::getName).toList());
        assertThat(replaced).filteredOn(f -> f.getName().startsWith("sntrup761")).hasSize(2)
                .noneMatch(mina::contains);
        assertThat(replaced).filteredOn(f -> !f.getName().startsWith("sntrup761"))
                .containsExactlyElementsOf(mina.stream().filter(f -> !f.getName().startsWith("sntrup761")).toList());
    }
}
