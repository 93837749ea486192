package dev.pondhouse.server.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each audit record as one line of JSON, either appended to a file (flushed per record) or,
 * without a file, to the server log under the logger {@value #LOGGER_NAME}.
 *
 * <p>A line holds: {@code time} (ISO-8601), {@code event} ({@code login}, {@code query},
 * {@code update}, {@code denied}, {@code job}), {@code user}, {@code client}, {@code statement}
 * (or {@code statement_sha256} when statements are hashed; neither when they are omitted),
 * {@code tables}, {@code rows}, {@code bytes}, {@code duration_ms}, {@code outcome} and
 * {@code detail}. Passwords and tokens are never part of an {@link AuditEvent}.
 *
 * <p>Thread-safe: writes are serialized on this object.
 */
public final class JsonLinesAuditLog implements AuditLog, AutoCloseable {
    public static final String LOGGER_NAME = "dev.pondhouse.audit";
    private static final Logger log = LoggerFactory.getLogger(JsonLinesAuditLog.class);
    private static final Logger auditLogger = LoggerFactory.getLogger(LOGGER_NAME);
    private static final JsonFactory json = new JsonFactory();

    private final Optional<Path> file;
    private final StatementLogging statements;

    // Guarded by this.
    private OutputStream output;
    private boolean failing;

    /** How statements appear in the audit log. */
    public enum StatementLogging {
        TEXT, HASH, NONE
    }

    public JsonLinesAuditLog(Optional<Path> file, StatementLogging statements) {
        this.file = requireNonNull(file, "file is null");
        this.statements = requireNonNull(statements, "statements is null");
    }

    /** Opens the file (creating its folder) so that a bad path stops start-up. */
    public synchronized void start() throws IOException {
        if (file.isPresent()) {
            Path parent = file.get().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            output = Files.newOutputStream(file.get(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
    }

    @Override
    public void record(AuditEvent event) {
        String line = format(event);
        if (file.isEmpty()) {
            auditLogger.info(line);
            return;
        }
        synchronized (this) {
            if (output == null) {
                log.warn("audit log {} is not open; record dropped: {}", file.get(), line);
                return;
            }
            try {
                output.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                output.flush();
                failing = false;
            } catch (IOException e) {
                if (!failing) {
                    log.error("cannot write the audit log {}: {}", file.get(), e.getMessage());
                    failing = true;
                }
            }
        }
    }

    String format(AuditEvent event) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = json.createGenerator(text)) {
            generator.writeStartObject();
            generator.writeStringField("time", event.time().toString());
            generator.writeStringField("event", event.kind().name().toLowerCase(Locale.ROOT));
            generator.writeStringField("user", event.user());
            if (event.clientAddress().isPresent()) {
                generator.writeStringField("client", event.clientAddress().get());
            }
            if (event.statement().isPresent()) {
                switch (statements) {
                    case TEXT -> generator.writeStringField("statement", event.statement().get());
                    case HASH -> generator.writeStringField("statement_sha256", sha256(event.statement().get()));
                    case NONE -> { }
                }
            }
            if (!event.tables().isEmpty()) {
                generator.writeArrayFieldStart("tables");
                for (String table : event.tables()) {
                    generator.writeString(table);
                }
                generator.writeEndArray();
            }
            if (event.kind() == AuditEvent.Kind.QUERY || event.kind() == AuditEvent.Kind.UPDATE) {
                generator.writeNumberField("rows", event.rows());
                generator.writeNumberField("bytes", event.bytes());
            }
            if (event.kind() != AuditEvent.Kind.LOGIN) {
                generator.writeNumberField("duration_ms", event.duration().toMillis());
            }
            generator.writeStringField("outcome", event.outcome().name().toLowerCase(Locale.ROOT));
            if (event.detail().isPresent()) {
                generator.writeStringField("detail", event.detail().get());
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("formatting an audit record in memory failed", e);
        }
        return text.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (output != null) {
            output.close();
            output = null;
        }
    }
}
