package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.junit.jupiter.api.Test;

class ServerSqlInfoTest {

    /** Every SqlInfo the Flight SQL JDBC driver's DatabaseMetaData reads; it fails on a missing one. */
    private static final List<SqlInfo> READ_BY_JDBC_DRIVER = List.of(
            SqlInfo.FLIGHT_SQL_SERVER_NAME, SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY, SqlInfo.FLIGHT_SQL_SERVER_VERSION,
            SqlInfo.SQL_ANSI92_SUPPORTED_LEVEL, SqlInfo.SQL_BATCH_UPDATES_SUPPORTED,
            SqlInfo.SQL_CATALOGS_SUPPORTED_ACTIONS, SqlInfo.SQL_CATALOG_AT_START, SqlInfo.SQL_CATALOG_TERM,
            SqlInfo.SQL_CORRELATED_SUBQUERIES_SUPPORTED, SqlInfo.SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED,
            SqlInfo.SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT, SqlInfo.SQL_DATETIME_FUNCTIONS,
            SqlInfo.SQL_DB_SCHEMA_NAME_LENGTH, SqlInfo.SQL_DEFAULT_TRANSACTION_ISOLATION,
            SqlInfo.SQL_EXTRA_NAME_CHARACTERS, SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR, SqlInfo.SQL_KEYWORDS,
            SqlInfo.SQL_LOCATORS_UPDATE_COPY, SqlInfo.SQL_MAX_BINARY_LITERAL_LENGTH,
            SqlInfo.SQL_MAX_CATALOG_NAME_LENGTH, SqlInfo.SQL_MAX_CHAR_LITERAL_LENGTH,
            SqlInfo.SQL_MAX_COLUMNS_IN_GROUP_BY, SqlInfo.SQL_MAX_COLUMNS_IN_INDEX, SqlInfo.SQL_MAX_COLUMNS_IN_ORDER_BY,
            SqlInfo.SQL_MAX_COLUMNS_IN_SELECT, SqlInfo.SQL_MAX_COLUMNS_IN_TABLE, SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH,
            SqlInfo.SQL_MAX_CONNECTIONS, SqlInfo.SQL_MAX_CURSOR_NAME_LENGTH, SqlInfo.SQL_MAX_INDEX_LENGTH,
            SqlInfo.SQL_MAX_PROCEDURE_NAME_LENGTH, SqlInfo.SQL_MAX_ROW_SIZE, SqlInfo.SQL_MAX_ROW_SIZE_INCLUDES_BLOBS,
            SqlInfo.SQL_MAX_STATEMENTS, SqlInfo.SQL_MAX_STATEMENT_LENGTH, SqlInfo.SQL_MAX_TABLES_IN_SELECT,
            SqlInfo.SQL_MAX_TABLE_NAME_LENGTH, SqlInfo.SQL_MAX_USERNAME_LENGTH, SqlInfo.SQL_NAMED_PARAMETERS_SUPPORTED,
            SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL, SqlInfo.SQL_NUMERIC_FUNCTIONS, SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL,
            SqlInfo.SQL_PROCEDURE_TERM, SqlInfo.SQL_SAVEPOINTS_SUPPORTED, SqlInfo.SQL_SCHEMAS_SUPPORTED_ACTIONS,
            SqlInfo.SQL_SCHEMA_TERM, SqlInfo.SQL_SEARCH_STRING_ESCAPE, SqlInfo.SQL_SELECT_FOR_UPDATE_SUPPORTED,
            SqlInfo.SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED, SqlInfo.SQL_STORED_PROCEDURES_SUPPORTED,
            SqlInfo.SQL_STRING_FUNCTIONS, SqlInfo.SQL_SUPPORTED_GRAMMAR, SqlInfo.SQL_SUPPORTED_GROUP_BY,
            SqlInfo.SQL_SUPPORTED_POSITIONED_COMMANDS, SqlInfo.SQL_SUPPORTED_RESULT_SET_TYPES,
            SqlInfo.SQL_SUPPORTED_SUBQUERIES, SqlInfo.SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS,
            SqlInfo.SQL_SUPPORTED_UNIONS, SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING, SqlInfo.SQL_SUPPORTS_CONVERT,
            SqlInfo.SQL_SUPPORTS_DIFFERENT_TABLE_CORRELATION_NAMES, SqlInfo.SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY,
            SqlInfo.SQL_SUPPORTS_INTEGRITY_ENHANCEMENT_FACILITY, SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE,
            SqlInfo.SQL_SUPPORTS_NON_NULLABLE_COLUMNS, SqlInfo.SQL_SUPPORTS_ORDER_BY_UNRELATED,
            SqlInfo.SQL_SUPPORTS_TABLE_CORRELATION_NAMES, SqlInfo.SQL_SYSTEM_FUNCTIONS,
            SqlInfo.SQL_TRANSACTIONS_SUPPORTED);

