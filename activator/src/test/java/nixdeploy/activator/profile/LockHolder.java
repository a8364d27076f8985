package nixdeploy.activator.profile;

import java.nio.file.Path;

/**
 * Holds a profile lock in a process of its own, as a second activator would, until its stdin
 * closes. {@link ProfileLockTest} starts it; an in-process second lock would not be a real test.
 */
public final class LockHolder {
    static final String READY = "locked";

    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        ProfileLock lock = ProfileLock.tryAcquire(Path.of(args[0]), args[1]).orElseThrow();
        System.out.println(READY);
        System.out.flush();
        System.in.readAllBytes();
        lock.close();
    }
}
