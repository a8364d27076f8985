package nixdeploy.deployer.steps;

import java.util.ArrayList;
import java.util.List;

/** What the first round trip learns about a host: Java, the user, where profiles go, missing paths. */
record Probe(boolean javaFound, String user, boolean perUserDirExists, String stateHome, List<String> missing) {

    static Probe parse(String output) {
        boolean java = false;
        String user = "";
        boolean perUser = false;
        String stateHome = "";
        List<String> missing = new ArrayList<>();
        boolean paths = false;
        for (String line : output.split("\n")) {
            if (paths) {
                if (!line.isBlank()) {
                    missing.add(line.trim());
                }
            } else if (line.equals("---")) {
                paths = true;
            } else if (line.startsWith("java=")) {
                java = line.equals("java=yes");
            } else if (line.startsWith("user=")) {
                user = line.substring(5);
            } else if (line.startsWith("peruser=")) {
                perUser = line.equals("peruser=yes");
            } else if (line.startsWith("statehome=")) {
                stateHome = line.substring(10);
            }
        }
        if (!paths) {
            throw new IllegalArgumentException("the host's answer has no path list: " + output);
        }
        return new Probe(java, user, perUser, stateHome, List.copyOf(missing));
    }
}
