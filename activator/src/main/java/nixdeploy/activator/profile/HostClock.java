package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The clocks a confirmation window is timed on. The window runs on the monotonic clock, which a
 * time daemon stepping the wall clock cannot move; the boot's identity tells a deadline recorded
 * before a reboot (whose monotonic clock restarted) from one of this boot. The wall clock only
 * labels times for people.
 */
public interface HostClock {
    long wallMillis();

    /** Nanoseconds on a clock that only moves forward, shared by every process of this boot. */
    long monotonicNanos();

    /** Names this boot of the host; empty when the host cannot tell (then only the monotonic clock can). */
    String bootId();

    HostClock SYSTEM = new HostClock() {
        private final String bootId = readBootId();

        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long monotonicNanos() {
            // HotSpot reads CLOCK_MONOTONIC on Linux and mach_absolute_time on macOS: both count from boot
            return System.nanoTime();
        }

        @Override
        public String bootId() {
            return bootId;
        }
    };

    private static String readBootId() {
        Path linux = Path.of("/proc/sys/kernel/random/boot_id");
        try {
            if (Files.isReadable(linux)) {
                return Files.readString(linux, StandardCharsets.US_ASCII).trim();
            }
            // macOS: a UUID made at boot (kern.boottime would move when the wall clock is stepped)
            return CommandRunner.check(List.of("sysctl", "-n", "kern.bootsessionuuid"), 5).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
