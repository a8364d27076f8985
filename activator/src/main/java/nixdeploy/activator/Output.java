package nixdeploy.activator;

import java.io.PrintStream;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.Events;

/** Events as JSON lines on stdout for the deployer; the same news for people on stderr. */
final class Output {
    private final PrintStream events;
    private final PrintStream people;

    Output(PrintStream events, PrintStream people) {
        this.events = events;
        this.people = people;
    }

    synchronized void event(Event event) {
        events.println(Events.encode(event));
        events.flush();
    }

    synchronized void say(String line) {
        people.println("activator: " + line);
        people.flush();
    }

    /** Reports an event and says {@code human} about it. */
    void report(Event event, String human) {
        event(event.message(human));
        say(human);
    }
}
