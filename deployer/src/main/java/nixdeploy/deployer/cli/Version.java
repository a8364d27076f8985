package nixdeploy.deployer.cli;

import nixdeploy.protocol.Events;
import picocli.CommandLine.IVersionProvider;

/** {@code deploy --version}. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {"nixdeploy " + (version == null ? "development build" : version)
                + " (activator protocol " + Events.PROTOCOL_VERSION + ")"};
    }
}
