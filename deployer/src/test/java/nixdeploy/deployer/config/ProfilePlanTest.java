package nixdeploy.deployer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfilePlanTest {
    static final String PATH = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-web";

    static ProfilePlan plan(Settings settings) {
        return new ProfilePlan("web", "system", "web.example.org", List.of(), PATH, Optional.empty(), settings, null,
                "deploy.nodes.web.healthChecks");
    }

    @Test
    void unsetSettingsTakeDeployRsDefaults() {
        ProfilePlan plan = plan(Settings.EMPTY);

        assertThat(plan.autoRollback()).isTrue();
        assertThat(plan.magicRollback()).isTrue();
        assertThat(plan.confirmTimeout()).isEqualTo(30);
        assertThat(plan.activationTimeout()).isEqualTo(240);
        assertThat(plan.sudo()).containsExactly("sudo", "-u");
        assertThat(plan.fastConnection()).isFalse();
        assertThat(plan.interactiveSudo()).isFalse();
        assertThat(plan.remoteBuild()).isFalse();
        assertThat(plan.sshOpts()).isEmpty();
        assertThat(plan.sshUser()).isEmpty();
        assertThat(plan.profileUser()).isEmpty();
        assertThat(plan.tempPath()).isEmpty();
        assertThat(plan.javaPath()).isEmpty();
    }

    @Test
    void theConfirmationGoesToTheDeployHostnameUnlessConfirmHostnameIsSet() {
        assertThat(plan(Settings.EMPTY).confirmHostname()).isEqualTo("web.example.org");
        assertThat(plan(new Settings(null, null, null, null, null, null, null, null, null, null, null, null, null,
                "10.0.0.2", null)).confirmHostname()).isEqualTo("10.0.0.2");
    }

    @Test
    void theConfirmingConnectionUsesSshOptsUnlessConfirmSshOptsIsSet() {
        Settings sshOpts = new Settings(null, null, List.of("-p", "2222"), null, null, null, null, null, null, null,
                null, null, null, null, null);
        Settings both = new Settings(null, null, List.of("-p", "2222"), null, null, null, null, null, null, null,
                null, null, null, null, List.of("-p", "22"));

        assertThat(plan(sshOpts).confirmSshOpts()).containsExactly("-p", "2222");
        assertThat(plan(both).confirmSshOpts()).containsExactly("-p", "22");
    }

    @Test
    void setSettingsReplaceTheDefaults() {
        ProfilePlan plan = plan(new Settings("deploy", null, null, true, false, false, 5, 6, "/tmp/x", true,
                "  doas   -u ", true, "/opt/java", null, null));

        assertThat(plan.autoRollback()).isFalse();
        assertThat(plan.magicRollback()).isFalse();
        assertThat(plan.confirmTimeout()).isEqualTo(5);
        assertThat(plan.activationTimeout()).isEqualTo(6);
        assertThat(plan.sudo()).containsExactly("doas", "-u");
        assertThat(plan.fastConnection()).isTrue();
        assertThat(plan.interactiveSudo()).isTrue();
        assertThat(plan.remoteBuild()).isTrue();
        assertThat(plan.tempPath()).contains("/tmp/x");
        assertThat(plan.javaPath()).contains("/opt/java");
    }

    @Test
    void theProfileBelongsToUserElseToTheSshUser() {
        Settings sshUserOnly = new Settings("deploy", null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
        Settings both = new Settings("deploy", "app", null, null, null, null, null, null, null, null, null, null,
                null, null, null);

        assertThat(plan(sshUserOnly).profileUser()).contains("deploy");
        assertThat(plan(both).profileUser()).contains("app");
    }

    @Test
    void hostsSubstituteWithACacheWhateverFastConnectionSays() {
        Settings fast = new Settings(null, null, null, true, null, null, null, null, null, null, null, null, null,
                null, null);

        assertThat(plan(Settings.EMPTY).substituteOnHost()).isTrue();
        assertThat(plan(fast).substituteOnHost()).isFalse();
        assertThat(plan(fast.withCache("file:///srv/cache")).substituteOnHost()).isTrue();
        assertThat(plan(fast.withCache("file:///srv/cache")).cache()).contains("file:///srv/cache");
    }
}
