package nixdeploy.deployer.remote.mina;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ChaCha20 keystreams of the packets one sender encrypts, made on a helper thread while the
 * packets before them are encrypted. A packet's keystream depends only on the key and its sequence
 * number, so in a bulk transfer (a copy) the sending thread is left with the XOR and Poly1305, and
 * the ChaCha20 blocks, most of its work, run on another core. Packets that come one at a time are
 * made as they come, and none ahead of them. A keystream made ahead is claimed once, by a helper or,
 * when the sender needs it first or would otherwise wait, by the sender; one dropped (a packet longer
 * than it, or the transfer over) is made again when its packet comes. Whatever made it, a keystream
 * serves only the packet of its sequence number.
 */
final class KeystreamsAhead {
    /** A packet at least this long is taken for part of a bulk transfer, whose next packets are made ahead. */
    static final int BULK = 8192;
    private static final int AHEAD = 3;
    /** Room for the padding of the packets that follow a bulk one, which MINA varies by a few bytes. */
    private static final int SLACK = 256;
    private static final int BLOCK = 64;
    private static final byte[] ZEROS = new byte[16 * 1024];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final SecretKeySpec key;
    private final Maker own;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private final AtomicInteger madeByHelpers = new AtomicInteger();
    private int madeByTaker;

    KeystreamsAhead(SecretKeySpec key) throws GeneralSecurityException {
        this.key = key;
        this.own = new Maker();
    }

    /**
     * The keystream of the packet numbered {@code sequence}, {@code length} bytes long: block 0
     * (Poly1305's key) and then the body's from block 1, at offset {@link #BLOCK}. Hand it back with
     * {@link #giveBack} once used.
     */
    byte[] take(long sequence, int length) throws GeneralSecurityException {
        Pending next = pending.pollFirst();
        while (next != null && next.sequence != sequence) {
            next.drop();
            next = pending.pollFirst();
        }
        byte[] stream;
        if (next != null && next.length >= length) {
            if (next.claimed.compareAndSet(false, true)) {
                makeOwn(next);
            } else {
                stealWhileMaking(next);
                next.awaitMade();
            }
            stream = next.complete ? next.stream : makeHere(sequence, blank(length), length);
        } else {
            if (next != null) {
                next.drop();
            }
            pending.forEach(Pending::drop);
            pending.clear();
            stream = makeHere(sequence, blank(length), length);
        }
        if (length < BULK) {
            // the bulk transfer, if any, is over: its arrays are let go, not kept for the session
            pending.forEach(Pending::drop);
            pending.clear();
            spare.clear();
        } else {
            int ahead = ((length + SLACK) / BLOCK + 1) * BLOCK;
            long last = pending.isEmpty() ? sequence : pending.peekLast().sequence;
            while (pending.size() < AHEAD) {
                last = (last + 1) & 0xffffffffL;
                Pending made = new Pending(last, ahead, blank(ahead));
                pending.addLast(made);
                Helpers.POOL.execute(() -> {
                    if (made.makeIfUnclaimed(key)) {
                        madeByHelpers.incrementAndGet();
                    }
                });
            }
        }
        return stream;
    }

    /** While a helper makes {@code next}, makes the last keystream ahead that no helper has begun. */
    private void stealWhileMaking(Pending next) {
        if (next.made.getCount() == 0) {
            return;
        }
        for (var later = pending.descendingIterator(); later.hasNext(); ) {
            Pending unclaimed = later.next();
            if (unclaimed.claimed.compareAndSet(false, true)) {
                makeOwn(unclaimed);
                return;
            }
        }
    }

    /** A failure leaves it incomplete, for its taker to make again. */
    private void makeOwn(Pending ahead) {
        try {
            makeHere(ahead.sequence, ahead.stream, ahead.length);
            ahead.complete = true;
        } catch (GeneralSecurityException | RuntimeException e) {
            // the taker meets it, making the keystream itself
        } finally {
            ahead.made.countDown();
        }
    }

