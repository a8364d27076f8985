package nixdeploy.deployer.remote.mina;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void replacesBothNamesOfSntrup761AndKeepsTheOrderAndTheOthers() {
        List<KeyExchangeFactory> mina = org.apache.sshd.client.ClientBuilder.setUpDefaultKeyExchanges(true);

        List<KeyExchangeFactory> replaced = SntrupKeysAhead.replacing(mina);

        assertThat(replaced).extracting(KeyExchangeFactory::getName)
                .containsExactlyElementsOf(mina.stream().map(KeyExchangeFactory::getName).toList());
        assertThat(replaced).filteredOn(f -> f.getName().startsWith("sntrup761")).hasSize(2)
                .noneMatch(mina::contains);
        assertThat(replaced).filteredOn(f -> !f.getName().startsWith("sntrup761"))
                .containsExactlyElementsOf(mina.stream().filter(f -> !f.getName().startsWith("sntrup761")).toList());
    }
}
