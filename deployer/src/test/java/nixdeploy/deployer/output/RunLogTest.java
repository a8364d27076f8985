package nixdeploy.deployer.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --log-dir: what was printed, with instants, and each profile's host output in its own file. */
class RunLogTest {
    @TempDir
    Path dir;

    @Test
    void everyPrintedLineAndEachProfilesHostOutputGoToTheRunsFiles() throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        Console console = new Console(new PrintStream(shown, true), false, false);
        Path logs = dir.resolve("logs");
        Path main;
        Path web;
        try (RunLog log = RunLog.open(logs)) {
            console.logTo(log);
            console.info("web.system", "activating /nix/store/x");
            console.output("web.system", "service started");
            console.output("db/x.app", "db line");
            console.error("it failed");
            main = log.mainLog();
            web = log.activationLog("web.system");
            assertThat(log.activationLog("db/x.app").getFileName().toString()).doesNotContain("/")
                    .endsWith(".db_x.app.activation.log");
        }

        assertThat(main.getFileName().toString()).startsWith("deploy-").endsWith(".log");
        String text = Files.readString(main);
        assertThat(text).contains("web.system  activating /nix/store/x").contains("| service started")
                .contains("error: it failed");
        assertThat(text.lines()).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.*Z .*"));
        assertThat(Files.readString(web)).contains("service started").doesNotContain("db line");
        assertThat(shown.toString()).contains("service started");
        try (var files = Files.list(logs)) {
            assertThat(files.count()).isEqualTo(3);
        }
    }
}
