package nixdeploy.deployer.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The size of the controlling terminal ({@code stty size}), or 24 by 80 when it cannot be read. */
record TerminalSize(int rows, int columns) {
    static TerminalSize get() {
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0 && out.matches("\\d+ \\d+")) {
                int rows = Integer.parseInt(out.split(" ")[0]);
                int columns = Integer.parseInt(out.split(" ")[1]);
                return new TerminalSize(rows > 4 ? rows : 24, columns > 20 ? columns : 80);
            }
        } catch (java.io.IOException e) {
            // no terminal to ask
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new TerminalSize(24, 80);
    }
}
