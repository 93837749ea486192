package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedGroupBy;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetType;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedSubqueries;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedUnions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedAnsi92SqlGrammarLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedSqlGrammar;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * Answers {@code GetSqlInfo}: what Pondhouse's SQL (DuckDB's) supports, as DBeaver, Tableau,
 * Power BI, the Flight SQL JDBC driver and ADBC ask for it.
 *
 * <p>Every value the JDBC driver's {@code DatabaseMetaData} reads is set (the driver fails on a
 * missing one). Choices worth knowing:
 *
 * <ul>
 *   <li>identifiers, quoted or not, are case-insensitive in DuckDB; the quote is {@code "} and the
 *       search-pattern escape {@code \};
 *   <li>nulls sort at the end whatever the direction (DuckDB's {@code NULLS LAST} default);
 *   <li>transactions are supported by SQL ({@code BEGIN}/{@code COMMIT}), savepoints are not; the
 *       default isolation is reported as 4, which the JDBC driver hands out unchanged as
 *       {@code TRANSACTION_REPEATABLE_READ} — what DuckDB's snapshot isolation is, and what
 *       DuckDB's own JDBC driver reports — while the Flight SQL enum reads 4 as SERIALIZABLE;
 *   <li>only tables may be created (temporary ones), no schemas or catalogs;
 *   <li>maximum lengths and counts are 0: no limit;
 *   <li>keywords are DuckDB's reserved and type/function keywords; the function lists name DuckDB
 *       functions in the JDBC categories (the tests check each exists in {@code duckdb_functions()});
 *   <li>the Flight SQL endpoints advertised come from {@link ServerFeatures}.
 * </ul>
 *
 * <p>Requested ids this server does not know are left out of the answer instead of failing it.
 * Thread-safe.
 */
public final class ServerSqlInfo {

    static final String SERVER_NAME = "Pondhouse";

    static final List<String> KEYWORDS = List.of(
            "ALL", "ANALYSE", "ANALYZE", "AND", "ANTI", "ANY", "ARRAY", "AS", "ASC", "ASOF", "ASYMMETRIC", "AT",
            "AUTHORIZATION", "BINARY", "BOTH", "BY", "CASE", "CAST", "CHECK", "COLLATE", "COLLATION", "COLUMN",
            "COLUMNS", "CONCURRENTLY", "CONSTRAINT", "CREATE", "CROSS", "DEFAULT", "DEFERRABLE", "DESC", "DESCRIBE",
            "DISTINCT", "DO", "ELSE", "END", "EXCEPT", "FALSE", "FETCH", "FOR", "FOREIGN", "FREEZE", "FROM", "FULL",
            "GENERATED", "GLOB", "GROUP", "HAVING", "ILIKE", "IN", "INITIALLY", "INNER", "INTERSECT", "INTO", "IS",
            "ISNULL", "JOIN", "LAMBDA", "LATERAL", "LEADING", "LEFT", "LIKE", "LIMIT", "MAP", "NATURAL", "NOT",
            "NOTNULL", "NULL", "OFFSET", "ON", "ONLY", "OR", "ORDER", "OUTER", "OVERLAPS", "PIVOT", "PIVOT_LONGER",
            "PIVOT_WIDER", "PLACING", "POSITIONAL", "PRIMARY", "QUALIFY", "REFERENCES", "RETURNING", "RIGHT",
            "SELECT", "SEMI", "SHOW", "SIMILAR", "SOME", "STRUCT", "SUMMARIZE", "SYMMETRIC", "TABLE",
            "TABLESAMPLE", "THEN", "TO", "TRAILING", "TRUE", "TRY_CAST", "TUPLE", "UNION", "UNIQUE", "UNPACK",
            "UNPIVOT", "USING", "VARIADIC", "VERBOSE", "WHEN", "WHERE", "WINDOW", "WITH");

    static final List<String> NUMERIC_FUNCTIONS = List.of(
            "ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "CBRT", "CEIL", "CEILING", "COS", "COSH", "COT", "DEGREES",
            "EVEN", "EXP", "FACTORIAL", "FLOOR", "GAMMA", "GREATEST", "LEAST", "LGAMMA", "LN", "LOG", "LOG10",
            "LOG2", "MOD", "PI", "POWER", "RADIANS", "RANDOM", "ROUND", "SIGN", "SIN", "SINH", "SQRT", "TAN",
            "TANH", "TRUNC");

    static final List<String> STRING_FUNCTIONS = List.of(
            "ASCII", "BIT_LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "CHR", "CONCAT", "CONCAT_WS", "CONTAINS",
            "ENDS_WITH", "FORMAT", "INSTR", "LCASE", "LEFT", "LENGTH", "LEVENSHTEIN", "LOWER", "LPAD", "LTRIM",
            "MD5", "OCTET_LENGTH", "POSITION", "PRINTF", "REGEXP_EXTRACT", "REGEXP_MATCHES", "REGEXP_REPLACE",
            "REPEAT", "REPLACE", "REVERSE", "RIGHT", "RPAD", "RTRIM", "SHA256", "SPLIT_PART", "STARTS_WITH",
            "STRPOS", "SUBSTR", "SUBSTRING", "TRIM", "UCASE", "UPPER");

    static final List<String> SYSTEM_FUNCTIONS = List.of(
            "CURRENT_CATALOG", "CURRENT_DATABASE", "CURRENT_SCHEMA", "GEN_RANDOM_UUID", "HASH", "NULLIF",
            "TYPEOF", "USER", "UUID", "VERSION");

    static final List<String> DATETIME_FUNCTIONS = List.of(
            "AGE", "CURRENT_DATE", "DATE_ADD", "DATE_DIFF", "DATE_PART", "DATE_SUB", "DATE_TRUNC", "DATEDIFF",
            "DATEPART", "DATETRUNC", "DAY", "DAYNAME", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "EPOCH", "EPOCH_MS",
            "HOUR", "ISODOW", "ISOYEAR", "LAST_DAY", "MAKE_DATE", "MAKE_TIME", "MAKE_TIMESTAMP", "MICROSECOND",
            "MILLISECOND", "MINUTE", "MONTH", "MONTHNAME", "NOW", "QUARTER", "SECOND", "STRFTIME", "STRPTIME",
            "TIME_BUCKET", "TO_TIMESTAMP", "TODAY", "WEEK", "YEAR", "YEARWEEK");

    /** JDBC's {@code Connection.TRANSACTION_REPEATABLE_READ}; see the class comment. */
    private static final int DEFAULT_ISOLATION = Connection.TRANSACTION_REPEATABLE_READ;
    private static final long NO_LIMIT = 0;

    private final SqlInfoBuilder builder;
    private final Set<Integer> knownInfos;

    /**
     * @param serverVersion the Pondhouse version reported as {@code FLIGHT_SQL_SERVER_VERSION}
     * @param arrowVersion the Arrow Java version the server runs, e.g. {@code 18.3.0}
     * @param features the Flight SQL endpoints the producer implements
     */
    public ServerSqlInfo(String serverVersion, String arrowVersion, ServerFeatures features) {
        requireNonNull(serverVersion, "serverVersion is null");
        requireNonNull(arrowVersion, "arrowVersion is null");
        requireNonNull(features, "features is null");
        this.builder = serverInfo(serverVersion, arrowVersion, features);
        addSqlSyntax(builder);
        addLimits(builder);
        this.knownInfos = knownInfos(builder);
    }

    /**
     * Streams the requested infos (all of them for an empty request) to the listener and ends the
     * stream exactly once, with {@code completed()} or, on failure, {@code error()}.
     */
    public void streamSqlInfo(CommandGetSqlInfo command, ServerStreamListener listener) {
        requireNonNull(command, "command is null");
        requireNonNull(listener, "listener is null");
        List<Integer> requested = command.getInfoCount() == 0
                ? List.copyOf(knownInfos)
                : command.getInfoList().stream().filter(knownInfos::contains).distinct().toList();
        // SqlInfoBuilder sends from an allocator of its own and closes it right after putNext(); a
        // zero-copy write (on for the whole JVM once FlightSqlServer is loaded) may still hold the
        // buffers then, and the close fails the call. This small batch is copied instead.
        listener.setUseZeroCopy(false);
        builder.send(requested, new SingleEndListener(listener));
    }

    /** The info ids this server answers. */
    public Set<Integer> knownInfos() {
        return knownInfos;
    }

    private static SqlInfoBuilder serverInfo(String serverVersion, String arrowVersion, ServerFeatures features) {
        return new SqlInfoBuilder()
                .withFlightSqlServerName(SERVER_NAME)
                .withFlightSqlServerVersion(serverVersion)
                .withFlightSqlServerArrowVersion(arrowVersion)
                .withFlightSqlServerReadOnly(false)
                .withFlightSqlServerSql(true)
                .withFlightSqlServerSubstrait(false)
                .withFlightSqlServerTransaction(features.transactionActions()
                        ? SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_TRANSACTION
                        : SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
                .withFlightSqlServerCancel(features.queryCancellation())
                .withFlightSqlServerBulkIngestion(features.bulkIngestion())
                .withFlightSqlServerBulkIngestionTransaction(false)
                .withFlightSqlServerStatementTimeout(0)
                .withFlightSqlServerTransactionTimeout(0)
                .withSqlTransactionsSupported(true)
                .withSqlSavepointsSupported(false)
                .withSqlDefaultTransactionIsolation(DEFAULT_ISOLATION)
                .withSqlSupportedTransactionsIsolationLevels(SqlTransactionIsolationLevel.SQL_TRANSACTION_REPEATABLE_READ)
                .withSqlDataDefinitionCausesTransactionCommit(false)
                .withSqlDataDefinitionsInTransactionsIgnored(false)
                .withSqlDdlCatalog(false)
                .withSqlDdlSchema(false)
                .withSqlDdlTable(true)
                .withSqlBatchUpdatesSupported(false)
                .withSqlNamedParametersSupported(false)
                .withSqlLocatorsUpdateCopy(false)
                .withSqlStoredProceduresSupported(false)
                .withSqlStoredFunctionsUsingCallSyntaxSupported(false)
                .withSqlSelectForUpdateSupported(false)
                .withSqlSupportedPositionedCommands()
                .withSqlSupportedResultSetTypes(SqlSupportedResultSetType.SQL_RESULT_SET_TYPE_FORWARD_ONLY)
                .withSqlAllTablesAreSelectable(true);
    }

    private static void addSqlSyntax(SqlInfoBuilder builder) {
        builder.withSqlIdentifierQuoteChar("\"")
                .withSqlIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlQuotedIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlSearchStringEscape("\\")
                .withSqlExtraNameCharacters("")
                .withSqlSchemaTerm("schema")
                .withSqlCatalogTerm("catalog")
                .withSqlProcedureTerm("procedure")
                .withSqlCatalogAtStart(true)
                .withSqlSchemasSupportedActions()
                .withSqlCatalogsSupportedActions()
                .withSqlNullOrdering(SqlNullOrdering.SQL_NULLS_SORTED_AT_END)
                .withSqlKeywords(KEYWORDS.toArray(String[]::new))
                .withSqlNumericFunctions(NUMERIC_FUNCTIONS.toArray(String[]::new))
                .withSqlStringFunctions(STRING_FUNCTIONS.toArray(String[]::new))
                .withSqlSystemFunctions(SYSTEM_FUNCTIONS.toArray(String[]::new))
                .withSqlDatetimeFunctions(DATETIME_FUNCTIONS.toArray(String[]::new))
                .withSqlSupportsConvert(SqlConversions.supported())
                .withSqlSupportsColumnAliasing(true)
                .withSqlNullPlusNullIsNull(true)
                .withSqlSupportsTableCorrelationNames(true)
                .withSqlSupportsDifferentTableCorrelationNames(false)
                .withSqlSupportsExpressionsInOrderBy(true)
                .withSqlSupportsOrderByUnrelated(true)
                .withSqlSupportedGroupBy(
                        SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED, SqlSupportedGroupBy.SQL_GROUP_BY_BEYOND_SELECT)
                .withSqlSupportsLikeEscapeClause(true)
                .withSqlSupportsNonNullableColumns(true)
                .withSqlSupportsIntegrityEnhancementFacility(false)
                .withSqlSupportedGrammar(SupportedSqlGrammar.SQL_MINIMUM_GRAMMAR,
                        SupportedSqlGrammar.SQL_CORE_GRAMMAR, SupportedSqlGrammar.SQL_EXTENDED_GRAMMAR)
                .withSqlAnsi92SupportedLevel(SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL,
                        SupportedAnsi92SqlGrammarLevel.ANSI92_INTERMEDIATE_SQL)
                .withSqlOuterJoinSupportLevel(
                        SqlOuterJoinsSupportLevel.SQL_LIMITED_OUTER_JOINS, SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS)
                .withSqlSubQueriesSupported(SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS,
                        SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS, SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS,
                        SqlSupportedSubqueries.SQL_SUBQUERIES_IN_QUANTIFIEDS)
                .withSqlCorrelatedSubqueriesSupported(true)
                .withSqlSupportedUnions(SqlSupportedUnions.SQL_UNION, SqlSupportedUnions.SQL_UNION_ALL);
    }

    private static void addLimits(SqlInfoBuilder builder) {
        builder.withSqlMaxBinaryLiteralLength(NO_LIMIT)
                .withSqlMaxCharLiteralLength(NO_LIMIT)
                .withSqlMaxColumnNameLength(NO_LIMIT)
                .withSqlMaxColumnsInGroupBy(NO_LIMIT)
                .withSqlMaxColumnsInIndex(NO_LIMIT)
                .withSqlMaxColumnsInOrderBy(NO_LIMIT)
                .withSqlMaxColumnsInSelect(NO_LIMIT)
                .withSqlMaxColumnsInTable(NO_LIMIT)
                .withSqlMaxConnections(NO_LIMIT)
                .withSqlMaxCursorNameLength(NO_LIMIT)
                .withSqlMaxIndexLength(NO_LIMIT)
                .withSqlDbSchemaNameLength(NO_LIMIT)
                .withSqlMaxProcedureNameLength(NO_LIMIT)
                .withSqlMaxCatalogNameLength(NO_LIMIT)
                .withSqlMaxRowSize(NO_LIMIT)
                .withSqlMaxRowSizeIncludesBlobs(false)
                .withSqlMaxStatementLength(NO_LIMIT)
                .withSqlMaxStatements(NO_LIMIT)
                .withSqlMaxTableNameLength(NO_LIMIT)
                .withSqlMaxTablesInSelect(NO_LIMIT)
                .withSqlMaxUsernameLength(NO_LIMIT);
    }

    /**
     * Learns which ids the builder answers by asking it for all of them; {@link SqlInfoBuilder}
     * does not expose its keys. Runs in memory only.
     */
    private static Set<Integer> knownInfos(SqlInfoBuilder builder) {
        InfoNameCollector collector = new InfoNameCollector();
        builder.send(List.of(), collector);
        return Set.copyOf(collector.infoNames());
    }

    /** Collects the {@code info_name} column of an answer; used once, at construction. */
    private static final class InfoNameCollector implements ServerStreamListener {
        private final Set<Integer> infoNames = new HashSet<>();
        private VectorSchemaRoot root;
        private Throwable failure;

        @Override
        public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
            this.root = root;
        }

        @Override
        public void putNext() {
            UInt4Vector names = (UInt4Vector) root.getVector("info_name");
            for (int row = 0; row < root.getRowCount(); row++) {
                infoNames.add(names.get(row));
            }
        }

        @Override
        public void putNext(ArrowBuf metadata) {
            putNext();
        }

        @Override
        public void putMetadata(ArrowBuf metadata) {
            // SqlInfoBuilder sends no application metadata.
        }

        @Override
        public void error(Throwable error) {
            failure = error;
        }

        @Override
        public void completed() {
            // The answer arrives through putNext; nothing to do at the end.
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
            // Never cancelled.
        }

        Set<Integer> infoNames() {
            if (failure != null) {
                throw new IllegalStateException("SQL info could not be built: " + failure.getMessage(), failure);
            }
            return infoNames;
        }
    }
}
