/**
 * Flight SQL metadata over DuckDB: what catalogs, schemas, tables, columns, keys, types and SQL
 * features the server reports to DBeaver, Power BI, Tableau, the Flight SQL JDBC driver and ADBC.
 *
 * <ul>
 *   <li>{@link dev.pondhouse.server.query.metadata.FlightSqlMetadata}: {@code GetCatalogs},
 *       {@code GetDbSchemas}, {@code GetTables} (with {@code include_schema}), {@code GetTableTypes};
 *   <li>{@link dev.pondhouse.server.query.metadata.KeyMetadata}: primary, imported and exported keys
 *       and cross references;
 *   <li>{@link dev.pondhouse.server.query.metadata.XdbcTypeInfo}: {@code GetXdbcTypeInfo};
 *   <li>{@link dev.pondhouse.server.query.metadata.ServerSqlInfo}: {@code GetSqlInfo};
 *   <li>{@link dev.pondhouse.server.query.metadata.DuckDbArrowTypes}: DuckDB type names to the
 *       Arrow types of DuckDB's Arrow export, to parameter types the JDBC driver can bind, and to
 *       Flight SQL column metadata.
 * </ul>
 *
 * <p>All values come from DuckDB's catalog functions on the session's own connection, so a
 * session sees its own temporary objects and no other session's. Search patterns are bound as
 * parameters, never spliced into SQL. Every listing passes through a
 * {@link dev.pondhouse.server.query.metadata.TableVisibility}, where per-user rules plug in.
 */
package dev.pondhouse.server.query.metadata;
