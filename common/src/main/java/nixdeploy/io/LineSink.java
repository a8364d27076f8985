package nixdeploy.io;

import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * An output stream that hands each complete line (without its newline, or a carriage return before
 * it) to a consumer as it arrives. A line longer than the buffer's head and tail keeps both ends
 * with a marker of what was dropped: a host printing gigabytes without a newline costs a fixed
 * amount of memory, never all of it.
 */
public final class LineSink extends OutputStream {
    private final Consumer<String> lines;
    private final HeadTailBuffer current;
    private boolean carriageReturn;

    public LineSink(Consumer<String> lines) {
        this(lines, HeadTailBuffer.DEFAULT_KEEP);
    }

    /** Lines keep at most {@code keepEachEnd} bytes of their start and of their end. */
    public LineSink(Consumer<String> lines, int keepEachEnd) {
        this.lines = lines;
        this.current = new HeadTailBuffer(keepEachEnd, keepEachEnd);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            carriageReturn = false;
            emit();
            return;
        }
        takePendingCarriageReturn();
        if (b == '\r') {
            carriageReturn = true;
        } else {
            current.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, bytes.length);
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                writeRunThenEnding(bytes, start, i, b);
                start = i + 1;
            }
        }
        if (start < end) {
            takePendingCarriageReturn();
            current.write(bytes, start, end - start);
        }
    }

    /** The run of ordinary bytes from {@code start} to {@code end}, then the line-ending byte at {@code end}. */
    private void writeRunThenEnding(byte[] bytes, int start, int end, byte ending) {
        if (start < end) {
            takePendingCarriageReturn();
            current.write(bytes, start, end - start);
        }
        write(ending);
    }

    /** A carriage return not followed by a newline is part of the line. */
    private void takePendingCarriageReturn() {
        if (carriageReturn) {
            carriageReturn = false;
            current.write('\r');
        }
    }

    @Override
    public synchronized void close() {
        takePendingCarriageReturn();
        if (current.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String line = current.toString();
        current.reset();
        lines.accept(line);
    }
}
