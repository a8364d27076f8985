package nixdeploy.deployer.steps;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import nixdeploy.deployer.health.CheckContext;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.SshTarget;

/** Plans, invocations and a console that the steps' unit tests share. */
final class StepFixtures {
    static final String JAR = "/nix/store/00000000000000000000000000000000-activator.jar";
    static final String PROFILE = "/nix/var/nix/profiles/per-user/deploy/app";
    static final String DEPLOYMENT = "d-1";

    private StepFixtures() {}

    static ProfilePlan plan() {
        return new ProfilePlan("web", "app", "web", List.of(), "/nix/store/11111111111111111111111111111111-app",
                Optional.empty(), Settings.EMPTY, null, "");
    }

    static Invocation invocation() {
        return new Invocation(plan(), SshTarget.of("web", "deploy"), "10.0.0.1", "deploy", "deploy",
                ActivatorLaunch.with("java", JAR), PROFILE, "token", null, List.of(), DEPLOYMENT);
    }

    static Console quiet() {
        return new Console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, false);
    }

    /** A health check that fails at once (503), never retried. */
    static HealthCheck unhealthy() {
        return new HealthCheck() {
            @Override
            public String name() {
                return "unhealthy";
            }

            @Override
            public Policy policy() {
                return new Policy(0, Duration.ZERO, Duration.ofSeconds(5));
            }

            @Override
            public Attempt attempt(CheckContext context) {
                return new Attempt(false, "503", "");
            }
        };
    }
}
