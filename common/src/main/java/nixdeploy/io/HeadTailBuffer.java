package nixdeploy.io;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keeps the first and the last bytes written to it and counts the ones it dropped between them,
 * so whatever a host prints costs at most a fixed amount of memory here. Its text is the head, a
 * marker naming how many bytes were dropped, and the tail.
 */
public final class HeadTailBuffer extends OutputStream {
    /** How much of each end is kept unless told otherwise. */
    public static final int DEFAULT_KEEP = 64 * 1024;

    private final byte[] head;
    private final byte[] tail;
    private int headSize;
    /** Where the next tail byte goes in the ring. */
    private int tailNext;
    private long tailWritten;

    public HeadTailBuffer() {
        this(DEFAULT_KEEP, DEFAULT_KEEP);
    }

    public HeadTailBuffer(int headBytes, int tailBytes) {
        if (headBytes < 0 || tailBytes < 0) {
            throw new IllegalArgumentException("negative sizes: " + headBytes + ", " + tailBytes);
        }
        head = new byte[headBytes];
        tail = new byte[tailBytes];
    }

    @Override
    public synchronized void write(int b) {
        if (headSize < head.length) {
            head[headSize++] = (byte) b;
        } else if (tail.length > 0) {
            tail[tailNext] = (byte) b;
            tailNext = (tailNext + 1) % tail.length;
            tailWritten++;
        } else {
            tailWritten++;
        }
    }

    @Override
    public void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, bytes.length);
        int toHead = Math.min(len, head.length - headSize);
        System.arraycopy(bytes, off, head, headSize, toHead);
        headSize += toHead;
        off += toHead;
        len -= toHead;
        tailWritten += len;
        if (tail.length == 0 || len == 0) {
            return;
        }
        // only the last tail.length bytes can survive this write
        int skip = Math.max(0, len - tail.length);
        off += skip;
        len -= skip;
        int first = Math.min(len, tail.length - tailNext);
        System.arraycopy(bytes, off, tail, tailNext, first);
        System.arraycopy(bytes, off + first, tail, 0, len - first);
        tailNext = (tailNext + len) % tail.length;
    }

    /** Every byte written so far, kept or not. */
    public synchronized long size() {
        return headSize + tailWritten;
    }

    /** How many bytes between the head and the tail were not kept. */
    public synchronized long dropped() {
        return tailWritten - Math.min(tailWritten, tail.length);
    }

    /** The bytes this buffer holds on to, whatever was written: at most head plus tail. */
    public synchronized int retained() {
        return headSize + (int) Math.min(tailWritten, tail.length);
    }

    public synchronized void reset() {
        headSize = 0;
        tailNext = 0;
        tailWritten = 0;
    }

    /** The head, then {@code [... N bytes dropped ...]} if anything was, then the tail, as UTF-8. */
    @Override
    public synchronized String toString() {
        String start = new String(head, 0, headSize, StandardCharsets.UTF_8);
        int kept = (int) Math.min(tailWritten, tail.length);
        if (kept == 0) {
            return start;
        }
        byte[] end = new byte[kept];
        int from = (tailNext - kept + tail.length) % tail.length;
        int first = Math.min(kept, tail.length - from);
        System.arraycopy(tail, from, end, 0, first);
        System.arraycopy(tail, 0, end, first, kept - first);
        long dropped = dropped();
        if (dropped == 0) {
            return new String(concat(Arrays.copyOf(head, headSize), end), StandardCharsets.UTF_8);
        }
        return start + marker(dropped) + new String(end, continuationBytes(end), end.length - continuationBytes(end),
                StandardCharsets.UTF_8);
    }

    public static String marker(long dropped) {
        return "[... " + dropped + " bytes dropped ...]";
    }

    /** The tail may start inside a character; skip its rest rather than show a replacement sign. */
    private static int continuationBytes(byte[] bytes) {
        int i = 0;
        while (i < Math.min(3, bytes.length) && (bytes[i] & 0xC0) == 0x80) {
            i++;
        }
        return i;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
