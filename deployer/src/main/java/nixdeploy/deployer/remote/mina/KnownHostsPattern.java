package nixdeploy.deployer.remote.mina;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import nixdeploy.deployer.remote.HostPatterns;

/**
 * Whether the host field of a known_hosts line names a host, as OpenSSH's {@code hostkeys_foreach}
 * decides it: the name looked up is one string ({@code host}, or {@code [host]:port} off port 22, or
 * a HostKeyAlias as written); a hashed field ({@code |1|salt|hash}) is HMAC-SHA1 of that exact
 * string; any other field is a pattern list globbed against it, case-insensitively, so {@code *}
 * matches {@code [host]:2222} too ({@code @revoked *} applies on every port). MINA's own matcher
 * treats a port apart, so it is not used.
 */
final class KnownHostsPattern {
    private static final String HASH_MAGIC = "|1|";

    private KnownHostsPattern() {}

    /** Whether {@code field} names {@code name} (the known_hosts form, such as {@code [h]:2222}). */
    static boolean matches(String field, String name) {
        if (field.startsWith(HASH_MAGIC)) {
            return hashMatches(field.substring(HASH_MAGIC.length()), name);
        }
        return HostPatterns.matchList(name, field, true) == 1;
    }

    /** {@code |1|salt|hash} for {@code name} with a fresh {@code salt} of 20 bytes. */
    static String hashed(String name, byte[] salt) throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getEncoder();
        return HASH_MAGIC + b64.encodeToString(salt) + "|" + b64.encodeToString(hmac(salt, name));
    }

    private static boolean hashMatches(String saltAndHash, String name) {
        int bar = saltAndHash.indexOf('|');
        if (bar < 0) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(saltAndHash.substring(0, bar));
            byte[] hash = Base64.getDecoder().decode(saltAndHash.substring(bar + 1));
            return MessageDigest.isEqual(hash, hmac(salt, name));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] hmac(byte[] salt, String name) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
    }
}
