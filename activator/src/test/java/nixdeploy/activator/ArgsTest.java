package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import nixdeploy.protocol.ActivatorExit;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArgsTest {
    private static final Set<String> OPTIONS = Set.of("--profile", "--reason", "--confirm-timeout");
    private static final Set<String> FLAGS = Set.of("--magic-rollback", "--boot");

    @Test
    void readsOptionsAndFlagsInAnyOrder() throws ActivatorException {
        Args args = parse("--magic-rollback", "--profile", "/nix/var/nix/profiles/system", "--reason", "a b");

        assertThat(args.option("--profile")).contains("/nix/var/nix/profiles/system");
        assertThat(args.required("--reason")).isEqualTo("a b");
        assertThat(args.option("--confirm-timeout")).isEmpty();
        assertThat(args.flag("--magic-rollback")).isTrue();
        assertThat(args.flag("--boot")).isFalse();
    }

    @Test
    void optionValueMayLookLikeAFlag() throws ActivatorException {
        assertThat(parse("--reason", "--boot").option("--reason")).contains("--boot");
        assertThat(parse("--reason", "--boot").flag("--boot")).isFalse();
    }

    @Test
    void optionWithoutValueIsBadInput() {
        assertBadInput(() -> parse("--boot", "--profile")).hasMessage("option --profile needs a value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--nope", "-p", "profile", "--profile=/p", ""})
    void unknownArgumentIsBadInput(String word) {
        assertBadInput(() -> parse(word)).hasMessage("unknown argument: " + word);
    }

    @Test
    void requiredOptionMustBeGivenAndNotEmpty() throws ActivatorException {
        assertBadInput(() -> parse().required("--profile")).hasMessage("option --profile is required");
        Args empty = parse("--profile", "");
        assertBadInput(() -> empty.required("--profile")).hasMessage("option --profile is required");
    }

    @Test
    void secondsFallBackToTheDefault() throws ActivatorException {
        assertThat(parse().seconds("--confirm-timeout", 30)).isEqualTo(30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "30", "86400"})
    void secondsAcceptWholeSecondsUpToADay(String value) throws ActivatorException {
        assertThat(parse("--confirm-timeout", value).seconds("--confirm-timeout", 30)).isEqualTo(Long.parseLong(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "86401", "1.5", "30s", "", " 30", "99999999999999999999"})
    void secondsOutsideTheRangeAreBadInput(String value) throws ActivatorException {
        Args args = parse("--confirm-timeout", value);

        assertBadInput(() -> args.seconds("--confirm-timeout", 30))
                .hasMessage("option --confirm-timeout takes whole seconds from 1 to 86400, not '" + value + "'");
    }

    private static Args parse(String... argv) throws ActivatorException {
        return Args.parse(List.of(argv), OPTIONS, FLAGS);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertBadInput(
            ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOfSatisfying(ActivatorException.class, e -> assertThat(e.exit()).isEqualTo(ActivatorExit.BAD_INPUT));
    }
}
