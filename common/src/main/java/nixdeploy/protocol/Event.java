package nixdeploy.protocol;

/**
 * One JSON line the activator writes to stdout. Fields that do not apply to a type stay null and
 * are left out of the JSON.
 */
public final class Event {
    public EventType type;
    public Integer protocol;
    public String message;
    public String line;
    public Long generation;
    public Long previousGeneration;
    /** Epoch milliseconds. */
    public Long deadline;
    public DeploymentState state;
    public Integer exitCode;
    /** The profile's path on the host, as the activator resolved it. */
    public String profile;
    /** A Unix socket on the host where the watcher takes a confirmation without starting a JVM. */
    public String confirmSocket;
    /** Which deployment a journal belongs to (the {@code status} result), as given to {@code activate}. */
    public String deploymentId;
    /** {@code status}: the store path the current generation points at. */
    public String storePath;
    /** {@code status}: when the current generation was made (epoch milliseconds). */
    public Long generationTime;
    /** {@code status}: when the latest deployment's journal last changed (epoch milliseconds). */
    public Long time;
    /** {@code status}: whether the watcher of a deployment awaiting confirmation runs. */
    public Boolean watcherAlive;
    /** {@code status --watcher-log}: the end of the watcher's log (at most 64 KiB), for {@code --log-dir}. */
    public String watcherLog;

    public static Event of(EventType type) {
        Event e = new Event();
        e.type = type;
        return e;
    }

    public Event message(String value) {
        message = value;
        return this;
    }

    public Event line(String value) {
        line = value;
        return this;
    }

    public Event generation(Long value) {
        generation = value;
        return this;
    }

    public Event previousGeneration(Long value) {
        previousGeneration = value;
        return this;
    }

    public Event deadline(Long value) {
        deadline = value;
        return this;
    }

    public Event state(DeploymentState value) {
        state = value;
        return this;
    }

    public Event deploymentId(String value) {
        deploymentId = value;
        return this;
    }

    public Event exitCode(Integer value) {
        exitCode = value;
        return this;
    }
}