    private final ServerSqlInfo sqlInfo = new ServerSqlInfo("1.2.3", "18.3.0", new ServerFeatures(true, false, true));

    @Test
    void answersEveryInfoTheJdbcDriverReads() {
        Map<Integer, Object> values = stream(CommandGetSqlInfo.getDefaultInstance()).values();

        assertThat(values.keySet()).containsAll(READ_BY_JDBC_DRIVER.stream().map(SqlInfo::getNumber).toList());
        assertThat(values.keySet()).containsExactlyInAnyOrderElementsOf(sqlInfo.knownInfos());
    }

    @Test
    void describesTheServer() {
        Map<Integer, Object> values = stream(CommandGetSqlInfo.getDefaultInstance()).values();

        assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE)).isEqualTo("Pondhouse");
        assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_VERSION_VALUE)).isEqualTo("1.2.3");
        assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_ARROW_VERSION_VALUE)).isEqualTo("18.3.0");
        assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY_VALUE)).isEqualTo(false);
        assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_VALUE))
                .isEqualTo(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_TRANSACTION_VALUE);
        assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_CANCEL_VALUE)).isEqualTo(false);
        assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION_VALUE)).isEqualTo(true);
        assertThat(values.get(SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR_VALUE)).isEqualTo("\"");
        assertThat(values.get(SqlInfo.SQL_SEARCH_STRING_ESCAPE_VALUE)).isEqualTo("\\");
        assertThat(values.get(SqlInfo.SQL_CATALOG_TERM_VALUE)).isEqualTo("catalog");
        assertThat(values.get(SqlInfo.SQL_SCHEMA_TERM_VALUE)).isEqualTo("schema");
        assertThat(values.get(SqlInfo.SQL_TRANSACTIONS_SUPPORTED_VALUE)).isEqualTo(true);
        assertThat(values.get(SqlInfo.SQL_SAVEPOINTS_SUPPORTED_VALUE)).isEqualTo(false);
        assertThat(values.get(SqlInfo.SQL_DDL_TABLE_VALUE)).isEqualTo(true);
        assertThat(values.get(SqlInfo.SQL_DDL_SCHEMA_VALUE)).isEqualTo(false);
        assertThat(values.get(SqlInfo.SQL_DEFAULT_TRANSACTION_ISOLATION_VALUE))
                .isEqualTo((long) Connection.TRANSACTION_REPEATABLE_READ);
        assertThat(values.get(SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH_VALUE)).isEqualTo(0L);
        assertThat(values.get(SqlInfo.SQL_MAX_TABLE_NAME_LENGTH_VALUE)).isEqualTo(0L);
        assertThat(values.get(SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING_VALUE)).isEqualTo(true);
        assertThat(values.get(SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE_VALUE)).isEqualTo(true);
        assertThat(values.get(SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL_VALUE)).isEqualTo(true);
        assertThat(bitSet(values, SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL_VALUE,
                SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS_VALUE)).isTrue();
        assertThat(bitSet(values, SqlInfo.SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS_VALUE,
                SqlTransactionIsolationLevel.SQL_TRANSACTION_REPEATABLE_READ_VALUE)).isTrue();
        assertThat(values.get(SqlInfo.SQL_KEYWORDS_VALUE)).asList().contains("QUALIFY", "PIVOT", "ASOF");
        assertThat(values.get(SqlInfo.SQL_STRING_FUNCTIONS_VALUE)).asList().contains("SUBSTRING", "LOWER");
    }

    @Test
    void answersOnlyRequestedInfosAndSkipsUnknownOnes() {
        CommandGetSqlInfo command = CommandGetSqlInfo.newBuilder()
                .addInfo(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE).addInfo(99_999)
                .addInfo(SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR_VALUE).build();

        RecordingStreamListener listener = stream(command);

        assertThat(listener.values().keySet())
                .containsExactly(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE, SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR_VALUE);
        assertThat(listener.completions()).isEqualTo(1);
        assertThat(listener.errors()).isEmpty();
    }

    @Test
    void aFailedStreamEndsOnceWithTheError() {
        RecordingStreamListener listener = new RecordingStreamListener(true);

        sqlInfo.streamSqlInfo(CommandGetSqlInfo.getDefaultInstance(), listener);

        assertThat(listener.errors()).hasSize(1);
        assertThat(listener.errors().get(0)).hasMessage("transport broke");
        assertThat(listener.completions()).isZero();
    }

    @Test
    void advertisesNoFlightTransactionsWhenTheProducerHasNone() {
        ServerSqlInfo withoutTransactions = new ServerSqlInfo("1", "18.3.0", new ServerFeatures(false, false, false));
        RecordingStreamListener listener = new RecordingStreamListener();

        withoutTransactions.streamSqlInfo(CommandGetSqlInfo.newBuilder()
                .addInfo(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_VALUE).build(), listener);

        assertThat(listener.values().get(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_VALUE))
                .isEqualTo(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE_VALUE);
    }

    @Test
    void listedKeywordsAndFunctionsExistInDuckDb() throws SQLException {
        try (LakeDatabase database = LakeDatabase.open()) {
            assertThat(missing(database, "SELECT count(*) FROM duckdb_keywords() WHERE upper(keyword_name) = ?",
                    ServerSqlInfo.KEYWORDS)).isEmpty();
            List<String> functions = new ArrayList<>();
            functions.addAll(ServerSqlInfo.NUMERIC_FUNCTIONS);
            functions.addAll(ServerSqlInfo.STRING_FUNCTIONS);
            functions.addAll(ServerSqlInfo.SYSTEM_FUNCTIONS);
            functions.addAll(ServerSqlInfo.DATETIME_FUNCTIONS);
            assertThat(missing(database, "SELECT count(*) FROM duckdb_functions() WHERE function_name = lower(?)",
                    functions)).isEmpty();
        }
    }

    @Test
    void advertisedConversionsAreCastsDuckDbAccepts() throws SQLException {
        Map<SqlSupportsConvert, String> duckDbTypes = Map.ofEntries(
                Map.entry(SqlSupportsConvert.SQL_CONVERT_BIGINT, "BIGINT"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_BINARY, "BLOB"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_BIT, "BOOLEAN"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_CHAR, "VARCHAR"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_DATE, "DATE"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_DECIMAL, "DECIMAL(18,3)"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_FLOAT, "DOUBLE"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_INTEGER, "INTEGER"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_INTERVAL_DAY_TIME, "INTERVAL"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_INTERVAL_YEAR_MONTH, "INTERVAL"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_LONGVARBINARY, "BLOB"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_LONGVARCHAR, "VARCHAR"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_NUMERIC, "DECIMAL(18,3)"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_REAL, "FLOAT"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_SMALLINT, "SMALLINT"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_TIME, "TIME"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_TIMESTAMP, "TIMESTAMP"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_TINYINT, "TINYINT"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_VARBINARY, "BLOB"),
                Map.entry(SqlSupportsConvert.SQL_CONVERT_VARCHAR, "VARCHAR"));
        Map<Integer, List<Integer>> conversions = SqlConversions.supported();
        assertThat(conversions).hasSize(duckDbTypes.size());
        try (LakeDatabase database = LakeDatabase.open();
                Statement statement = database.connection().createStatement()) {
            for (Map.Entry<Integer, List<Integer>> conversion : conversions.entrySet()) {
                String from = duckDbTypes.get(SqlSupportsConvert.forNumber(conversion.getKey()));
                for (int target : conversion.getValue()) {
                    String to = duckDbTypes.get(SqlSupportsConvert.forNumber(target));
                    try (ResultSet result = statement.executeQuery(
                            "SELECT CAST(CAST(NULL AS " + from + ") AS " + to + ")")) {
                        assertThat(result.next()).as("%s to %s", from, to).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void duckDbBehavesAsAdvertised() throws SQLException {
        try (LakeDatabase database = LakeDatabase.open().execute("CREATE TABLE \"MixedCase\"(\"Value\" INTEGER)",
                "INSERT INTO mixedcase VALUES (2), (NULL), (1)");
                Statement statement = database.connection().createStatement()) {
            assertThat(firstColumn(statement, "SELECT \"VALUE\" FROM \"MIXEDCASE\" ORDER BY 1"))
                    .as("quoted identifiers are case-insensitive, nulls sort last").containsExactly(1, 2, null);
            assertThat(firstColumn(statement, "SELECT value FROM mixedcase ORDER BY 1 DESC"))
                    .as("nulls sort last descending too").containsExactly(2, 1, null);
            assertThat(firstColumn(statement, "SELECT NULL + 1")).containsExactly((Object) null);
        }
    }

    private RecordingStreamListener stream(CommandGetSqlInfo command) {
        RecordingStreamListener listener = new RecordingStreamListener();
        sqlInfo.streamSqlInfo(command, listener);
        assertThat(listener.errors()).isEmpty();
        assertThat(listener.completions()).isEqualTo(1);
        return listener;
    }

    private static boolean bitSet(Map<Integer, Object> values, int info, int bit) {
        return (((Integer) values.get(info)) >> bit & 1) == 1;
    }

    private static List<String> missing(LakeDatabase database, String countQuery, List<String> names)
            throws SQLException {
        List<String> missing = new ArrayList<>();
        try (PreparedStatement statement = database.connection().prepareStatement(countQuery)) {
            for (String name : names) {
                statement.setString(1, name);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    if (result.getLong(1) == 0) {
                        missing.add(name);
                    }
                }
            }
        }
        return missing;
    }

    private static List<Object> firstColumn(Statement statement, String query) throws SQLException {
        List<Object> values = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(query)) {
            while (result.next()) {
                values.add(result.getObject(1));
            }
        }
        return values;
    }
}
