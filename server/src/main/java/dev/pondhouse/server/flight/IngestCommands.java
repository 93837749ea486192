package dev.pondhouse.server.flight;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.ingest.BulkIngest;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.delta.WriteRequest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;

/**
 * Reads a Flight SQL {@code CommandStatementIngest} into a {@link BulkIngest.Request}: the table
 * definition options map to create / append / replace / fail; the schema is required (tables are
 * {@code schema.table}); the catalog, if given, must be the lake's; temporary tables and ingest
 * inside a Flight SQL transaction are refused. Two options make a resent request idempotent:
 * {@value #APP_ID_OPTION} (the client's stream id) and {@value #VERSION_OPTION} (its batch number).
 */
final class IngestCommands {
    static final String APP_ID_OPTION = "pondhouse.txn.app-id";
    static final String VERSION_OPTION = "pondhouse.txn.version";
    private static final Set<String> KNOWN_OPTIONS = Set.of(APP_ID_OPTION, VERSION_OPTION);

    private IngestCommands() {}

    static BulkIngest.Request request(CommandStatementIngest command, String user, String lakeCatalog) {
        if (command.getTemporary()) {
            throw new PondhouseException(ErrorKind.UNSUPPORTED, "bulk ingest into temporary tables is not supported;"
                    + " ingest into a lake table schema.table");
        }
        if (command.hasTransactionId()) {
            throw new PondhouseException(ErrorKind.UNSUPPORTED, "bulk ingest runs outside transactions: one request is"
                    + " one commit; send it without a transaction");
        }
        if (command.hasCatalog() && !command.getCatalog().isEmpty() && !command.getCatalog().equals(lakeCatalog)) {
            throw PondhouseException.notFound("catalog " + command.getCatalog() + " does not exist; the lake is "
                    + lakeCatalog);
        }
        if (!command.hasSchema() || command.getSchema().isEmpty()) {
            throw PondhouseException.userError("bulk ingest needs the target schema (tables are schema.table)");
        }
        LakeTableName table = new LakeTableName(command.getSchema(), command.getTable());
        TableDefinitionOptions options = command.getTableDefinitionOptions();
        BulkIngest.IfExists ifExists = switch (options.getIfExists()) {
            case TABLE_EXISTS_OPTION_APPEND -> BulkIngest.IfExists.APPEND;
            case TABLE_EXISTS_OPTION_REPLACE -> BulkIngest.IfExists.REPLACE;
            case TABLE_EXISTS_OPTION_FAIL, TABLE_EXISTS_OPTION_UNSPECIFIED -> BulkIngest.IfExists.FAIL;
            case UNRECOGNIZED -> throw PondhouseException.userError("unknown table-exists option in the ingest request");
        };
        BulkIngest.IfMissing ifMissing = switch (options.getIfNotExist()) {
            case TABLE_NOT_EXIST_OPTION_FAIL -> BulkIngest.IfMissing.FAIL;
            case TABLE_NOT_EXIST_OPTION_CREATE, TABLE_NOT_EXIST_OPTION_UNSPECIFIED -> BulkIngest.IfMissing.CREATE;
            case UNRECOGNIZED -> throw PondhouseException.userError("unknown table-not-exist option in the ingest request");
        };
        return new BulkIngest.Request(user, table, ifExists, ifMissing, transaction(command.getOptionsMap()));
    }

    private static Optional<WriteRequest.AppTransaction> transaction(Map<String, String> options) {
        for (String option : options.keySet()) {
            if (!KNOWN_OPTIONS.contains(option)) {
                throw PondhouseException.userError("unknown ingest option " + option + " (known: " + APP_ID_OPTION + ", "
                        + VERSION_OPTION + ")");
            }
        }
        String appId = options.get(APP_ID_OPTION);
        String version = options.get(VERSION_OPTION);
        if (appId == null && version == null) {
            return Optional.empty();
        }
        if (appId == null || appId.isBlank() || version == null) {
            throw PondhouseException.userError("ingest options " + APP_ID_OPTION + " and " + VERSION_OPTION
                    + " go together");
        }
        try {
            return Optional.of(new WriteRequest.AppTransaction("pondhouse-ingest/" + appId, Long.parseLong(version)));
        } catch (NumberFormatException e) {
            throw PondhouseException.userError(VERSION_OPTION + " must be a whole number, got '" + version + "'");
        }
    }
}
