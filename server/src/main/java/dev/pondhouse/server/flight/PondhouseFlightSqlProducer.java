package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.ingest.BulkIngest;
import dev.pondhouse.server.query.PreparedQuery;
import dev.pondhouse.server.query.PreparedStatements;
import dev.pondhouse.server.query.QueryService;
import dev.pondhouse.server.query.QuerySession;
import dev.pondhouse.server.query.RunningQueries;
import dev.pondhouse.server.query.RunningQuery;
import dev.pondhouse.server.query.SessionControl;
import dev.pondhouse.server.query.SessionRegistry;
import dev.pondhouse.server.query.metadata.ServerSqlInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionBeginTransactionRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionBeginTransactionResult;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionEndTransactionRequest;
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
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The Flight SQL protocol adapter: decodes commands, finds the caller's session, hands the work to
 * the query layer and encodes the answers. No SQL is written here.
 *
 * <p>Statements are prepared and checked when the client asks for their FlightInfo, so errors in the
 * statement surface on execute and the schema is exact; they start running then too, on an execution
 * thread, while the client comes back for the result, and the result waits for the one DoGet that
 * reads it.
 *
 * <p>Handles statements, prepared statements, transactions, sessions, actions and bulk ingest
 * itself; the metadata commands are answered by {@link MetadataCommands}, session options by
 * {@link SessionOptions}, and a caller's session is found by {@link CallerSessions}.
 */
public final class PondhouseFlightSqlProducer implements FlightSqlProducer {
    private final SessionRegistry sessions;
    private final QueryService queries;
    private final PreparedStatements preparedStatements;
    private final RunningQueries runningQueries;
    private final SessionControl sessionControl;
    private final CallerSessions callerSessions;
    private final MetadataCommands metadata;
    private final SessionOptions sessionOptions;
    private final BufferAllocator allocator;
    private final ResultStreamer streamer;
    private final JobActions jobActions;
    private final BulkIngest ingest;
    private final String catalog;

    public PondhouseFlightSqlProducer(SessionRegistry sessions, QueryService queries,
            PreparedStatements preparedStatements, RunningQueries runningQueries, SessionControl sessionControl,
            String catalog, ServerSqlInfo sqlInfo,
            BufferAllocator allocator, JobActions jobActions, BulkIngest ingest) {
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.preparedStatements = requireNonNull(preparedStatements, "preparedStatements is null");
        this.runningQueries = requireNonNull(runningQueries, "runningQueries is null");
        this.sessionControl = requireNonNull(sessionControl, "sessionControl is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.callerSessions = new CallerSessions(sessions);
        this.metadata = new MetadataCommands(callerSessions, queries, sessionControl, catalog, sqlInfo, allocator);
        this.sessionOptions = new SessionOptions(callerSessions, sessionControl);
        this.streamer = new ResultStreamer(queries);
        this.jobActions = requireNonNull(jobActions, "jobActions is null");
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.catalog = catalog;
    }

    // ---- sessions -------------------------------------------------------------------------

    private QuerySession session(CallContext context) {
        return callerSessions.of(context);
    }

    private static Optional<String> transaction(boolean present, ByteString id) {
        return present ? Optional.of(id.toStringUtf8()) : Optional.empty();
    }

    // ---- statements -----------------------------------------------------------------------

    @Override
    public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        return call(() -> {
            QuerySession session = session(context);
            RunningQuery query = queries.execute(session, command.getQuery(),
                    transaction(command.hasTransactionId(), command.getTransactionId()), context::isCancelled);
            return resultInfo(query, descriptor);
        });
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return call(() -> {
            QuerySession session = session(context);
            RunningQuery query = queries.executePrepared(session, command.getPreparedStatementHandle().toStringUtf8(),
                    Optional.empty(), context::isCancelled);
            return resultInfo(query, descriptor);
        });
    }

