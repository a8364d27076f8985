package nixdeploy.activator.profile;

/** A host clock that tests set and step by hand. */
public final class FakeClock implements HostClock {
    public volatile long wallMillis = 1_800_000_000_000L;
    public volatile long monotonicNanos = 5_000_000_000L;
    public volatile String bootId = "boot-1";

    @Override
    public long wallMillis() {
        return wallMillis;
    }

    @Override
    public long monotonicNanos() {
        return monotonicNanos;
    }

    @Override
    public String bootId() {
        return bootId;
    }

    public void advanceMillis(long millis) {
        wallMillis += millis;
        monotonicNanos += millis * 1_000_000L;
    }
}
