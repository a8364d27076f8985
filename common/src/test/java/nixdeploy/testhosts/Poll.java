package nixdeploy.testhosts;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits in integration tests on a condition, never a fixed sleep, and fails when it never comes. */
public final class Poll {
    private Poll() {}

    public static void until(BooleanSupplier condition, String what, Duration patience) {
        long end = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + patience.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }
}