    /** XORs {@code length} bytes of {@code data} from {@code offset} with the body's keystream in {@code stream}. */
    static void xorBody(byte[] stream, byte[] data, int offset, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            LONGS.set(data, offset + i, (long) LONGS.get(data, offset + i) ^ (long) LONGS.get(stream, BLOCK + i));
        }
        for (; i < length; i++) {
            data[offset + i] ^= stream[BLOCK + i];
        }
    }

    /** A keystream {@link #take} gave, no longer needed: its array makes a later one. */
    void giveBack(byte[] stream) {
        if (spare.isEmpty()) {
            spare.addLast(stream);
        }
    }

    /** Arrays of keystreams dropped are never reused: their helper may be writing them still. */
    private byte[] blank(int length) {
        byte[] stream = spare.pollFirst();
        return stream != null && stream.length >= BLOCK + length ? stream : new byte[BLOCK + length];
    }

    int madeByTaker() {
        return madeByTaker;
    }

    int madeByHelpers() {
        return madeByHelpers.get();
    }

    private byte[] makeHere(long sequence, byte[] stream, int length) throws GeneralSecurityException {
        madeByTaker++;
        return own.make(key, sequence, stream, length);
    }

    /** A ChaCha20 cipher making keystreams, on one thread at a time. */
    private static final class Maker {
        private final Cipher cipher;
        private SecretKeySpec lastKey;
        private long lastSequence;

        Maker() throws GeneralSecurityException {
            cipher = Cipher.getInstance("ChaCha20");
        }

        byte[] make(SecretKeySpec key, long sequence, byte[] stream, int length) throws GeneralSecurityException {
            if (key.equals(lastKey) && sequence == lastSequence) {
                // the JDK refuses the key and nonce it was last given, which a keystream made again (one
                // made ahead too short, or not in time) repeats: another packet's first, never used
                cipher.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce(sequence + 1), 0));
            }
            lastKey = null;
            cipher.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce(sequence), 0));
            lastKey = key;
            lastSequence = sequence;
            for (int at = 0; at < BLOCK + length; at += ZEROS.length) {
                int n = Math.min(ZEROS.length, BLOCK + length - at);
                cipher.update(ZEROS, 0, n, stream, at);
            }
            return stream;
        }

        /** The packet's nonce: a zero word, then its sequence number (PROTOCOL.chacha20poly1305). */
        private static byte[] nonce(long sequence) {
            byte[] nonce = new byte[12];
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (sequence >>> (56 - 8 * i));
            }
            return nonce;
        }
    }

    private static final class Pending {
        final long sequence;
        final int length;
        final byte[] stream;
        final AtomicBoolean claimed = new AtomicBoolean();
        final CountDownLatch made = new CountDownLatch(1);
        /** Set once the keystream is whole: whatever stops its maker before (an Error too) leaves it unset. */
        volatile boolean complete;

        Pending(long sequence, int length, byte[] stream) {
            this.sequence = sequence;
            this.length = length;
            this.stream = stream;
        }

        /** Not needed after all: a helper that has not begun it leaves it. */
        void drop() {
            claimed.set(true);
        }

        /** Whether this thread made it. */
        boolean makeIfUnclaimed(SecretKeySpec key) {
            if (!claimed.compareAndSet(false, true)) {
                return false;
            }
            try {
                Helpers.MAKER.get().make(key, sequence, stream, length);
                complete = true;
                return true;
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            } finally {
                made.countDown();
            }
        }

        void awaitMade() {
            boolean interrupted = false;
            while (true) {
                try {
                    made.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Made on the first bulk packet: deploys that copy nothing start no thread. */
    private static final class Helpers {
        static final ExecutorService POOL = Executors.newFixedThreadPool(
                Math.max(1, Runtime.getRuntime().availableProcessors() - 1), task -> {
                    Thread thread = new Thread(task, "ssh-keystream");
                    thread.setDaemon(true);
                    return thread;
                });
        static final ThreadLocal<Maker> MAKER = ThreadLocal.withInitial(() -> {
            try {
                return new Maker();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java has no ChaCha20", e);
            }
        });
    }
}
