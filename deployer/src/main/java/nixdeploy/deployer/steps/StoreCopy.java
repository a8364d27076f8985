package nixdeploy.deployer.steps;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import nixdeploy.deployer.nix.PathInfo;

/**
 * Speaks Nix's serve protocol with {@code nix-store --serve --write} on the host, the protocol
 * behind {@code ssh://} stores: one exec channel answers which paths the host lacks (after letting
 * it substitute them, unless told not to) and then imports just those from a local
 * {@code nix-store --export} stream.
 */
final class StoreCopy implements AutoCloseable {
    private static final long SERVE_MAGIC_1 = 0x390c9debL;
    private static final long SERVE_MAGIC_2 = 0x5452eecbL;
    private static final long CLIENT_VERSION = 0x205;
    private static final long QUERY_VALID_PATHS = 1;
    private static final long IMPORT_PATHS = 4;
    private static final long ADD_TO_STORE_NAR = 9;

    private final OutputStream out;
    private final DataInputStream in;

    private final Queue<List<String>> unanswered = new ArrayDeque<>();
    private boolean greeted;

    /**
     * Greets the host's {@code nix-store --serve}; its answer is read with the first command's, so
     * the greeting costs no round trip of its own.
     */
    StoreCopy(OutputStream toHost, InputStream fromHost) throws IOException {
        this.out = toHost;
        this.in = new DataInputStream(fromHost);
        writeLong(SERVE_MAGIC_1);
        writeLong(CLIENT_VERSION);
    }

    /** Reads the host's answer to the greeting, once, before the answer to the first command. */
    private void greeted() throws IOException {
        if (greeted) {
            return;
        }
        greeted = true;
        long magic = readLong();
        if (magic != SERVE_MAGIC_2) {
            throw new IOException("the host's nix-store --serve answered an unknown protocol (magic "
                    + Long.toHexString(magic) + ")");
        }
        long version = readLong();
        if ((version & 0xff00) != 0x200) {
            throw new IOException("the host's nix-store speaks serve protocol " + Long.toHexString(version)
                    + ", expected 2.x");
        }
    }

    /** The paths among {@code paths} that are not valid on the host (after substitution if asked). */
    List<String> missing(List<String> paths, boolean substitute) throws IOException {
        ask(paths, substitute);
        return missing();
    }

    /**
     * Asks which of {@code paths} the host lacks (after substitution if asked), without waiting for
     * the answer: {@link #missing()} reads it.
     */
    synchronized void ask(List<String> paths, boolean substitute) throws IOException {
        writeLong(QUERY_VALID_PATHS);
        writeLong(1);
        writeLong(substitute ? 1 : 0);
        writeLong(paths.size());
        for (String path : paths) {
            writeString(path);
        }
        out.flush();
        unanswered.add(paths);
    }

    /** The answers to the questions not read yet: the paths the host lacks, in the order asked. */
    synchronized List<String> missing() throws IOException {
        List<String> missing = new ArrayList<>();
        while (!unanswered.isEmpty()) {
            List<String> paths = unanswered.remove();
            greeted();
            long count = readLong();
            Set<String> valid = new HashSet<>();
            for (long i = 0; i < count; i++) {
                valid.add(readString());
            }
            // in the order asked, which the batched export relies on; a set, as closures have 30,000 paths
            paths.stream().filter(p -> !valid.contains(p)).forEach(missing::add);
        }
        return missing;
    }

    /** Sends a {@code nix-store --export} stream and waits for the host to confirm the import. */
    long importExport(InputStream export) throws IOException {
        answered();
        writeLong(IMPORT_PATHS);
        long bytes = export.transferTo(out);
        out.flush();
        greeted();
        if (readLong() != 1) {
            throw new IOException("the host did not confirm the import");
        }
        return bytes;
    }

    /**
     * Adds one path with its metadata and signatures (which an export stream cannot carry), so a
     * host that only trusts signed paths accepts it. {@code nar} is {@code nix-store --dump} of it.
     */
    void addToStoreNar(PathInfo info, InputStream nar) throws IOException {
        answered();
        writeLong(ADD_TO_STORE_NAR);
        writeString(info.path());
        writeString(info.deriver());
        writeString(info.narHash());
        writeLong(info.references().size());
        for (String reference : info.references()) {
            writeString(reference);
        }
        writeLong(info.registrationTime());
        writeLong(info.narSize());
        writeLong(info.ultimate() ? 1 : 0);
        writeLong(info.signatures().size());
        for (String signature : info.signatures()) {
            writeString(signature);
        }
        writeString(info.ca());
        long sent = nar.transferTo(out);
        if (sent != info.narSize()) {
            throw new IOException("the NAR of " + info.path() + " has " + sent + " bytes, not " + info.narSize());
        }
        out.flush();
        greeted();
        if (readLong() != 1) {
            throw new IOException("the host did not confirm adding " + info.path());
        }
    }

    /** The answers come in the order asked: a question's must be read before the next command's. */
    private synchronized void answered() {
        if (!unanswered.isEmpty()) {
            throw new IllegalStateException("the answers to the missing-path questions were not read");
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void writeLong(long value) throws IOException {
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    private void writeString(String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLong(bytes.length);
        out.write(bytes);
        out.write(new byte[(8 - bytes.length % 8) % 8]);
    }

    private long readLong() throws IOException {
        byte[] bytes = new byte[8];
        try {
            in.readFully(bytes);
        } catch (EOFException e) {
            throw new EOFException("the host's nix-store --serve ended the conversation");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private String readString() throws IOException {
        long length = readLong();
        if (length < 0 || length > 4096) {
            throw new IOException("the host sent a store path of " + length + " bytes");
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        in.readFully(new byte[(int) ((8 - length % 8) % 8)]);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
