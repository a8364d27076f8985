package nixdeploy.deployer.remote;

import java.util.Set;

/** Which ssh_config keywords nixdeploy honours, and which it knows to make no difference to it. */
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

    static boolean honoured(String keyword) {
        return HONOURED.contains(keyword);
    }

    static boolean noEffect(String keyword) {
        return NO_EFFECT.contains(keyword);
    }
}
