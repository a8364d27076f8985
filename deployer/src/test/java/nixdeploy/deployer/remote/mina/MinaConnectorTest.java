package nixdeploy.deployer.remote.mina;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.remote.KnownHostsName;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshConfig;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshTarget;
import jdk.net.ExtendedSocketOptions;
import nixdeploy.io.HeadTailBuffer;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector against an in-process MINA server with Debian's default host keys (rsa, ecdsa,
 * ed25519): known_hosts variants as OpenSSH writes them, and keys.
 */
class MinaConnectorTest {
    @TempDir
    static Path dir;

    static SshServer server;
    static Path clientKey;
    static Path encryptedKey;
    static final List<String> warnings = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v ssh-keygen").start().waitFor() == 0);
        List<Path> hostKeys = new ArrayList<>();
        for (String type : List.of("rsa", "ecdsa", "ed25519")) {
            hostKeys.add(keygen("host_" + type, type, ""));
        }
        clientKey = keygen("client", "ed25519", "");
        encryptedKey = keygen("encrypted", "ed25519", "secret phrase");
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new FileKeyPairProvider(hostKeys));
        server.setPublickeyAuthenticator(new KeySetPublickeyAuthenticator("test",
                List.of(publicKey(clientKey), publicKey(encryptedKey))));
        server.setCommandFactory(new ProcessShellCommandFactory());
        server.start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }

    static Path keygen(String name, String type, String passphrase) throws Exception {
        return keygen(dir, name, type, passphrase);
    }

    static Path keygen(Path dir, String name, String type, String passphrase) throws Exception {
        Path file = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f",
                file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return file;
    }

    static PublicKey publicKey(Path key) throws Exception {
        return AuthorizedKeyEntry.readAuthorizedKeys(key.resolveSibling(key.getFileName() + ".pub")).get(0)
                .resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
    }

    static String hostLine(String type) throws IOException {
        String[] pub = Files.readString(dir.resolve("host_" + type + ".pub")).trim().split(" ");
        return "[127.0.0.1]:" + server.getPort() + " " + pub[0] + " " + pub[1];
    }

    RemoteHost connect(Path knownHosts, Path globalKnownHosts, String... more) throws DeployException {
        try (MinaConnector connector = connector()) {
            RemoteHost host = connector.connect(target(knownHosts, globalKnownHosts, more));
            host.close();
            return host;
        }
    }

    SshTarget target(Path knownHosts, Path globalKnownHosts, String... more) {
        List<String> opts = new ArrayList<>(List.of("-p", Integer.toString(server.getPort()),
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=" + globalKnownHosts,
                "-o", "IdentityAgent=none"));
        opts.addAll(List.of(more));
        if (opts.stream().noneMatch(o -> o.equals("-i"))) {
            opts.addAll(List.of("-i", clientKey.toString()));
        }
        return SshOptions.apply(SshTarget.of("127.0.0.1", "test"), opts, warnings::add);
    }

    MinaConnector connector() {
        Path home = dir.resolve("home");
        return new MinaConnector(warnings::add, new SshConfig(home, List.of(home.resolve(".ssh/config"))),
                new PassphrasePrompt() {
                    @Override
                    boolean available() {
                        return false;
                    }
                });
    }

    Path file(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void connectionsSendSmallPacketsAtOnceAndAcknowledgeWhatTheyReadAtOnce() throws Exception {
        Path known = file("known_nodelay", hostLine("ed25519"));
        try (MinaConnector connector = connector();
                MinaRemoteHost host = (MinaRemoteHost) connector.connect(target(known, dir.resolve("none")))) {
            Nio2Session io = (Nio2Session) host.session().getIoSession();
            assertThat(io.getSocket().getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
            if (io.getSocket().supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
                assertThat(io.getClass().getName()).contains("QuickAck");
                assertThat(host.run("echo acknowledged", "", java.time.Duration.ofSeconds(10)).stdout())
                        .isEqualTo("acknowledged\n");
            }
        }
    }

    @Test
    void theKeyExchangeIsMlKemsHybridWhenTheHostOffersItAsWithOpenSsh10() throws Exception {
        Path known = file("known_mlkem", hostLine("ed25519"));
        try (MinaConnector connector = connector();
                MinaRemoteHost host = (MinaRemoteHost) connector.connect(target(known, dir.resolve("none")))) {
            assertThat(host.session().getNegotiatedKexParameter(KexProposalOption.ALGORITHMS))
                    .isEqualTo("mlkem768x25519-sha256");
            int ahead = SntrupKeysAhead.ahead();
            connector.expectConnection(host);
            assertThat(SntrupKeysAhead.ahead()).as("no sntrup761 key made for the next").isEqualTo(ahead);
        }
    }

    @Test
    void aHostWithoutMlKemGetsSntrup761() throws Exception {
        List<KeyExchangeFactory> all = server.getKeyExchangeFactories();
        server.setKeyExchangeFactories(all.stream().filter(f -> !f.getName().startsWith("mlkem")).toList());
        Path known = file("known_sntrup", hostLine("ed25519"));
        try (MinaConnector connector = connector();
                MinaRemoteHost host = (MinaRemoteHost) connector.connect(target(known, dir.resolve("none")))) {
            assertThat(host.session().getNegotiatedKexParameter(KexProposalOption.ALGORITHMS))
                    .isEqualTo("sntrup761x25519-sha512");
            int ahead = SntrupKeysAhead.ahead();
            connector.expectConnection(host);
            assertThat(SntrupKeysAhead.ahead()).as("a key made for the next").isEqualTo(ahead + 1);
        } finally {
            server.setKeyExchangeFactories(all);
        }
    }

    @Test
    void aJumpHostWithoutMlKemHasAKeyMadeForTheConfirmationsJumpToo() throws Exception {
        SshServer jump = SshServer.setUpDefaultServer();
        jump.setHost("127.0.0.1");
        jump.setPort(0);
        jump.setKeyPairProvider(server.getKeyPairProvider());
        jump.setPublickeyAuthenticator(server.getPublickeyAuthenticator());
        jump.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        jump.setKeyExchangeFactories(jump.getKeyExchangeFactories().stream()
                .filter(f -> !f.getName().startsWith("mlkem")).toList());
        jump.start();
        // a jump host logs in with the keys of its own configuration, as with OpenSSH
        Path config = Files.createDirectories(dir.resolve("home/.ssh")).resolve("config");
        try {
            String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).trim().split(" ");
            Path known = file("known_jump", hostLine("ed25519"),
                    "[127.0.0.1]:" + jump.getPort() + " " + pub[0] + " " + pub[1]);
            Files.writeString(config, "Host jump\n  HostName 127.0.0.1\n  Port " + jump.getPort()
                    + "\n  User test\n  IdentityFile " + clientKey + "\n  IdentityAgent none\n  UserKnownHostsFile "
                    + known + "\n");
            try (MinaConnector connector = connector();
                    MinaRemoteHost host = (MinaRemoteHost) connector.connect(target(known, dir.resolve("none"),
                            "-J", "jump"))) {
                assertThat(host.session().getNegotiatedKexParameter(KexProposalOption.ALGORITHMS))
                        .isEqualTo("mlkem768x25519-sha256");
                int ahead = SntrupKeysAhead.ahead();
                connector.expectConnection(host);
                assertThat(SntrupKeysAhead.ahead()).as("a key made for the jump host's next").isEqualTo(ahead + 1);
            }
        } finally {
            Files.deleteIfExists(config);
            jump.stop(true);
        }
    }

    @Test
    void aHostKnownByItsEd25519KeyAloneIsAccepted() throws Exception {
        assertThat(connect(file("kh_ed", hostLine("ed25519")), Path.of("/dev/null")).user()).isEqualTo("test");
    }

    @Test
    void aHostKnownByItsRsaKeyAloneIsAccepted() throws Exception {
        connect(file("kh_rsa", hostLine("rsa")), Path.of("/dev/null"));
    }

    @Test
    void aHostKnownByItsEcdsaKeyAloneIsAccepted() throws Exception {
        connect(file("kh_ecdsa", hostLine("ecdsa")), Path.of("/dev/null"));
    }

    @Test
    void aKeyInTheGlobalFileHashedAsOpenSshHashesItIsAccepted() throws Exception {
        Path global = file("global", hostLine("ed25519"));
        Process p = new ProcessBuilder("ssh-keygen", "-H", "-f", global.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        assertThat(Files.readString(global)).startsWith("|1|");

        connect(dir.resolve("no_user_file"), global);
    }

    @Test
    void aDifferentKeyOfAKnownTypeIsAChangedKey() throws Exception {
        Path other = keygen("other_host", "ed25519", "");
        String[] pub = Files.readString(other.resolveSibling("other_host.pub")).trim().split(" ");
        Path knownHosts = file("kh_changed", "[127.0.0.1]:" + server.getPort() + " " + pub[0] + " " + pub[1]);

        assertThatThrownBy(() -> connect(knownHosts, Path.of("/dev/null")))
                .hasMessageContaining("has CHANGED").hasMessageContaining("kh_changed line 1");
    }

    @Test
    void anUnknownHostIsRefusedNamingTheFilesAndTheFingerprint() {
        assertThatThrownBy(() -> connect(dir.resolve("kh_none"), Path.of("/dev/null")))
                .hasMessageContaining("is not in").hasMessageContaining("SHA256:")
                .hasMessageContaining("StrictHostKeyChecking=accept-new");
    }

    @Test
    void acceptNewFromManyThreadsRecordsTheKeyOnceInWholeLines() throws Exception {
        Path knownHosts = dir.resolve("kh_parallel");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<RemoteHost>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> connect(knownHosts, Path.of("/dev/null"),
                        "-o", "StrictHostKeyChecking=accept-new")));
            }
            for (Future<RemoteHost> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
        List<String> lines = Files.readAllLines(knownHosts);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("[127.0.0.1]:" + server.getPort() + " ssh-ed25519 ");
        connect(knownHosts, Path.of("/dev/null"));
    }

    @Test
    void hostKeyAlgorithmsIsHonoured() throws Exception {
        Path knownHosts = file("kh_algs", hostLine("rsa"));

        connect(knownHosts, Path.of("/dev/null"), "-o", "HostKeyAlgorithms=rsa-sha2-512");
        assertThatThrownBy(() -> connect(knownHosts, Path.of("/dev/null"), "-o", "HostKeyAlgorithms=ssh-ed25519"))
                .hasMessageContaining("is not in");
    }

    @Test
    void anEncryptedKeyOffATerminalIsNamedWithHowToLoadIt() throws Exception {
        Path knownHosts = file("kh_enc", hostLine("ed25519"));

        assertThatThrownBy(() -> connect(knownHosts, Path.of("/dev/null"), "-i", encryptedKey.toString(),
                "-o", "IdentitiesOnly=yes"))
                .hasMessageContaining(encryptedKey + " is protected by a passphrase")
                .hasMessageContaining("ssh-add " + encryptedKey)
                .hasMessageNotContaining("Pass a key with");
    }

    static String otherKeyLine(String name, String hostPattern) throws Exception {
        Path other = keygen(name, "ed25519", "");
        String[] pub = Files.readString(other.resolveSibling(name + ".pub")).trim().split(" ");
        return hostPattern + " " + pub[0] + " " + pub[1];
    }

    static String pub(String type) throws IOException {
        String[] pub = Files.readString(dir.resolve("host_" + type + ".pub")).trim().split(" ");
        return pub[0] + " " + pub[1];
    }

    @Test
    void acceptNewRefusesAChangedKeyWhenAnotherLineIsNotUtf8() throws Exception {
        Path knownHosts = dir.resolve("kh_latin1");
        String host = "[127.0.0.1]:" + server.getPort();
        byte[] latin1 = ("other.example " + pub("rsa") + " caf\u00e9 in Latin-1\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(knownHosts, latin1);
        Files.write(knownHosts, (otherKeyLine("other_latin1", host) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        byte[] before = Files.readAllBytes(knownHosts);

        assertThatThrownBy(() -> connect(knownHosts, Path.of("/dev/null"), "-o", "StrictHostKeyChecking=accept-new"))
                .hasMessageContaining("has CHANGED").hasMessageContaining("kh_latin1 line 2");
        assertThat(Files.readAllBytes(knownHosts)).isEqualTo(before);
    }

    @Test
    void aRevokedLineIsHonouredWhenTheFileHasANonUtf8Comment() throws Exception {
        Path global = dir.resolve("global_latin1");
        Files.write(global, ("@revoked [127.0.0.1]:" + server.getPort() + " " + pub("ed25519") + " r\u00e9voqu\u00e9\n")
                .getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> connect(file("kh_revoked_latin1", hostLine("ed25519")), global))
                .hasMessageContaining("@revoked").hasMessageContaining("global_latin1 line 1");
    }

    @Test
    void aRevokedLineForEveryHostAppliesOffPort22AsWithOpenSsh() throws Exception {
        // OpenSSH globs "*" against "[127.0.0.1]:PORT"; MINA's matcher wanted the port in the pattern
        Path global = file("global_revoked_star", "@revoked * " + pub("ed25519"));

        assertThatThrownBy(() -> connect(file("kh_revoked_star", hostLine("ed25519")), global))
                .hasMessageContaining("@revoked").hasMessageContaining("global_revoked_star line 1");
    }

    @Test
    void aKnownHostsFileThatCannotBeReadRefusesTheConnection() throws Exception {
        Path unreadable = Files.createDirectories(dir.resolve("kh_is_a_folder"));

        assertThatThrownBy(() -> connect(unreadable, Path.of("/dev/null"), "-o", "StrictHostKeyChecking=accept-new"))
                .hasMessageContaining("cannot read known_hosts file " + unreadable);
    }

    @Test
    void aHostKeyAliasIsLookedUpAloneInLowerCaseAsWithOpenSsh() throws Exception {
        // ssh.c lower-cases HostKeyAlias and ssh-keygen -H hashes the lower-case name
        Path plain = file("kh_alias", "MyAlias " + pub("ed25519"));
        Path hashed = file("kh_alias_hashed", "MyAlias " + pub("ed25519"));
        Process p = new ProcessBuilder("ssh-keygen", "-H", "-f", hashed.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();

        connect(plain, Path.of("/dev/null"), "-o", "HostKeyAlias=MyAlias");
        connect(hashed, Path.of("/dev/null"), "-o", "HostKeyAlias=MyAlias");
    }

    @Test
    void acceptNewRefusesAChangedKeyListedUnderTheHostKeyAlias() throws Exception {
        Path knownHosts = file("kh_alias_changed", otherKeyLine("other_alias", "MyAlias"));

        assertThatThrownBy(() -> connect(knownHosts, Path.of("/dev/null"), "-o", "HostKeyAlias=MyAlias",
                "-o", "StrictHostKeyChecking=accept-new"))
                .hasMessageContaining("has CHANGED").hasMessageContaining("kh_alias_changed line 1");
        assertThat(Files.readAllLines(knownHosts)).hasSize(1);
    }

    @Test
    void acceptNewRecordsAHostKeyAliasWithoutThePort() throws Exception {
        Path knownHosts = dir.resolve("kh_alias_new");

        connect(knownHosts, Path.of("/dev/null"), "-o", "HostKeyAlias=MyAlias",
                "-o", "StrictHostKeyChecking=accept-new");

        assertThat(Files.readAllLines(knownHosts)).singleElement().asString().startsWith("myalias ssh-ed25519 ");
    }

    @Test
    void aChangedKeyLetThroughByStrictHostKeyCheckingNoIsALoudWarning() throws Exception {
        Path knownHosts = file("kh_changed_no", otherKeyLine("other_no", "[127.0.0.1]:" + server.getPort()));

        connect(knownHosts, Path.of("/dev/null"), "-o", "StrictHostKeyChecking=no");

        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("has CHANGED").contains("kh_changed_no line 1")
                .contains("Connecting ANYWAY").contains("StrictHostKeyChecking"));
    }

    @Test
    void acceptNewMakesAMissingSshFolderPrivateAndANewFileReadableOnlyByTheUser() throws Exception {
        Path knownHosts = dir.resolve("fresh_home/.ssh/known_hosts");

        connect(knownHosts, Path.of("/dev/null"), "-o", "StrictHostKeyChecking=accept-new");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts))).isEqualTo("rw-------");
    }

    @Test
    void twoNamesOfOneKnownHostsFileShareItsLock() throws Exception {
        PublicKey key = publicKey(dir.resolve("host_ed25519"));
        for (int round = 0; round < 10; round++) {
            Path real = dir.resolve("kh_real_" + round);
            Path link = Files.createSymbolicLink(dir.resolve("kh_link_" + round), real.getFileName());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Path name = i % 2 == 0 ? real : link;
                    runs.add(pool.submit(() -> {
                        KnownHostsWriter.append(name, new KnownHostsName("h", 22), key, false);
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(Files.readAllLines(real)).hasSize(1);
        }
    }

    @Test
    void aCommandPrintingHundredsOfMebibytesOnStderrKeepsOnlyItsTwoEnds() throws Exception {
        // the test server runs commands without a shell: a script file carries the pipeline
        Path script = file("loud-stderr.sh", "printf start >&2", "head -c 209715200 /dev/zero | tr '\\000' x >&2",
                "printf end >&2", "echo done");
        try (MinaConnector connector = connector();
                RemoteHost host = connector.connect(target(file("known-loud", hostLine("ed25519")), file("global-loud")));
                RemoteHost.RemoteProcess process = host.start("sh " + script)) {
            assertThat(new String(process.stdout().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("done\n");
            assertThat(process.waitFor(java.time.Duration.ofMinutes(5))).isZero();
            assertThat(process.stderr()).startsWith("startxxx").endsWith("xxxend")
                    .contains("[... " + (209715200 + "startend".length() - 2 * HeadTailBuffer.DEFAULT_KEEP)
                            + " bytes dropped ...]")
                    .hasSizeLessThan(2 * HeadTailBuffer.DEFAULT_KEEP + 64);
        }
    }
}
