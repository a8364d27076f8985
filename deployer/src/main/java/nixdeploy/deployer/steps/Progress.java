package nixdeploy.deployer.steps;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Counts the bytes read through it and reports the count at most twice a second. */
final class Progress extends FilterInputStream {
    private static final long EVERY_NANOS = 500_000_000L;

    private final LongConsumer report;
    private long count;
    private long lastReport = System.nanoTime();

    Progress(InputStream in, LongConsumer report) {
        super(in);
        this.report = report;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    private void advance(long n) {
        count += n;
        long now = System.nanoTime();
        if (now - lastReport >= EVERY_NANOS) {
            lastReport = now;
            report.accept(count);
        }
    }
}
