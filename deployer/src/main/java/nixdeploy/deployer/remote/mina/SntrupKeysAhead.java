package nixdeploy.deployer.remote.mina;

import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import nixdeploy.deployer.Background;
import org.apache.sshd.client.kex.DHGClient;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.digest.Digest;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.DHFactory;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.kex.MontgomeryCurve;
import org.apache.sshd.common.kex.XDH;

/**
 * The default key exchange of OpenSSH 9.0 to 9.8, {@code sntrup761x25519-sha512}, with the client's sntrup761 key
 * pair made ahead of the connection that uses it. Making one takes Bouncy Castle 20 to 70 ms of
 * CPU (the X25519 half well under 1), which MINA spends inside the key exchange, on the critical
 * path of every connection. Here a background thread makes one for the first connection while the
 * deployer starts and evaluates, and one for each connection announced to follow a connection
 * one of whose sessions (the host's, a jump host's) used sntrup761 (a confirmation's, while the
 * activation runs); a connection that finds none makes its own, as MINA would. Each pair
 * is used for one connection only and lives in memory only, as one made in the key exchange does.
 */
final class SntrupKeysAhead {
    private static final Set<String> NAMES = Set.of(BuiltinDHFactories.sntrup761x25519_openssh.getName(),
            BuiltinDHFactories.sntrup761x25519.getName());
    private static final Queue<CompletableFuture<KeyEncapsulationMethod.Client>> AHEAD = new ConcurrentLinkedQueue<>();

    private SntrupKeysAhead() {}

    /** Starts making a key pair for a connection to come (the first one; one that will follow). */
    static void prime() {
        if (BuiltinKEM.sntrup761.isSupported()) {
            AHEAD.add(Background.supply(SntrupKeysAhead::make));
        }
    }

    /** Whether {@code algorithm}, a negotiated key exchange (or null), is an sntrup761 one. */
    static boolean isSntrup(String algorithm) {
        return algorithm != null && NAMES.contains(algorithm);
    }

    /** How many key pairs are made or being made ahead. */
    static int ahead() {
        return AHEAD.size();
    }

    /** A key pair made ahead, or one made now when none was. */
    private static KeyEncapsulationMethod.Client take() {
        CompletableFuture<KeyEncapsulationMethod.Client> made = AHEAD.poll();
        if (made == null) {
            return make();
        }
        try {
            return made.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static KeyEncapsulationMethod.Client make() {
        KeyEncapsulationMethod.Client client = BuiltinKEM.sntrup761.getClient();
        client.init();
        return client;
    }

    /** MINA's key exchanges, with the sntrup761 ones (both names) replaced by these. */
    static List<KeyExchangeFactory> replacing(List<KeyExchangeFactory> factories) {
        return factories.stream()
                .map(f -> NAMES.contains(f.getName()) ? DHGClient.newFactory(new Factory(f.getName())) : f)
                .toList();
    }

    record Factory(String getName) implements DHFactory {
        @Override
        public boolean isGroupExchange() {
            return false;
        }

        @Override
        public boolean isSupported() {
            return BuiltinDHFactories.sntrup761x25519_openssh.isSupported();
        }

        @Override
        public AbstractDH create(Object... params) throws Exception {
            if (params != null && params.length > 0) {
                throw new IllegalArgumentException("no parameters for " + getName);
            }
            return new XDH(MontgomeryCurve.x25519, true) {
                @Override
                public KeyEncapsulationMethod getKeyEncapsulation() {
                    return new Prepared();
                }

                @Override
                public Digest getHash() throws Exception {
                    return BuiltinDigests.sha512.create();
                }
            };
        }
    }

    /** The client side only: a key pair taken when the key exchange asks for it; its init() is done. */
    private static final class Prepared implements KeyEncapsulationMethod {
        @Override
        public Client getClient() {
            KeyEncapsulationMethod.Client made = take();
            return new Client() {
                @Override
                public void init() {
                    // made ahead
                }

                @Override
                public byte[] getPublicKey() {
                    return made.getPublicKey();
                }

                @Override
                public byte[] extractSecret(byte[] server) {
                    return made.extractSecret(server);
                }

                @Override
                public int getEncapsulationLength() {
                    return made.getEncapsulationLength();
                }
            };
        }

        @Override
        public Server getServer() {
            throw new UnsupportedOperationException("the deployer is a client");
        }
    }
}
