package dev.pondhouse.server.query;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Classifies DuckDB's errors. DuckDB prefixes every message with its error type
 * ({@code Parser Error: ...}, {@code Catalog Error: ...}); a user's mistake keeps DuckDB's message
 * unchanged, everything else becomes an internal error whose details stay in the log.
 */
final class DuckDbErrors {
    private DuckDbErrors() {}

    static PondhouseException classify(SQLException error) {
        String message = error.getMessage() == null ? "" : error.getMessage().strip();
        String lower = message.toLowerCase(Locale.ROOT);
        ErrorKind kind;
        if (lower.startsWith("interrupt")) {
            kind = ErrorKind.CANCELLED;
        } else if (lower.startsWith("out of memory")) {
            kind = ErrorKind.RESOURCE_EXHAUSTED;
        } else if (lower.startsWith("catalog error")) {
            kind = ErrorKind.NOT_FOUND;
        } else if (lower.startsWith("permission error")) {
            kind = ErrorKind.PERMISSION_DENIED;
        } else if (lower.startsWith("not implemented")) {
            kind = ErrorKind.UNSUPPORTED;
        } else if (lower.startsWith("transaction") || lower.startsWith("ttransaction") || lower.startsWith("constraint")) {
            kind = ErrorKind.CONFLICT;
        } else if (lower.startsWith("parser error") || lower.startsWith("binder error")
                || lower.startsWith("conversion error") || lower.startsWith("invalid input")
                || lower.startsWith("out of range") || lower.startsWith("type error")
                || lower.startsWith("syntax error") || lower.startsWith("invalid error")
                || lower.startsWith("dependency error") || lower.startsWith("sequence error")
                || lower.startsWith("invalid type") || lower.startsWith("mismatch type")
                || lower.startsWith("division by zero") || lower.startsWith("parameter not")
                || lower.startsWith("parameter not allowed") || lower.startsWith("invalid configuration")
                || lower.startsWith("values list") || lower.startsWith("sql error")) {
            kind = ErrorKind.USER_ERROR;
        } else {
            kind = ErrorKind.INTERNAL;
        }
        return new PondhouseException(kind, message.isEmpty() ? "query failed" : message, error);
    }
}
