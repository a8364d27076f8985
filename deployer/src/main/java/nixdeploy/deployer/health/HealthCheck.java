package nixdeploy.deployer.health;

import java.time.Duration;

/**
 * One check that must pass before a deployment is confirmed. {@link #attempt} makes one try;
 * retries and time limits are applied around it by {@link HealthChecks}.
 */
public interface HealthCheck {
    /** What is checked, for people: {@code http http://web:8080/health}. */
    String name();

    /** How many tries, how long each may take, and the pause between them. */
    Policy policy();

    Attempt attempt(CheckContext context) throws Exception;

    /** Retry policy of one check. */
    record Policy(int retries, Duration interval, Duration timeout) {
        public static final Policy DEFAULT = new Policy(2, Duration.ofSeconds(1), Duration.ofSeconds(5));

        /** The longest the check can take when every try fails at its time limit. */
        public Duration worstCase() {
            return timeout.multipliedBy(retries + 1L).plus(interval.multipliedBy(retries));
        }
    }

    /** The outcome of one try. */
    record Attempt(boolean healthy, String status, String snippet) {
    }
}
