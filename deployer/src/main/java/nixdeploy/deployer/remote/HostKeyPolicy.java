package nixdeploy.deployer.remote;

/** What to do with a host key that known_hosts does not list (a changed key is always refused). */
public enum HostKeyPolicy {
    /** Refuse unknown keys (the default, like OpenSSH's {@code StrictHostKeyChecking=yes}). */
    STRICT,
    /** Accept and record an unknown key, refuse a changed one ({@code accept-new}). */
    ACCEPT_NEW
}
