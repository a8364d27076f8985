package nixdeploy.deployer.remote.mina;

import java.io.Console;

/** Asks for a key's passphrase on the terminal, as OpenSSH does; off a terminal it cannot ask. */
class PassphrasePrompt {
    boolean available() {
        return System.console() != null;
    }

    /** The typed passphrase, not echoed; null when there is no terminal. */
    char[] ask(String question) {
        Console console = System.console();
        return console == null ? null : console.readPassword("%s", question);
    }

    void say(String line) {
        Console console = System.console();
        if (console != null) {
            console.printf("%s%n", line);
        }
    }
}
