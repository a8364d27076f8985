package nixdeploy.deployer.health;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a deployment's checks side by side, each with its own retries and per-try time limit
 * (Resilience4j Retry and TimeLimiter), and reports every check's attempts and last answer.
 */
public final class HealthChecks {
    /** Seconds a check schedule must leave before the deadline for the confirmation itself. */
    public static final int CONFIRM_MARGIN_SECONDS = 5;

    /** The verdict on one check. */
    public record Result(String name, boolean healthy, int attempts, String lastStatus, String snippet) {
    }

    private HealthChecks() {}

    public static List<Result> run(List<HealthCheck> checks, CheckContext context) {
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "health-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Result>> running = checks.stream()
                    .map(check -> CompletableFuture.supplyAsync(() -> runOne(check, context, pool), pool))
                    .toList();
            return running.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    private static Result runOne(HealthCheck check, CheckContext context, ExecutorService pool) {
        HealthCheck.Policy policy = check.policy();
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<HealthCheck.Attempt> last = new AtomicReference<>();
        TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(policy.timeout())
                .cancelRunningFuture(true).build());
        Retry retry = Retry.of(check.name(), RetryConfig.<HealthCheck.Attempt>custom()
                .maxAttempts(policy.retries() + 1)
                .intervalFunction(IntervalFunction.of(policy.interval().isZero()
                        ? java.time.Duration.ofMillis(1) : policy.interval()))
                .retryOnResult(a -> !a.healthy())
                .retryOnException(e -> true)
                .failAfterMaxAttempts(false)
                .build());
        try {
            HealthCheck.Attempt attempt = Retry.decorateCheckedSupplier(retry, () -> {
                attempts.incrementAndGet();
                HealthCheck.Attempt a;
                try {
                    a = limiter.executeFutureSupplier(() -> CompletableFuture.supplyAsync(() -> {
                        try {
                            return check.attempt(context);
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    }, pool));
                } catch (TimeoutException e) {
                    a = new HealthCheck.Attempt(false, "no answer within " + policy.timeout().toSeconds() + " s", "");
                } catch (Exception e) {
                    Throwable cause = e instanceof java.util.concurrent.ExecutionException
                            || e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
                    a = new HealthCheck.Attempt(false, describe(cause), "");
                }
                last.set(a);
                return a;
            }).get();
            return new Result(check.name(), attempt.healthy(), attempts.get(), attempt.status(), attempt.snippet());
        } catch (Throwable e) {
            HealthCheck.Attempt a = last.get();
            return new Result(check.name(), false, attempts.get(), a == null ? describe(e) : a.status(),
                    a == null ? "" : a.snippet());
        }
    }

    private static String describe(Throwable e) {
        while (e.getCause() != null && e.getCause() != e && e.getMessage() == null) {
            e = e.getCause();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
