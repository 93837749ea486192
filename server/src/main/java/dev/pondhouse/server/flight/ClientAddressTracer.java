package dev.pondhouse.server.flight;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.apache.arrow.flight.CallHeaders;

/**
 * Passes the client's network address to Flight's authenticator and middleware, which only see
 * headers: every incoming call gets the header {@value #HEADER} set from the transport, and a value
 * the client sent itself is removed first, so it cannot be forged.
 *
 * <p>This is a stream tracer rather than an interceptor because Flight installs its own
 * interceptor (where authentication runs) as the outermost one; gRPC tells tracers that a call
 * started, with the transport's attributes, before any interceptor sees the call's headers.
 */
final class ClientAddressTracer extends ServerStreamTracer.Factory {
    static final String HEADER = "x-pondhouse-client-address";
    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        headers.removeAll(KEY);
        return new ServerStreamTracer() {
            @Override
            public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
                SocketAddress remote = callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                if (remote != null) {
                    headers.put(KEY, describe(remote));
                }
            }
        };
    }

    private static String describe(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return remote.toString();
    }

    /** The client address of a call, as set by this tracer. */
    static Optional<String> clientAddress(CallHeaders headers) {
        return Optional.ofNullable(headers.get(HEADER));
    }
}
