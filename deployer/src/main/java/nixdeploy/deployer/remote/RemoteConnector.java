package nixdeploy.deployer.remote;

import nixdeploy.deployer.DeployException;

/** Opens connections; every call makes a new TCP connection with new authentication. */
public interface RemoteConnector extends AutoCloseable {
    RemoteHost connect(SshTarget target) throws DeployException;

    @Override
    void close();
}
