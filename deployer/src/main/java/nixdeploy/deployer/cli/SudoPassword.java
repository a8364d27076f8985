package nixdeploy.deployer.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The sudo password for {@code interactiveSudo}: asked once (on the terminal without echo, else
 * read as one line from stdin), then reused for every host. It is never logged or put in argv.
 */
final class SudoPassword implements Supplier<String> {
    private String password;

    @Override
    public synchronized String get() {
        if (password == null) {
            Console console = System.console();
            if (console != null) {
                char[] typed = console.readPassword("[sudo] password for the hosts: ");
                password = typed == null ? "" : new String(typed);
            } else {
                try {
                    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                            .readLine();
                    password = line == null ? "" : line;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the sudo password from stdin", e);
                }
            }
        }
        return password;
    }
}
