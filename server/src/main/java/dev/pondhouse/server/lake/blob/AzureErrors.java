package dev.pondhouse.server.lake.blob;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.storage.blob.models.BlobStorageException;
import dev.pondhouse.server.lake.blob.BlobStoreException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Turns the Azure SDK's exceptions into {@link BlobStoreException}s, in this one place, so that no
 * SDK type crosses the {@link BlobStore} interface.
 */
final class AzureErrors {
    /** Whether a failed request could have changed the blob. */
    enum Effect {
        READ,
        WRITE
    }

    private AzureErrors() {}

    static BlobStoreException translate(String name, String action, Effect effect, RuntimeException e) {
        if (e instanceof BlobStorageException storage) {
            return fromStatus(name, action, effect, storage);
        }
        if (e instanceof ClientAuthenticationException) {
            return new BlobStoreException(Kind.PERMISSION_DENIED, name, "Cannot " + action + " blob '" + name
                    + "': signing in to Azure failed (" + firstLine(e.getMessage()) + ")", e);
        }
        if (neverSent(e)) {
            return new BlobStoreException(Kind.UNAVAILABLE, name, "Cannot " + action + " blob '" + name
                    + "': Azure Blob Storage is unreachable (" + firstLine(rootCause(e).toString()) + ")", e);
        }
        Kind kind = effect == Effect.WRITE ? Kind.UNKNOWN_OUTCOME : Kind.UNAVAILABLE;
        return new BlobStoreException(kind, name, "Cannot " + action + " blob '" + name + "': "
                + firstLine(rootCause(e).toString())
                + (kind == Kind.UNKNOWN_OUTCOME ? " (the write may or may not have happened)" : ""), e);
    }

    private static BlobStoreException fromStatus(String name, String action, Effect effect, BlobStorageException e) {
        int status = e.getStatusCode();
        String code = e.getErrorCode() == null ? "no error code" : e.getErrorCode().toString();
        String detail = " (HTTP " + status + ", " + code + ")";
        if (status == 404) {
            boolean container = "ContainerNotFound".equals(code);
            return new BlobStoreException(Kind.NOT_FOUND, name, container
                    ? "Cannot " + action + " blob '" + name + "': the container does not exist" + detail
                    : "Blob '" + name + "' does not exist" + detail, e);
        }
        if (status == 401 || status == 403) {
            return new BlobStoreException(Kind.PERMISSION_DENIED, name, "Not allowed to " + action + " blob '"
                    + name + "'" + detail + "; check the credentials and their role on the container", e);
        }
        if (status == 408 || status == 429 || status >= 500) {
            Kind kind = effect == Effect.WRITE ? Kind.UNKNOWN_OUTCOME : Kind.UNAVAILABLE;
            return new BlobStoreException(kind, name, "Cannot " + action + " blob '" + name
                    + "': Azure Blob Storage did not complete the request" + detail, e);
        }
        if (status == 400 && ("InvalidResourceName".equals(code) || "InvalidUri".equals(code))) {
            return new BlobStoreException(Kind.INVALID_NAME, name, "Azure refused the blob name '" + name + "'" + detail, e);
        }
        return new BlobStoreException(Kind.FAILED, name, "Cannot " + action + " blob '" + name + "'" + detail
                + ": " + firstLine(e.getServiceMessage()), e);
    }

    /** True when the connection was never established, so the request had no effect. */
    private static boolean neverSent(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no details";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
