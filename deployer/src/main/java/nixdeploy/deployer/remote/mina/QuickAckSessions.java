package nixdeploy.deployer.remote.mina;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2CompletionHandler;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.util.Readable;

/**
 * MINA's NIO2 sessions, acknowledging what they read at once (TCP_QUICKACK, where the system has
 * it). sshd sends a session without a terminal with Nagle's algorithm on, so when it answers with
 * two small packets back to back (host keys, then the channel's confirmation), the second waits
 * for our acknowledgement of the first, which Linux delays by 40 ms: a stall in every connection.
 */
final class QuickAckSessions extends Nio2ServiceFactoryFactory {
    private static final SocketOption<Boolean> QUICK_ACK = quickAckOption();

    @Override
    public IoServiceFactory create(FactoryManager manager) {
        return new Nio2ServiceFactory(manager, newExecutor(), newExecutor()) {
            @Override
            public Nio2Session createSession(Nio2Service service, IoHandler handler, AsynchronousSocketChannel socket,
                    SocketAddress acceptance) throws Throwable {
                return QUICK_ACK != null && socket.supportedOptions().contains(QUICK_ACK)
                        ? new QuickAckSession(service, getFactoryManager(), handler, socket, acceptance)
                        : super.createSession(service, handler, socket, acceptance);
            }
        };
    }

    private static final class QuickAckSession extends Nio2Session {
        QuickAckSession(Nio2Service service, PropertyResolver properties, IoHandler handler,
                AsynchronousSocketChannel socket, SocketAddress acceptance) throws IOException {
            super(service, properties, handler, socket, acceptance);
        }

        @Override
        protected void handleReadCycleCompletion(ByteBuffer buffer, Readable bufReader,
                Nio2CompletionHandler<Integer, Object> completionHandler, Integer result, Object attachment) {
            if (result > 0) {
                try {
                    getSocket().setOption(QUICK_ACK, true);  // sends an acknowledgement the kernel holds back
                } catch (IOException | RuntimeException e) {
                    // only slower
                }
            }
            super.handleReadCycleCompletion(buffer, bufReader, completionHandler, result, attachment);
        }
    }

    /** jdk.net's option, looked up so that a runtime without the jdk.net module still connects. */
    @SuppressWarnings("unchecked")
    private static SocketOption<Boolean> quickAckOption() {
        try {
            return (SocketOption<Boolean>) Class.forName("jdk.net.ExtendedSocketOptions").getField("TCP_QUICKACK").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
