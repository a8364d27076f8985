package nixdeploy.activator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import nixdeploy.protocol.ActivatorExit;

/**
 * The activator's command line: {@code --name value} options and {@code --flag} switches. The
 * activator is called by the deployer, not typed by people, so this stays deliberately small
 * (a library would not fit the jar's size budget).
 */
final class Args {
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {}

    static Args parse(List<String> argv, Set<String> optionNames, Set<String> flagNames) throws ActivatorException {
        Args args = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String word = argv.get(i);
            if (flagNames.contains(word)) {
                args.flags.add(word);
            } else if (optionNames.contains(word)) {
                if (i + 1 >= argv.size()) {
                    throw new ActivatorException(ActivatorExit.BAD_INPUT, "option " + word + " needs a value");
                }
                args.options.put(word, argv.get(++i));
            } else {
                throw new ActivatorException(ActivatorExit.BAD_INPUT, "unknown argument: " + word);
            }
        }
        return args;
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    String required(String name) throws ActivatorException {
        String value = options.get(name);
        if (value == null || value.isEmpty()) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT, "option " + name + " is required");
        }
        return value;
    }

    long seconds(String name, long defaultValue) throws ActivatorException {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long seconds = Long.parseLong(value);
            if (seconds < 1 || seconds > 86_400) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new ActivatorException(ActivatorExit.BAD_INPUT,
                    "option " + name + " takes whole seconds from 1 to 86400, not '" + value + "'");
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
