package nixdeploy.deployer.health;

import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.remote.RemoteConnector;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.deployer.remote.SshTarget;

/**
 * What checks of one deployment reach the host through: its address (where the deploy's SSH
 * connection went, an ssh_config alias resolved), a fresh SSH connection, HTTP.
 */
public record CheckContext(String hostname, RemoteConnector connector, SshTarget target, HttpClient http) {

    /** A new SSH connection, never one that carried the deployment. */
    public RemoteHost connect() throws DeployException {
        return connector.connect(target);
    }
}
