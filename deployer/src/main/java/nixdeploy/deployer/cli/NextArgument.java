package nixdeploy.deployer.cli;

import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Takes the next argument as the option's value whatever it looks like, as deploy-rs's
 * {@code allow_hyphen_values}: {@code --ssh-opts '-i key'} must not read as {@code -i}
 * ({@code --interactive}) or {@code --ssh-opts '-c cipher'} as {@code -c}.
 */
final class NextArgument implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec spec, CommandSpec command) {
        if (args.isEmpty()) {
            throw new MissingParameterException(command.commandLine(), spec,
                    "Missing required parameter for option '--ssh-opts' (OPTS)");
        }
        spec.setValue(args.pop());
    }
}
