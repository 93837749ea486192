package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
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
 * A stand-in for the real producer that serves only the metadata commands, through this package's
 * classes, over one DuckDB session — enough to let the real Flight SQL JDBC driver read them.
 * Requests are served one at a time (the session connection is not thread-safe).
 */
final class MetadataOnlyFlightSqlProducer extends NoOpFlightSqlProducer {

    private final Connection session;
    private final FlightSqlMetadata listings;
    private final KeyMetadata keys;
    private final XdbcTypeInfo typeInfo;
    private final ServerSqlInfo sqlInfo;

    MetadataOnlyFlightSqlProducer(BufferAllocator allocator, Connection session) {
        this.session = requireNonNull(session, "session is null");
        this.listings = new FlightSqlMetadata(allocator, LakeDatabase.LAKE);
        this.keys = new KeyMetadata(allocator, LakeDatabase.LAKE);
        this.typeInfo = new XdbcTypeInfo(allocator);
        this.sqlInfo = new ServerSqlInfo("0.1.0-test", "18.3.0", new ServerFeatures(false, false, false));
    }

    @Override
    public FlightInfo getFlightInfoSqlInfo(CommandGetSqlInfo request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_SQL_INFO_SCHEMA, descriptor);
    }

    @Override
    public void getStreamSqlInfo(CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        sqlInfo.streamSqlInfo(command, listener);
    }

    @Override
    public FlightInfo getFlightInfoTypeInfo(
            CommandGetXdbcTypeInfo request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_TYPE_INFO_SCHEMA, descriptor);
    }

    @Override
    public void getStreamTypeInfo(CommandGetXdbcTypeInfo request, CallContext context, ServerStreamListener listener) {
        send(listener, () -> typeInfo.typeInfo(request));
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(CommandGetCatalogs request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_CATALOGS_SCHEMA, descriptor);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        send(listener, () -> listings.catalogs(session, TableVisibility.ALL));
    }

    @Override
    public FlightInfo getFlightInfoSchemas(CommandGetDbSchemas request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_SCHEMAS_SCHEMA, descriptor);
    }

    @Override
    public void getStreamSchemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> listings.schemas(session, TableVisibility.ALL, command));
    }

    @Override
    public FlightInfo getFlightInfoTables(CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
        return info(request, request.getIncludeSchema()
                ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, descriptor);
    }

    @Override
    public void getStreamTables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> listings.tables(session, TableVisibility.ALL, command));
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(
            CommandGetTableTypes request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_TABLE_TYPES_SCHEMA, descriptor);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        send(listener, listings::tableTypes);
    }

    @Override
    public FlightInfo getFlightInfoPrimaryKeys(
            CommandGetPrimaryKeys request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_PRIMARY_KEYS_SCHEMA, descriptor);
    }

    @Override
    public void getStreamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> keys.primaryKeys(session, TableVisibility.ALL, command));
    }

    @Override
    public FlightInfo getFlightInfoImportedKeys(
            CommandGetImportedKeys request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_IMPORTED_KEYS_SCHEMA, descriptor);
    }

    @Override
    public void getStreamImportedKeys(
            CommandGetImportedKeys command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> keys.importedKeys(session, TableVisibility.ALL, command));
    }

    @Override
    public FlightInfo getFlightInfoExportedKeys(
            CommandGetExportedKeys request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_EXPORTED_KEYS_SCHEMA, descriptor);
    }

    @Override
    public void getStreamExportedKeys(
            CommandGetExportedKeys command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> keys.exportedKeys(session, TableVisibility.ALL, command));
    }

    @Override
    public FlightInfo getFlightInfoCrossReference(
            CommandGetCrossReference request, CallContext context, FlightDescriptor descriptor) {
        return info(request, Schemas.GET_CROSS_REFERENCE_SCHEMA, descriptor);
    }

    @Override
    public void getStreamCrossReference(
            CommandGetCrossReference command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> keys.crossReference(session, TableVisibility.ALL, command));
    }

    private static FlightInfo info(Message command, Schema schema, FlightDescriptor descriptor) {
        Ticket ticket = new Ticket(Any.pack(command).toByteArray());
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
    }

    private synchronized void send(ServerStreamListener listener, RootSource source) {
        try (VectorSchemaRoot root = source.root()) {
            listener.start(root);
            listener.putNext();
        } catch (SQLException | RuntimeException failure) {
            listener.error(CallStatus.INTERNAL.withDescription(failure.getMessage()).withCause(failure)
                    .toRuntimeException());
            return;
        }
        listener.completed();
    }

    @FunctionalInterface
    private interface RootSource {
        VectorSchemaRoot root() throws SQLException;
    }
}
