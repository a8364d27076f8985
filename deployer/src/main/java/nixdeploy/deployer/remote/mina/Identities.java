package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import nixdeploy.deployer.remote.SshSettings;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.client.auth.pubkey.KeyAgentIdentity;
import org.apache.sshd.client.auth.pubkey.KeyPairIdentity;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.signature.SignatureFactoriesManager;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The keys one session offers, in the order DESIGN.md fixes: the identity files ({@code -i}, then
 * IdentityFile, else OpenSSH's default files), each signed through ssh-agent when the agent holds
 * it, then the agent's other keys unless IdentitiesOnly. A passphrase is asked on the terminal
 * once per run; off a terminal an encrypted key the agent lacks is skipped and named in a note.
 */
final class Identities {
    private final Map<Path, KeyPair> decrypted = new ConcurrentHashMap<>();
    private final PassphrasePrompt prompt;

    Identities(PassphrasePrompt prompt) {
        this.prompt = prompt;
    }

    List<PublicKeyIdentity> of(ClientSession session, SshSettings settings, SignatureFactoriesManager signatures,
            List<String> notes) throws IOException {
        SshAgent agent = settings.identityAgent().filter(Files::exists).map(UnixSocketAgent::new).orElse(null);
        List<Map.Entry<PublicKey, String>> agentKeys = new ArrayList<>();
        if (agent != null) {
            try {
                agent.getIdentities().forEach(agentKeys::add);
            } catch (IOException e) {
                notes.add("ssh-agent at " + settings.identityAgent().get() + " did not answer: " + e.getMessage());
            }
        }
        List<PublicKeyIdentity> identities = new ArrayList<>();
        for (Path file : settings.identityFiles()) {
            PublicKey pub = publicKey(file);
            Map.Entry<PublicKey, String> held = agentKeys.stream()
                    .filter(e -> pub != null ? KeyUtils.compareKeys(e.getKey(), pub) : file.toString().equals(e.getValue()))
                    .findFirst().orElse(null);
            if (held != null) {
                agentKeys.remove(held);
                identities.add(new KeyAgentIdentity(agent, held.getKey(), held.getValue()));
                continue;
            }
            KeyPair pair = privateKey(file, settings.identityFilesExplicit(), notes);
            if (pair != null) {
                identities.add(new KeyPairIdentity(signatures, session, pair));
            }
        }
        if (!settings.identitiesOnly()) {
            for (Map.Entry<PublicKey, String> key : agentKeys) {
                identities.add(new KeyAgentIdentity(agent, key.getKey(), key.getValue()));
            }
        }
        return identities;
    }

    private static PublicKey publicKey(Path file) {
        Path pub = file.resolveSibling(file.getFileName() + ".pub");
        if (!Files.isReadable(pub)) {
            return null;
        }
        try {
            List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(pub);
            return entries.isEmpty() ? null
                    : entries.get(0).resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private KeyPair privateKey(Path file, boolean explicit, List<String> notes) {
        if (!Files.exists(file)) {
            if (explicit) {
                notes.add("identity file " + file + " does not exist");
            }
            return null;
        }
        KeyPair cached = decrypted.get(file);
        if (cached != null) {
            return cached;
        }
        try {
            return load(file, FilePasswordProvider.EMPTY);
        } catch (Encrypted e) {
            return askPassphrase(file, notes);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            notes.add("cannot use identity file " + file + ": " + e.getMessage());
            return null;
        }
    }

    private KeyPair askPassphrase(Path file, List<String> notes) {
        if (!prompt.available()) {
            notes.add(file + " is protected by a passphrase and ssh-agent does not hold it; load it with "
                    + "ssh-add " + file + " (or run deploy on a terminal to be asked for the passphrase)");
            return null;
        }
        synchronized (prompt) {
            KeyPair cached = decrypted.get(file);
            if (cached != null) {
                return cached;
            }
            for (int attempt = 0; attempt < 3; attempt++) {
                char[] passphrase = prompt.ask("Enter passphrase for key '" + file + "': ");
                if (passphrase == null || passphrase.length == 0) {
                    break;
                }
                String text = new String(passphrase);
                java.util.Arrays.fill(passphrase, '\0');
                try {
                    KeyPair pair = load(file, (s, r, i) -> text);
                    decrypted.put(file, pair);
                    return pair;
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    prompt.say("Bad passphrase.");
                }
            }
        }
        notes.add(file + " was skipped: no right passphrase was given");
        return null;
    }

    private static KeyPair load(Path file, FilePasswordProvider passwords) throws IOException, GeneralSecurityException {
        FilePasswordProvider guarded = (session, resource, retry) -> {
            if (passwords == FilePasswordProvider.EMPTY) {
                throw new Encrypted();
            }
            return passwords.getPassword(session, resource, retry);
        };
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, file::toString, in, guarded);
            if (pairs == null || !pairs.iterator().hasNext()) {
                throw new IOException("no private key in it");
            }
            return pairs.iterator().next();
        }
    }

    /** Thrown when a key file turns out to need a passphrase. */
    private static final class Encrypted extends RuntimeException {
        Encrypted() {
            super("encrypted", null, false, false);
        }
    }
}
