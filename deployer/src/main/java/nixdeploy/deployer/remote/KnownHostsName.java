package nixdeploy.deployer.remote;

/**
 * The name a host's keys are looked up and recorded under, as OpenSSH's
 * {@code get_hostfile_hostname_ipaddr} makes it: a HostKeyAlias alone (no port, as if on port 22);
 * else the host name with the port off port 22. Both lower case, as ssh.c makes them (it lowercases
 * HostKeyAlias too, and {@code ssh-keygen -H} hashes lower-case names), so hashed lines OpenSSH
 * wrote match.
 *
 * @param host the alias or host name
 * @param port the port known_hosts lines are matched with (22 for an alias)
 */
public record KnownHostsName(String host, int port) {
    static KnownHostsName of(String hostKeyAlias, String hostName, int port) {
        return hostKeyAlias != null ? new KnownHostsName(hostKeyAlias, 22) : new KnownHostsName(hostName, port);
    }

    /** As known_hosts writes it: {@code [host]:port} off port 22. */
    @Override
    public String toString() {
        return port == 22 ? host : "[" + host + "]:" + port;
    }
}
