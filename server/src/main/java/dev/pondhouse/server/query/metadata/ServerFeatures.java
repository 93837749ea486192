package dev.pondhouse.server.query.metadata;

/**
 * The Flight SQL endpoints the producer implements, which {@link ServerSqlInfo} advertises to
 * clients: ADBC and the JDBC driver decide from these whether to call them.
 *
 * @param transactionActions the producer implements {@code BeginTransaction}/{@code EndTransaction}
 *     (savepoints are never advertised)
 * @param queryCancellation the producer implements {@code CancelFlightInfo}/{@code CancelQuery}
 * @param bulkIngestion the producer implements {@code CommandStatementIngest}
 */
public record ServerFeatures(boolean transactionActions, boolean queryCancellation, boolean bulkIngestion) {
}
