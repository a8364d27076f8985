package nixdeploy.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ActivatorExitTest {
    @ParameterizedTest
    @EnumSource(ActivatorExit.class)
    void fromCodeFindsEachExitByItsCode(ActivatorExit exit) {
        assertThat(ActivatorExit.fromCode(exit.code)).isSameAs(exit);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 12, 42, 126, 127, 137, 255})
    void unknownCodesCountAsInternalErrors(int code) {
        assertThat(ActivatorExit.fromCode(code)).isSameAs(ActivatorExit.INTERNAL_ERROR);
    }

    @Test
    void codesAreDistinctAndFitAProcessExitStatus() {
        assertThat(Arrays.stream(ActivatorExit.values()).map(e -> e.code))
                .doesNotHaveDuplicates()
                .allSatisfy(code -> assertThat(code).isBetween(0, 125));
        assertThat(ActivatorExit.OK.code).isZero();
    }
}
