package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import nixdeploy.deployer.remote.KnownHostsName;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The known_hosts lines that name one host, from the user's and the global files, read as OpenSSH
 * reads them: plain and hashed names, {@code [host]:port}, {@code @cert-authority} and
 * {@code @revoked} ({@link KnownHostsPattern}). A line that cannot be parsed is skipped, as OpenSSH
 * skips it; a file that exists but cannot be read is an error ({@link KnownHostsText}).
 */
final class KnownHosts {
    /** A line naming the host. */
    record Line(Path file, int number, String marker, PublicKey key) {
        boolean isCa() {
            return "cert-authority".equals(marker);
        }

        boolean isRevoked() {
            return "revoked".equals(marker);
        }

        String where() {
            return file + " line " + number;
        }
    }

    /** What the files say about a key the host showed. */
    sealed interface Verdict {}

    record Known(Line line) implements Verdict {}

    record Revoked(Line line) implements Verdict {}

    /** The host is listed with another key of the same type. */
    record Changed(Line line) implements Verdict {}

    /** The host is not listed with this key's type; {@code otherTypes} are the types it is listed with. */
    record Unknown(Set<String> otherTypes) implements Verdict {}

    private final List<Line> lines;

    private KnownHosts(List<Line> lines) {
        this.lines = lines;
    }

    /** The lines of {@code files} that name {@code name} ({@link KnownHostsPattern}). */
    static KnownHosts of(List<Path> files, KnownHostsName name) throws IOException {
        List<Line> lines = new ArrayList<>();
        for (Path file : files) {
            List<String> text = KnownHostsText.lines(file);
            for (int n = 0; n < text.size(); n++) {
                Line line = parse(file, n + 1, text.get(n), name.toString());
                if (line != null) {
                    lines.add(line);
                }
            }
        }
        return new KnownHosts(lines);
    }

    private static Line parse(Path file, int number, String text, String name) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return null;
        }
        String[] fields = trimmed.split("\\s+", 3);
        String hostField = fields[0].startsWith("@") ? (fields.length > 1 ? fields[1] : "") : fields[0];
        if (!KnownHostsPattern.matches(hostField, name)) {
            return null;
        }
        try {
            KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(trimmed);
            if (entry == null || entry.getKeyEntry() == null) {
                return null;
            }
            PublicKey key = entry.getKeyEntry().resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
            return key == null ? null : new Line(file, number, entry.getMarker(), key);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** The key types the host is listed with (certificate authorities apart). */
    Set<String> keyTypes() {
        Set<String> types = new LinkedHashSet<>();
        for (Line line : lines) {
            if (line.marker() == null) {
                types.add(KeyUtils.getKeyType(line.key()));
            }
        }
        return types;
    }

    /** Whether a certificate authority is trusted for the host. */
    boolean hasCertificateAuthority() {
        return lines.stream().anyMatch(Line::isCa);
    }

    /**
     * Judges {@code shown}: a revoked key is refused first, a certificate's own plain key included
     * (OpenSSH's check_key_not_revoked), then its authority's; a certificate signed by a listed
     * authority is known; any other certificate is judged by its plain key, as OpenSSH falls back to it.
     */
    Verdict judge(PublicKey shown) {
        OpenSshCertificate cert = shown instanceof OpenSshCertificate c ? c : null;
        PublicKey plain = cert == null ? shown : cert.getCertPubKey();
        Line revoked = revokedLine(plain);
        if (revoked == null && cert != null) {
            revoked = revokedLine(cert.getCaPubKey());
        }
        if (revoked != null) {
            return new Revoked(revoked);
        }
        if (cert != null) {
            for (Line line : lines) {
                if (line.isCa() && KeyUtils.compareKeys(line.key(), cert.getCaPubKey())) {
                    return new Known(line);
                }
            }
        }
        String type = KeyUtils.getKeyType(plain);
        Line sameType = null;
        for (Line line : lines) {
            if (line.marker() != null) {
                continue;
            }
            if (KeyUtils.compareKeys(line.key(), plain)) {
                return new Known(line);
            }
            if (sameType == null && KeyUtils.getKeyType(line.key()).equals(type)) {
                sameType = line;
            }
        }
        return sameType != null ? new Changed(sameType) : new Unknown(keyTypes());
    }

    private Line revokedLine(PublicKey key) {
        return lines.stream().filter(l -> l.isRevoked() && KeyUtils.compareKeys(l.key(), key)).findFirst().orElse(null);
    }
}
