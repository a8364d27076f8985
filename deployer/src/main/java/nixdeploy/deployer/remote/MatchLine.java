package nixdeploy.deployer.remote;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Decides a {@code Match} line as OpenSSH's {@code match_cfg_line}: every criterion must hold;
 * {@code exec} runs its command with the user's shell only while the earlier criteria held, and
 * matches when it exits 0 ({@link MatchExec}). A criterion nixdeploy cannot decide is an error
 * naming the line, unless an earlier one already failed (then the block is about another host and
 * cannot matter).
 */
final class MatchLine {
    /** What the criteria are matched against. */
    record Context(String host, String originalHost, String user, String localUser, int port, Path home) {}

    private final SshConfigLine line;
    private final Context context;
    private final boolean finalPass;
    private final MatchExec exec;

    MatchLine(SshConfigLine line, Context context, boolean finalPass, MatchExec exec) {
        this.line = line;
        this.context = context;
        this.finalPass = finalPass;
        this.exec = exec;
    }

    boolean matches() {
        List<String> args = line.args();
        if (args.isEmpty()) {
            throw new IllegalArgumentException(line.source() + ": Match needs criteria");
        }
        boolean result = true;
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            boolean negate = word.startsWith("!");
            String criterion = (negate ? word.substring(1) : word).toLowerCase(Locale.ROOT);
            if (criterion.equals("all")) {
                continue;
            }
            if (criterion.equals("canonical") || criterion.equals("final")) {
                result &= finalPass != negate;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(line.source() + ": Match " + criterion + " needs a value");
            }
            String value = args.get(++i);
            Boolean holds = switch (criterion) {
                case "host" -> HostPatterns.matchList(context.host(), value, true) == 1;
                case "originalhost" -> HostPatterns.matchList(context.originalHost(), value, true) == 1;
                case "user" -> HostPatterns.matchList(context.user(), value, false) == 1;
                case "localuser" -> HostPatterns.matchList(context.localUser(), value, false) == 1;
                case "exec" -> result ? exec.succeeds(line.source(), expand(value)) : null;
                default -> {
                    if (!result) {
                        yield null;
                    }
                    throw new IllegalArgumentException(line.source() + ": Match " + criterion
                            + " is not supported by nixdeploy (supported: host, originalhost, user, localuser, exec, "
                            + "all, final)");
                }
            };
            if (holds != null && holds == negate) {
                result = false;
            }
        }
        return result;
    }

    /** OpenSSH's tokens for Match exec; one it has but nixdeploy lacks is an error naming the line. */
    private String expand(String command) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c != '%' || i + 1 >= command.length()) {
                out.append(c);
                continue;
            }
            char token = command.charAt(++i);
            out.append(switch (token) {
                case '%' -> "%";
                case 'h' -> context.host();
                case 'n' -> context.originalHost();
                case 'p' -> Integer.toString(context.port());
                case 'r' -> context.user();
                case 'u' -> context.localUser();
                case 'd' -> context.home().toString();
                case 'L', 'l' -> localHostName(token == 'L');
                default -> throw new IllegalArgumentException(line.source() + ": Match exec token %" + token
                        + " is not supported by nixdeploy");
            });
        }
        return out.toString();
    }

    private static String localHostName(boolean shortName) {
        try {
            String name = java.net.InetAddress.getLocalHost().getHostName();
            return shortName && name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
