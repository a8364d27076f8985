package nixdeploy.activator.profile;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** Reads and atomically replaces one profile's {@link Journal}: temp file, fsync, rename, fsync dir. */
public final class JournalStore {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path file;

    public JournalStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public Optional<Journal> read() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String json = Files.readString(file, StandardCharsets.UTF_8);
        try {
            Journal journal = GSON.fromJson(json, Journal.class);
            if (journal == null || journal.state == null) {
                throw new IOException("journal " + file + " has no state");
            }
            return Optional.of(journal);
        } catch (JsonParseException e) {
            throw new IOException("journal " + file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public void write(Journal journal) throws IOException {
        journal.updatedAt = System.currentTimeMillis();
        byte[] bytes = GSON.toJson(journal).getBytes(StandardCharsets.UTF_8);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory does not support atomic rename: " + file.getParent(), e);
        }
        syncDirectory(file.getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some systems cannot open a directory for fsync; the rename is still atomic
        }
    }
}
