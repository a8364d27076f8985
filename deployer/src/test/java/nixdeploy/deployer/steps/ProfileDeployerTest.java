package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@link ProfileDeployer} decides without a host. */
class ProfileDeployerTest {
    @Test
    void aFailureBeforeActivationSaysNothingChangedOnce() {
        assertThat(ProfileDeployer.nothingChanged("cannot read the store paths to send:\nerror: boom"))
                .isEqualTo("cannot read the store paths to send:\nerror: boom\nNothing was changed on the host.");
        assertThat(ProfileDeployer.nothingChanged("copying failed. Nothing was activated."))
                .isEqualTo("copying failed. Nothing was activated.");
    }
}
