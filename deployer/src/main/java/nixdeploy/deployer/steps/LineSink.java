package nixdeploy.deployer.steps;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** An output stream that hands each complete line (without its newline) to a consumer. */
final class LineSink extends OutputStream {
    private final Consumer<String> lines;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    LineSink(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            current.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(bytes[i]);
        }
    }

    @Override
    public synchronized void close() {
        if (current.size() > 0) {
            emit();
        }
    }

    private void emit() {
        lines.accept(current.toString(StandardCharsets.UTF_8));
        current.reset();
    }
}
