package nixdeploy.deployer.remote;

/** What to do with a host key that known_hosts does not list, or that differs from the one it lists. */
public enum HostKeyPolicy {
    /** Refuse unknown keys (the default, like OpenSSH's {@code StrictHostKeyChecking=yes}). */
    STRICT,
    /** Accept and record an unknown key, refuse a changed one ({@code accept-new}). */
    ACCEPT_NEW,
    /**
     * Accept any key, a changed one too, recording unknown ones ({@code StrictHostKeyChecking=no}): the
     * user's explicit opt-out, honoured as OpenSSH does, with a warning.
     */
    ACCEPT_ANY
}
