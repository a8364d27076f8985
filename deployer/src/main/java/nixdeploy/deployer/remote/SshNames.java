package nixdeploy.deployer.remote;

/**
 * Refuses a destination host name or user name that could break out of a shell command, as
 * OpenSSH 9.6's {@code valid_hostname} and {@code valid_ruser} do (CVE-2023-51385): ssh_config's
 * {@code Match exec} pastes {@code %h}, {@code %n} and {@code %r} unquoted into {@code $SHELL -c},
 * and these names come from the flake (a node's hostname, its sshUser) or the command line.
 * Checked before any ssh_config line is read.
 */
final class SshNames {
    private static final String HOST_FORBIDDEN = "'`\"$\\;&<>|(){}";
    private static final String USER_FORBIDDEN = "'`\";&<>|(){}";

    private SshNames() {}

    static void checkHost(String host) {
        boolean valid = !host.isEmpty() && host.charAt(0) != '-';
        for (int i = 0; valid && i < host.length(); i++) {
            char c = host.charAt(i);
            valid = HOST_FORBIDDEN.indexOf(c) < 0 && !isSpace(c) && !Character.isISOControl(c);
        }
        if (!valid) {
            throw new IllegalArgumentException("the host name '" + host + "' contains characters OpenSSH refuses in "
                    + "a host name (a leading -, spaces, control characters or any of " + HOST_FORBIDDEN + "); "
                    + "check the node's hostname");
        }
    }

    static void checkUser(String user) {
        boolean valid = !user.isEmpty();
        for (int i = 0; valid && i < user.length(); i++) {
            char c = user.charAt(i);
            char next = i + 1 < user.length() ? user.charAt(i + 1) : 0;
            valid = USER_FORBIDDEN.indexOf(c) < 0 && !(isSpace(c) && next == '-') && !(c == '\\' && next == 0);
        }
        if (!valid) {
            throw new IllegalArgumentException("the user name '" + user + "' contains characters OpenSSH refuses in "
                    + "a remote user name (any of " + USER_FORBIDDEN + ", a - after a space, a trailing \\); "
                    + "check the node's sshUser and -l / User in --ssh-opts");
        }
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
