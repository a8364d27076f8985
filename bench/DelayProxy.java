import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP proxy that delays every byte by a fixed time each way, for benchmarks over a "WAN" on a
 * machine without netem: latency, not bandwidth (a chunk read at t is written at t + delay).
 * Usage: java bench/DelayProxy.java LISTEN_PORT TARGET_HOST TARGET_PORT ONE_WAY_DELAY_MS
 * Prints "ready" once it listens on 127.0.0.1.
 */
public final class DelayProxy {
    private record Chunk(long due, byte[] bytes) {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        InetSocketAddress target = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        long delayNanos = Long.parseLong(args[3]) * 1_000_000L;
        try (ServerSocket server = new ServerSocket(port, 200, InetAddress.getLoopbackAddress())) {
            System.out.println("ready");
            System.out.flush();
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                pipe(client, upstream, delayNanos);
                pipe(upstream, client, delayNanos);
            }
        }
    }

    /** Reads {@code from} as fast as it comes; a second thread writes each chunk to {@code to} when due. */
    private static void pipe(Socket from, Socket to, long delayNanos) throws IOException {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[256 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    queue.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
            queue.add(new Chunk(System.nanoTime() + delayNanos, new byte[0]));
        });
        Thread writer = new Thread(() -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    long wait = c.due() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                    if (c.bytes().length == 0) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.bytes());
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
