package nixdeploy.deployer.remote.mina;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import nixdeploy.deployer.Causes;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.remote.SshSettings;

/** Says in the user's words why a connection failed and what to do, never in MINA's. */
final class ConnectFailure {
    private ConnectFailure() {}

    static DeployException of(SshSettings settings, Connection connection, Exception e) {
        String where = settings.describe()
                + (settings.hostName().equals(settings.alias()) ? "" : " (" + settings.alias() + ")")
                + settings.proxyJump().map(j -> " through " + j).orElse("");
        String hostKeyProblem = connection.hostKeyProblem.get();
        if (hostKeyProblem != null) {
            return new DeployException(ExitCode.CONNECT_FAILED, "refusing to connect to " + where + ": "
                    + hostKeyProblem, e);
        }
        Throwable root = Causes.root(e);
        String detail = Causes.rootMessage(e);
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new DeployException(ExitCode.CONNECT_FAILED, "cannot connect to " + where + ": " + detail
                    + ". Is the host up and sshd listening on port " + settings.port() + "?", e);
        }
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return new DeployException(ExitCode.CONNECT_FAILED, "cannot resolve host name " + settings.hostName()
                    + (settings.hostName().equals(settings.alias()) ? "" : " (HostName of " + settings.alias() + ")")
                    + ". Check the name, or define it in ~/.ssh/config (Host " + settings.alias()
                    + " / HostName ...).", e);
        }
        if (root instanceof IllegalArgumentException) {
            return new DeployException(ExitCode.CONNECT_FAILED, "cannot connect to " + where + ": " + detail, e);
        }
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (text.contains("timeout") || text.contains("timed out")) {
            return new DeployException(ExitCode.CONNECT_FAILED, "connecting to " + where + " timed out after "
                    + settings.connectTimeout().toSeconds() + " s. Is the host reachable?", e);
        }
        if (text.contains("auth") || text.contains("no more authentication methods")) {
            return new DeployException(ExitCode.CONNECT_FAILED, "authentication to " + where + " failed: no key was "
                    + "accepted" + notes(connection) + ". " + hint(settings), e);
        }
        if (text.contains("negotiat")) {
            return new DeployException(ExitCode.CONNECT_FAILED, "cannot agree on algorithms with " + where + ": "
                    + detail + " (see HostKeyAlgorithms)", e);
        }
        return new DeployException(ExitCode.CONNECT_FAILED, "SSH connection to " + where + " failed: " + detail, e);
    }

    private static String notes(Connection connection) {
        synchronized (connection.keyNotes) {
            return connection.keyNotes.isEmpty() ? "" : " (" + String.join("; ", connection.keyNotes) + ")";
        }
    }

    private static String hint(SshSettings settings) {
        String jump = settings.proxyJump().isPresent() ? " A jump host logs in with its own IdentityFile from "
                + "~/.ssh/config, the default keys or ssh-agent (-i applies to the destination only, as with OpenSSH)."
                : "";
        if (settings.identityFilesExplicit()) {
            return "Check that the key " + settings.identityFiles() + " is authorized for " + settings.user()
                    + " on the host, and the user name." + jump;
        }
        return "Pass a key with --ssh-opts '-i KEY', set IdentityFile in ~/.ssh/config, or check the user name."
                + jump;
    }
}
