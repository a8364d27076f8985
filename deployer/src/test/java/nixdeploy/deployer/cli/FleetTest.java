package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetTest {
    @Test
    void withoutABatchSizeAllNodesAreOneBatch() {
        assertThat(new Fleet(8, Optional.empty()).batches(List.of("a", "b", "c"))).containsExactly(List.of("a", "b", "c"));
    }

    @Test
    void rollingBatchesKeepTheOrderAndTheLastOneMayBeShort() {
        assertThat(new Fleet(8, Optional.of(2)).batches(List.of("a", "b", "c", "d", "e")))
                .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    }

    @Test
    void noNodesMakeNoBatch() {
        assertThat(new Fleet(8, Optional.of(3)).batches(List.of())).isEmpty();
    }
}
