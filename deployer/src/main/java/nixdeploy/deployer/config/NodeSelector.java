package nixdeploy.deployer.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code --on}, as Colmena has it: comma-separated {@code @tag}s and node-name globs ({@code *},
 * {@code ?}); a node is selected when any of them matches it.
 */
public final class NodeSelector {
    private final String text;
    private final List<String> tags = new ArrayList<>();
    private final List<Pattern> globs = new ArrayList<>();

    private NodeSelector(String text) {
        this.text = text;
    }

    public static NodeSelector parse(String text) throws ConfigException {
        NodeSelector selector = new NodeSelector(text);
        for (String part : text.split(",", -1)) {
            String word = part.trim();
            if (word.startsWith("@")) {
                Names.check(word.substring(1), "tag", "--on");
                selector.tags.add(word.substring(1));
            } else if (word.isEmpty()) {
                throw new ConfigException("--on '" + Names.printable(text) + "' has an empty selector; write "
                        + "@tag or a node name (globs * and ? allowed), separated by commas");
            } else {
                Names.check(word.replace('*', 'x').replace('?', 'x'), "node", "--on");
                selector.globs.add(glob(word));
            }
        }
        return selector;
    }

    public boolean matches(String node, Collection<String> nodeTags) {
        return nodeTags.stream().anyMatch(tags::contains) || globs.stream().anyMatch(g -> g.matcher(node).matches());
    }

    /** The error for a selection that matched none of {@code nodes} (name to tags). */
    public ConfigException matchedNothing(java.util.Map<String, List<String>> nodes) {
        TreeSet<String> allTags = new TreeSet<>();
        nodes.values().forEach(allTags::addAll);
        return new ConfigException("--on '" + Names.printable(text) + "' matches no node; the nodes are: "
                + String.join(", ", new TreeSet<>(nodes.keySet())) + "; their tags: "
                + (allTags.isEmpty() ? "(none)" : "@" + String.join(", @", allTags)));
    }

    private static Pattern glob(String word) {
        StringBuilder regex = new StringBuilder();
        for (char c : word.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }
}
