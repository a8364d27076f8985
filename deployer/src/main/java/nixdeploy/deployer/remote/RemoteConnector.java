package nixdeploy.deployer.remote;

import nixdeploy.deployer.DeployException;

/** Opens connections; every call makes a new TCP connection with new authentication. */
public interface RemoteConnector extends AutoCloseable {
    RemoteHost connect(SshTarget target) throws DeployException;

    /**
     * Another connection will follow (a confirmation's), like {@code model} (to the same host):
     * what it needs may be made ahead, off its path.
     */
    default void expectConnection(RemoteHost model) {
    }

    @Override
    void close();
}
