package nixdeploy.deployer.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of an ssh_config file, split as OpenSSH splits it: {@code Keyword value...} or
 * {@code Keyword=value}, arguments separated by spaces, quoted with {@code "} or {@code '}.
 *
 * @param keyword the keyword, lower case
 * @param source  where the line is, for messages ({@code ~/.ssh/config line 12})
 */
public record SshConfigLine(String keyword, List<String> args, String source) {

    public SshConfigLine {
        args = List.copyOf(args);
    }

    /** The line's words, or null for a blank line or a comment. */
    public static SshConfigLine parse(String line, String source) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return null;
        }
        int end = 0;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '=') {
            end++;
        }
        String keyword = text.substring(0, end).toLowerCase(Locale.ROOT);
        String rest = text.substring(end).stripLeading();
        if (rest.startsWith("=")) {
            rest = rest.substring(1).stripLeading();
        }
        return new SshConfigLine(keyword, words(rest, source), source);
    }

    private static List<String> words(String text, String source) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (c == '\\' && i + 1 < text.length()) {
                word = word == null ? new StringBuilder() : word;
                word.append(text.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException(source + ": unterminated quote");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The first argument, or an error naming the line when there is none. */
    public String value() {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + keyword + " needs a value");
        }
        return args.get(0);
    }
}
