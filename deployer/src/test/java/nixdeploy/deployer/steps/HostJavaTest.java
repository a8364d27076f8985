package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostJavaTest {

    @Test
    void readsTheSystemAndTheMajorVersionOfOpenJdk() {
        HostJava java = HostJava.parse("Linux x86_64\nopenjdk version \"17.0.13\" 2024-10-15\n");
        assertThat(java.system()).isEqualTo("x86_64-linux");
        assertThat(java.major()).isEqualTo(17);
        assertThat(java.suitable()).isTrue();
    }

    @Test
    void javaEightIsOneDotEightAndTooOld() {
        HostJava java = HostJava.parse("Linux aarch64\njava version \"1.8.0_392\"\n");
        assertThat(java.system()).isEqualTo("aarch64-linux");
        assertThat(java.major()).isEqualTo(8);
        assertThat(java.suitable()).isFalse();
        assertThat(java.found()).isEqualTo("java version \"1.8.0_392\"");
    }

    @Test
    void aVersionWithoutDotsOrWithASuffixCounts() {
        assertThat(HostJava.parse("Linux x86_64\nopenjdk version \"21\" 2023-09-19").major()).isEqualTo(21);
        assertThat(HostJava.parse("Linux x86_64\nopenjdk version \"25-ea\" 2025-09-16").major()).isEqualTo(25);
    }

    @Test
    void macOsNamesMapToNixSystems() {
        assertThat(HostJava.parse("Darwin arm64\nno java on the PATH").system()).isEqualTo("aarch64-darwin");
        assertThat(HostJava.parse("Darwin x86_64\nno java on the PATH").system()).isEqualTo("x86_64-darwin");
    }

    @Test
    void noJavaOrTheMacOsStubIsNotSuitable() {
        assertThat(HostJava.parse("Linux x86_64\nno java on the PATH\n").suitable()).isFalse();
        HostJava stub = HostJava.parse("Darwin arm64\nThe operation couldn’t be completed. Unable to locate a Java "
                + "Runtime.");
        assertThat(stub.major()).isZero();
        assertThat(stub.found()).startsWith("The operation couldn’t be completed");
    }

    @Test
    void anEmptyAnswerIsAnUnknownSystemWithoutJava() {
        HostJava java = HostJava.parse("");
        assertThat(java.system()).isEqualTo("unknown");
        assertThat(java.suitable()).isFalse();
    }
}
