package nixdeploy.deployer;

/**
 * A failure the person deploying must hear about: what happened, where, and what to do. It
 * carries the exit code it maps to; its message is shown as is, without a stack trace.
 */
public class DeployException extends Exception {
    private final ExitCode exitCode;

    public DeployException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DeployException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
