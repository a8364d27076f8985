package nixdeploy.deployer.steps;

import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/** How a host runs the activator: which java, which jar, and our runtime to send with them, if used. */
record ActivatorLaunch(String java, String jar, Optional<String> runtime) {

    /** The {@code javaPath} the profile names; the host is not asked. */
    static ActivatorLaunch with(String javaPath, String jar) {
        return new ActivatorLaunch(javaPath, jar, Optional.empty());
    }

    /**
     * The host's own Java when it is new enough; else our runtime, when it is for the host's system;
     * else the error that says so, before anything on the host changed.
     */
    static ActivatorLaunch choose(HostJava onHost, String jar, Optional<ActivatorRuntime> runtime, String hostname)
            throws DeployException {
        if (onHost.suitable()) {
            return new ActivatorLaunch(onHost.path().orElseThrow(), jar, Optional.empty());
        }
        if (runtime.isPresent() && runtime.get().system().equals(onHost.system())) {
            return new ActivatorLaunch(runtime.get().java(), jar, Optional.of(runtime.get().storePath()));
        }
        String why = runtime.isEmpty()
                ? "this deployer carries no Java runtime to send (nixdeploy's Nix package does)"
                : "this deployer's Java runtime is for " + runtime.get().system() + " hosts, and this host is "
                        + onHost.system();
        throw new DeployException(ExitCode.HOST_UNSUPPORTED, hostname + " has no Java " + HostJava.NEEDED
                + " or newer to run the activator (" + onHost.found() + "), and " + why + ". Nothing was changed. "
                + "Deploy with nixdeploy's Nix package (nix run), install Java " + HostJava.NEEDED
                + "+ on the host, or set javaPath to one there (lib.withJre puts a JRE into the profile).");
    }
}
