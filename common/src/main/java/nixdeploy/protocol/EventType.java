package nixdeploy.protocol;

/** What an activator event reports; see {@link Event}. */
public enum EventType {
    /** The activator started; carries the protocol version. */
    HELLO,
    /** An earlier deployment whose confirmation never came was rolled back first. */
    RECOVERED,
    /** The profile now points at the new generation. */
    SWITCHED,
    /** One line of the activation script's output. */
    OUTPUT,
    /** The activation script finished successfully. */
    ACTIVATED,
    /** The watcher runs; the deployment must be confirmed before {@code deadline}. */
    AWAITING_CONFIRMATION,
    /** The final outcome of the command; carries {@code state} and {@code message}. */
    RESULT
}
