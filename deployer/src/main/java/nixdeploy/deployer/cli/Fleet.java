package nixdeploy.deployer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How many hosts are deployed at once ({@code --parallel}), and in which batches ({@code --batch-size}). */
record Fleet(int parallel, Optional<Integer> batchSize) {
    /** {@code nodes} in rolling batches, in order; one batch of all when no batch size is set. */
    <T> List<List<T>> batches(List<T> nodes) {
        int size = batchSize.orElse(Math.max(1, nodes.size()));
        List<List<T>> batches = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i += size) {
            batches.add(List.copyOf(nodes.subList(i, Math.min(nodes.size(), i + size))));
        }
        return batches;
    }
}