    private static FlightInfo resultInfo(RunningQuery query, FlightDescriptor descriptor) {
        TicketStatementQuery ticket = TicketStatementQuery.newBuilder()
                .setStatementHandle(ByteString.copyFromUtf8(query.id()))
                .build();
        FlightEndpoint endpoint = new FlightEndpoint(new Ticket(Any.pack(ticket).toByteArray()));
        return new FlightInfo(query.schema(), descriptor, List.of(endpoint), -1, -1);
    }

    @Override
    public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        return call(() -> {
            QuerySession session = session(context);
            PreparedQuery prepared = preparedStatements.prepare(session, command.getQuery(),
                    transaction(command.hasTransactionId(), command.getTransactionId()));
            try {
                return new SchemaResult(prepared.datasetSchema());
            } finally {
                preparedStatements.closePrepared(session, prepared.handle());
            }
        });
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return call(() -> new SchemaResult(
                preparedStatements.prepared(session(context), command.getPreparedStatementHandle().toStringUtf8()).datasetSchema()));
    }

    @Override
    public void getStreamStatement(TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        RunningQuery query;
        try {
            query = runningQueries.claim(ticket.getStatementHandle().toStringUtf8(), context.peerIdentity());
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e));
            return;
        }
        streamer.stream(query, listener);
    }

    @Override
    public void getStreamPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        RunningQuery query;
        try {
            query = queries.executePrepared(session(context), command.getPreparedStatementHandle().toStringUtf8(),
                    Optional.empty(), listener::isCancelled);
            query = runningQueries.claim(query.id(), context.peerIdentity());
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e));
            return;
        }
        streamer.stream(query, listener);
    }

    @Override
    public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context, FlightStream flightStream,
            StreamListener<PutResult> ackStream) {
        return () -> respond(ackStream, () -> {
            long changed = queries.executeUpdate(session(context), command.getQuery(),
                    transaction(command.hasTransactionId(), command.getTransactionId()), context::isCancelled);
            return updateResult(changed);
        });
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> respond(ackStream, () -> {
            QuerySession session = session(context);
            String handle = command.getPreparedStatementHandle().toStringUtf8();
            bindParameters(session, handle, flightStream);
            return updateResult(queries.executePreparedUpdate(session, handle, Optional.empty(), context::isCancelled));
        });
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(CommandPreparedStatementQuery command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> respond(ackStream, () -> {
            QuerySession session = session(context);
            String handle = command.getPreparedStatementHandle().toStringUtf8();
            bindParameters(session, handle, flightStream);
            FlightSql.DoPutPreparedStatementResult result = FlightSql.DoPutPreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(command.getPreparedStatementHandle())
                    .build();
            return List.of(PutResult.metadata(bytes(result.toByteArray())));
        });
    }

    @Override
    public Runnable acceptPutStatementBulkIngest(FlightSql.CommandStatementIngest command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> respond(ackStream, () -> {
            String user = session(context).user();
            try (FlightStreamReader reader = new FlightStreamReader(flightStream, allocator)) {
                return updateResult(ingest.ingest(IngestCommands.request(command, user, catalog), reader, allocator));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void bindParameters(QuerySession session, String handle, FlightStream flightStream) {
        List<List<Object>> rows = new ArrayList<>();
        while (flightStream.next()) {
            rows.addAll(PreparedStatements.parameterRows(flightStream.getRoot()));
        }
        preparedStatements.bind(session, handle, rows);
    }

    private List<PutResult> updateResult(long changed) {
        DoPutUpdateResult result = DoPutUpdateResult.newBuilder().setRecordCount(changed).build();
        return List.of(PutResult.metadata(bytes(result.toByteArray())));
    }

    private org.apache.arrow.memory.ArrowBuf bytes(byte[] content) {
        org.apache.arrow.memory.ArrowBuf buffer = allocator.buffer(content.length);
        buffer.writeBytes(content);
        return buffer;
    }

    @Override
    public void createPreparedStatement(ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        respondOne(listener, () -> {
            PreparedQuery prepared = preparedStatements.prepare(session(context), request.getQuery(),
                    transaction(request.hasTransactionId(), request.getTransactionId()));
            ActionCreatePreparedStatementResult result = ActionCreatePreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(ByteString.copyFromUtf8(prepared.handle()))
                    .setDatasetSchema(ByteString.copyFrom(prepared.datasetSchema().serializeAsMessage()))
                    .setParameterSchema(ByteString.copyFrom(prepared.parameterSchema().serializeAsMessage()))
                    .build();
            return new Result(Any.pack(result).toByteArray());
        });
    }

    @Override
    public void closePreparedStatement(ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            preparedStatements.closePrepared(session(context), request.getPreparedStatementHandle().toStringUtf8());
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.toFlight(e));
        }
    }

    // ---- transactions, cancellation, session options ---------------------------------------

    @Override
    public void beginTransaction(ActionBeginTransactionRequest request, CallContext context,
            StreamListener<ActionBeginTransactionResult> listener) {
        respondOne(listener, () -> ActionBeginTransactionResult.newBuilder()
                .setTransactionId(ByteString.copyFromUtf8(sessionControl.beginTransaction(session(context))))
                .build());
    }

    @Override
    public void endTransaction(ActionEndTransactionRequest request, CallContext context, StreamListener<Result> listener) {
        try {
            boolean commit = switch (request.getAction()) {
                case END_TRANSACTION_COMMIT -> true;
                case END_TRANSACTION_ROLLBACK -> false;
                default -> throw PondhouseException.userError("end transaction needs COMMIT or ROLLBACK, got "
                        + request.getAction());
            };
            sessionControl.endTransaction(session(context), request.getTransactionId().toStringUtf8(), commit);
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.toFlight(e));
        }
    }

    @Override
    public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context, StreamListener<CancelStatus> listener) {
        respondOne(listener, () -> {
            boolean cancelled = false;
            for (FlightEndpoint endpoint : request.getInfo().getEndpoints()) {
                Optional<String> id = queryId(endpoint.getTicket());
                if (id.isPresent()) {
                    cancelled |= runningQueries.cancel(id.get(), context.peerIdentity());
                }
            }
            return cancelled ? CancelStatus.CANCELLED : CancelStatus.NOT_CANCELLABLE;
        });
    }

    private static Optional<String> queryId(Ticket ticket) {
        try {
            Any any = Any.parseFrom(ticket.getBytes());
            if (any.is(TicketStatementQuery.class)) {
                return Optional.of(any.unpack(TicketStatementQuery.class).getStatementHandle().toStringUtf8());
            }
            return Optional.empty();
        } catch (InvalidProtocolBufferException e) {
            throw PondhouseException.userError("the ticket is not a Flight SQL ticket");
        }
    }

    @Override
    public void setSessionOptions(SetSessionOptionsRequest request, CallContext context,
            StreamListener<SetSessionOptionsResult> listener) {
        respondOne(listener, () -> sessionOptions.set(request, context));
    }

    @Override
    public void getSessionOptions(GetSessionOptionsRequest request, CallContext context,
            StreamListener<GetSessionOptionsResult> listener) {
        respondOne(listener, () -> sessionOptions.get(context));
    }

    @Override
    public void closeSession(CloseSessionRequest request, CallContext context, StreamListener<CloseSessionResult> listener) {
        respondOne(listener, () -> {
            QuerySession session = session(context);
            runningQueries.cancelSession(session);
            sessions.close(session);
            return new CloseSessionResult(CloseSessionResult.Status.CLOSED);
        });
    }

    // ---- metadata (answered by MetadataCommands) -------------------------------------------

    @Override
    public FlightInfo getFlightInfoSqlInfo(CommandGetSqlInfo request, CallContext context, FlightDescriptor descriptor) {
        return metadata.sqlInfoInfo(request, descriptor);
    }

    @Override
    public void getStreamSqlInfo(CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        metadata.streamSqlInfo(command, listener);
    }

    @Override
    public FlightInfo getFlightInfoTypeInfo(CommandGetXdbcTypeInfo request, CallContext context, FlightDescriptor descriptor) {
        return metadata.typeInfoInfo(request, descriptor);
    }

    @Override
    public void getStreamTypeInfo(CommandGetXdbcTypeInfo request, CallContext context, ServerStreamListener listener) {
        metadata.streamTypeInfo(request, listener);
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(CommandGetCatalogs request, CallContext context, FlightDescriptor descriptor) {
        return metadata.catalogsInfo(request, descriptor);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        metadata.streamCatalogs(context, listener);
    }

    @Override
    public FlightInfo getFlightInfoSchemas(CommandGetDbSchemas request, CallContext context, FlightDescriptor descriptor) {
        return metadata.schemasInfo(request, descriptor);
    }

    @Override
    public void getStreamSchemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        metadata.streamSchemas(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoTables(CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
        return metadata.tablesInfo(request, descriptor);
    }

    @Override
    public void getStreamTables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
        metadata.streamTables(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(CommandGetTableTypes request, CallContext context, FlightDescriptor descriptor) {
        return metadata.tableTypesInfo(request, descriptor);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        metadata.streamTableTypes(listener);
    }

    @Override
    public FlightInfo getFlightInfoPrimaryKeys(CommandGetPrimaryKeys request, CallContext context, FlightDescriptor descriptor) {
        return metadata.primaryKeysInfo(request, descriptor);
    }

    @Override
    public void getStreamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
        metadata.streamPrimaryKeys(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoExportedKeys(CommandGetExportedKeys request, CallContext context, FlightDescriptor descriptor) {
        return metadata.exportedKeysInfo(request, descriptor);
    }

    @Override
    public void getStreamExportedKeys(CommandGetExportedKeys command, CallContext context, ServerStreamListener listener) {
        metadata.streamExportedKeys(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoImportedKeys(CommandGetImportedKeys request, CallContext context, FlightDescriptor descriptor) {
        return metadata.importedKeysInfo(request, descriptor);
    }

    @Override
    public void getStreamImportedKeys(CommandGetImportedKeys command, CallContext context, ServerStreamListener listener) {
        metadata.streamImportedKeys(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoCrossReference(CommandGetCrossReference request, CallContext context,
            FlightDescriptor descriptor) {
        return metadata.crossReferenceInfo(request, descriptor);
    }

    @Override
    public void getStreamCrossReference(CommandGetCrossReference command, CallContext context, ServerStreamListener listener) {
        metadata.streamCrossReference(command, context, listener);
    }

    // ---- plumbing -------------------------------------------------------------------------

    // ---- job actions (everything else is Flight SQL's) ------------------------------------

    @Override
    public void listActions(CallContext context, StreamListener<ActionType> listener) {
        FlightSqlProducer.super.listActions(context, jobActions.appendingTo(listener));
    }

    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        if (jobActions.handles(action.getType())) {
            jobActions.doAction(context, action, listener);
        } else {
            FlightSqlProducer.super.doAction(context, action, listener);
        }
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        listener.onCompleted();
    }

    @Override
    public void close() {}

    private static <T> T call(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw FlightErrors.toFlight(e);
        }
    }

    private static <T> void respondOne(StreamListener<T> listener, java.util.function.Supplier<T> work) {
        T value;
        try {
            value = work.get();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.toFlight(e));
            return;
        }
        listener.onNext(value);
        listener.onCompleted();
    }

    private static void respond(StreamListener<PutResult> listener, java.util.function.Supplier<List<PutResult>> work) {
        List<PutResult> results;
        try {
            results = work.get();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.toFlight(e));
            return;
        }
        for (PutResult result : results) {
            try (result) {
                listener.onNext(result);
            }
        }
        listener.onCompleted();
    }
}
