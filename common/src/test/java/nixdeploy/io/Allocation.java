package nixdeploy.io;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocated on the heap so far: an unbounded buffer must allocate at
 * least what it keeps, so a test that streams far more than it allows proves the bound without
 * timing anything or depending on the garbage collector.
 */
final class Allocation {
    private Allocation() {}

    static long ofThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
