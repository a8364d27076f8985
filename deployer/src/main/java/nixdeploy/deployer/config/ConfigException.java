package nixdeploy.deployer.config;

import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/** The flake's {@code deploy} output or the command line asks for something that cannot be. */
public final class ConfigException extends DeployException {
    public ConfigException(String message) {
        super(ExitCode.BAD_INPUT, message);
    }
}
