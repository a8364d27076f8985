package nixdeploy.activator;

import nixdeploy.protocol.ActivatorExit;

/** A failure with a message meant for the person deploying, and the exit code that goes with it. */
public final class ActivatorException extends Exception {
    private final ActivatorExit exit;

    public ActivatorException(ActivatorExit exit, String message) {
        super(message);
        this.exit = exit;
    }

    public ActivatorException(ActivatorExit exit, String message, Throwable cause) {
        super(message, cause);
        this.exit = exit;
    }

    public ActivatorExit exit() {
        return exit;
    }
}
