package nixdeploy.deployer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsSchemaTest {
    /** deploy-rs's generic settings, valid at deploy, node and profile level. */
    static final String[] DEPLOY_RS_SETTINGS = {"sshUser", "user", "sshOpts", "fastConnection", "autoRollback",
        "magicRollback", "confirmTimeout", "activationTimeout", "tempPath", "interactiveSudo", "sudo", "remoteBuild"};

    @Test
    void everyLevelAllowsDeployRsSettings() {
        for (Set<String> keys : List.of(SettingsSchema.deployKeys(), SettingsSchema.nodeKeys(),
                SettingsSchema.profileKeys())) {
            assertThat(keys).contains(DEPLOY_RS_SETTINGS);
        }
    }

    @Test
    void everyLevelAllowsOurOwnSettings() {
        for (Set<String> keys : List.of(SettingsSchema.deployKeys(), SettingsSchema.nodeKeys(),
                SettingsSchema.profileKeys())) {
            assertThat(keys).contains("javaPath", "confirmHostname", "confirmSshOpts");
        }
    }

    @Test
    void deployHoldsNodes() {
        assertThat(SettingsSchema.deployKeys()).contains("nodes").doesNotContain("hostname", "path");
    }

    @Test
    void aNodeHasAHostnameAndProfiles() {
        assertThat(SettingsSchema.nodeKeys()).contains("hostname", "profiles", "profilesOrder", "tags", "healthChecks")
                .doesNotContain("nodes", "path");
    }

    @Test
    void aProfileHasAPathAndProfilePath() {
        assertThat(SettingsSchema.profileKeys()).contains("path", "profilePath", "healthChecks")
                .doesNotContain("hostname", "profiles", "nodes");
    }

    @Test
    void healthCheckKeySetsAreRead() {
        assertThat(SettingsSchema.healthCheckKeys()).containsExactlyInAnyOrder("http", "cmd", "interval", "retries");
        assertThat(SettingsSchema.httpCheckKeys()).contains("url", "host", "port", "path", "expectStatus", "viaSsh");
        assertThat(SettingsSchema.cmdCheckKeys()).containsExactlyInAnyOrder("command", "timeout");
    }

    @Test
    void keySetsCannotBeChanged() {
        assertThat(SettingsSchema.nodeKeys()).isUnmodifiable();
    }
}
