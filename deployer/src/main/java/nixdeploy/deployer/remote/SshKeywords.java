package nixdeploy.deployer.remote;

import java.util.Set;

/**
 * Which ssh_config keywords nixdeploy honours, which it knows to make no difference to it, and
 * which of those may be ignored quietly.
 *
 * <p>The rule for quiet: a keyword is {@link #harmless} when ignoring it cannot change which host
 * is reached, how the connection is authenticated, or how the host key is verified (environment
 * passing, GSSAPI, logging, keepalives, agent and X11 forwarding left off, and so on). Such a
 * setting in the system-wide /etc/ssh/ssh_config (Debian's sets {@code SendEnv LANG LC_*} and
 * {@code GSSAPIAuthentication yes}) is a debug note; from the user's own config or from
 * {@code -o} it is still a warning, and every other ignored keyword is a warning wherever it comes from.
 */
final class SshKeywords {
    private SshKeywords() {}

    static final Set<String> HONOURED = Set.of("hostname", "port", "user", "identityfile", "identitiesonly",
            "identityagent", "proxyjump", "proxycommand", "connecttimeout", "userknownhostsfile",
            "globalknownhostsfile", "stricthostkeychecking", "hostkeyalgorithms", "hostkeyalias", "hashknownhosts");

    /** Settings about things nixdeploy never does (terminals, forwarding, multiplexing, logging). */
    static final Set<String> NO_EFFECT = Set.of("batchmode", "controlmaster", "controlpath", "controlpersist",
            "serveraliveinterval", "serveralivecountmax", "loglevel", "compression", "sendenv", "setenv",
            "forwardagent", "forwardx11", "forwardx11trusted", "requesttty", "addkeystoagent", "visualhostkey",
            "updatehostkeys", "escapechar", "permitlocalcommand", "localcommand", "exitonforwardfailure",
            "tcpkeepalive", "usekeychain", "gssapiauthentication", "gssapidelegatecredentials",
            "passwordauthentication", "kbdinteractiveauthentication", "challengeresponseauthentication",
            "checkhostip", "addressfamily", "ipqos", "numberofpasswordprompts", "syslogfacility", "logverbose",
            "clearallforwardings", "forwardx11timeout", "streamlocalbindmask", "streamlocalbindunlink",
            "ignoreunknown", "obscurekeystroketiming", "sessiontype", "stdinnull", "forkafterauthentication");

    /**
     * Keywords whose absence cannot change the host reached, the authentication or the host-key
     * check, whatever their value. Not here on purpose: CheckHostIP, UpdateHostKeys, VerifyHostKeyDNS,
     * RevokedHostKeys (verification), AddressFamily, BindAddress, Canonicalize* (reachability),
     * BatchMode, Ciphers, MACs, KexAlgorithms, PubkeyAcceptedAlgorithms, CertificateFile (security).
     */
    private static final Set<String> HARMLESS = Set.of("sendenv", "setenv", "gssapiauthentication",
            "gssapidelegatecredentials", "gssapikeyexchange", "gssapitrustdns", "gssapiclientidentity",
            "gssapiserveridentity", "gssapirenewalforcesrekey", "gssapikexalgorithms", "addkeystoagent", "usekeychain",
            "visualhostkey", "loglevel", "logverbose", "syslogfacility", "serveraliveinterval", "serveralivecountmax",
            "tcpkeepalive", "compression", "forwardx11trusted", "forwardx11timeout", "requesttty", "escapechar",
            "ipqos", "passwordauthentication", "kbdinteractiveauthentication", "challengeresponseauthentication",
            "numberofpasswordprompts", "obscurekeystroketiming", "controlmaster", "controlpath", "controlpersist");

    /** Keywords harmless only with this value: forwarding left off. */
    private static final Set<String> HARMLESS_WHEN_NO = Set.of("forwardagent", "forwardx11");

    static boolean honoured(String keyword) {
        return HONOURED.contains(keyword);
    }

    static boolean noEffect(String keyword) {
        return NO_EFFECT.contains(keyword);
    }

    /** Whether ignoring {@code keyword} set to {@code value} is harmless (see the class comment). */
    static boolean harmless(String keyword, String value) {
        return HARMLESS.contains(keyword) || (HARMLESS_WHEN_NO.contains(keyword) && "no".equalsIgnoreCase(value));
    }
}
