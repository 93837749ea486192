package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.pondhouse.server.query.QueryService;
import dev.pondhouse.server.query.QuerySession;
import dev.pondhouse.server.query.SessionControl;
import dev.pondhouse.server.query.metadata.FlightSqlMetadata;
import dev.pondhouse.server.query.metadata.KeyMetadata;
import dev.pondhouse.server.query.metadata.ServerSqlInfo;
import dev.pondhouse.server.query.metadata.TableVisibility;
import dev.pondhouse.server.query.metadata.XdbcTypeInfo;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTableTypes;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight SQL metadata commands: SQL info, type info, catalogs, schemas, tables, table types and
 * keys. The FlightInfo of a command names the command itself as its ticket; the DoGet that follows
 * lists what the caller's session may see, on the session's connection, in one batch.
 *
 * <p>Thread-safe: holds no mutable state; listings run while the session's connection is held.
 */
final class MetadataCommands {
    private final CallerSessions sessions;
    private final QueryService queries;
    private final SessionControl sessionControl;
    private final FlightSqlMetadata metadata;
    private final KeyMetadata keys;
    private final XdbcTypeInfo typeInfo;
    private final ServerSqlInfo sqlInfo;

    MetadataCommands(CallerSessions sessions, QueryService queries, SessionControl sessionControl, String catalog,
            ServerSqlInfo sqlInfo, BufferAllocator allocator) {
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.sessionControl = requireNonNull(sessionControl, "sessionControl is null");
        this.metadata = new FlightSqlMetadata(allocator, catalog);
        this.keys = new KeyMetadata(allocator, catalog);
        this.typeInfo = new XdbcTypeInfo(allocator);
        this.sqlInfo = requireNonNull(sqlInfo, "sqlInfo is null");
    }

    FlightInfo sqlInfoInfo(CommandGetSqlInfo request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_SQL_INFO_SCHEMA);
    }

    void streamSqlInfo(CommandGetSqlInfo command, ServerStreamListener listener) {
        sqlInfo.streamSqlInfo(command, listener);
    }

    FlightInfo typeInfoInfo(CommandGetXdbcTypeInfo request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_TYPE_INFO_SCHEMA);
    }

    void streamTypeInfo(CommandGetXdbcTypeInfo request, ServerStreamListener listener) {
        try {
            sendRoot(typeInfo.typeInfo(request), listener);
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e));
        }
    }

    FlightInfo catalogsInfo(CommandGetCatalogs request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_CATALOGS_SCHEMA);
    }

    void streamCatalogs(CallContext context, ServerStreamListener listener) {
        send(context, listener, (connection, visibility) -> metadata.catalogs(connection, visibility));
    }

    FlightInfo schemasInfo(CommandGetDbSchemas request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_SCHEMAS_SCHEMA);
    }

    void streamSchemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        send(context, listener, (connection, visibility) -> metadata.schemas(connection, visibility, command));
    }

    FlightInfo tablesInfo(CommandGetTables request, FlightDescriptor descriptor) {
        return info(request, descriptor,
                request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA);
    }

    void streamTables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
        send(context, listener, (connection, visibility) -> metadata.tables(connection, visibility, command));
    }

    FlightInfo tableTypesInfo(CommandGetTableTypes request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_TABLE_TYPES_SCHEMA);
    }

    void streamTableTypes(ServerStreamListener listener) {
        try {
            sendRoot(metadata.tableTypes(), listener);
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e));
        }
    }

    FlightInfo primaryKeysInfo(CommandGetPrimaryKeys request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_PRIMARY_KEYS_SCHEMA);
    }

    void streamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
        send(context, listener, (connection, visibility) -> keys.primaryKeys(connection, visibility, command));
    }

    FlightInfo exportedKeysInfo(CommandGetExportedKeys request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_EXPORTED_KEYS_SCHEMA);
    }

    void streamExportedKeys(CommandGetExportedKeys command, CallContext context, ServerStreamListener listener) {
        send(context, listener, (connection, visibility) -> keys.exportedKeys(connection, visibility, command));
    }

    FlightInfo importedKeysInfo(CommandGetImportedKeys request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_IMPORTED_KEYS_SCHEMA);
    }

    void streamImportedKeys(CommandGetImportedKeys command, CallContext context, ServerStreamListener listener) {
        send(context, listener, (connection, visibility) -> keys.importedKeys(connection, visibility, command));
    }

    FlightInfo crossReferenceInfo(CommandGetCrossReference request, FlightDescriptor descriptor) {
        return info(request, descriptor, Schemas.GET_CROSS_REFERENCE_SCHEMA);
    }

    void streamCrossReference(CommandGetCrossReference command, CallContext context, ServerStreamListener listener) {
        send(context, listener, (connection, visibility) -> keys.crossReference(connection, visibility, command));
    }

    private static FlightInfo info(Message command, FlightDescriptor descriptor, Schema schema) {
        Ticket ticket = new Ticket(Any.pack(command).toByteArray());
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
    }

    private void send(CallContext context, ServerStreamListener listener, Listing listing) {
        VectorSchemaRoot root;
        try {
            QuerySession session = sessions.of(context);
            TableVisibility visibility = queries.visibility(session);
            root = sessionControl.metadata(session, connection -> listing.list(connection, visibility));
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e));
            return;
        }
        sendRoot(root, listener);
    }

    /** A catalog listing filtered to what the session's user may see. */
    @FunctionalInterface
    private interface Listing {
        VectorSchemaRoot list(java.sql.Connection connection, TableVisibility visibility) throws java.sql.SQLException;
    }

    private static void sendRoot(VectorSchemaRoot root, ServerStreamListener listener) {
        try (root) {
            listener.start(root);
            listener.putNext();
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e));
            return;
        }
        listener.completed();
    }
}
