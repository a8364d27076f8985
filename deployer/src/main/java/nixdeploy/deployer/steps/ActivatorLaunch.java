package nixdeploy.deployer.steps;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.remote.RemoteHost;

/** How a host runs the activator: which java, which jar, and our runtime to send with them, if used. */
record ActivatorLaunch(String java, String jar, Optional<String> runtime) {

    /** The {@code javaPath} the profile names; the host is not asked. */
    static ActivatorLaunch with(String javaPath, String jar) {
        return new ActivatorLaunch(javaPath, jar, Optional.empty());
    }

    /**
     * The profile's {@code javaPath}; else what {@link #choose} makes of the host's answer to the
     * probe, asked on {@code host} in a command of its own (a deploy asks in its gated shell).
     */
    static ActivatorLaunch ask(RemoteHost host, ProfilePlan plan, String jar, Optional<ActivatorRuntime> runtime)
            throws IOException, DeployException {
        if (plan.javaPath().isPresent()) {
            return with(plan.javaPath().get(), jar);
        }
        String answer = host.run(HostJava.probeCommand(), "", Duration.ofSeconds(60)).stdout();
        return choose(HostJava.parse(answer), jar, runtime, plan.hostname());
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
