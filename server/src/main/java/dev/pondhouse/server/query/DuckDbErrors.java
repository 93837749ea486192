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

    private static final java.util.regex.Pattern WRAPPED_MESSAGE = java.util.regex.Pattern.compile("message=(.*?)\\}?$",
            java.util.regex.Pattern.DOTALL);

    /**
     * DuckDB's error inside a failure of Arrow's C stream import ({@code CDataJniException{...,
     * message=Invalid Input Error: ...}}), if there is one.
     */
    static java.util.Optional<PondhouseException> fromStreamFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String text = cause.getMessage();
            if (text == null) {
                continue;
            }
            java.util.regex.Matcher wrapped = WRAPPED_MESSAGE.matcher(text);
            String message = wrapped.find() ? wrapped.group(1).strip() : text.strip();
            if (message.matches("(?s)[A-Z][A-Za-z ]+ Error: .*")) {
                return java.util.Optional.of(classify(message, failure));
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * A file a lake view reads is gone (a plain Parquet folder changed since the views were last
     * published, or files were removed under a served snapshot): worth running again once the views
     * are refreshed. The client's message does not name the file; DuckDB's message is the cause.
     */
    static final class LakeFileGone extends PondhouseException {
        private LakeFileGone(Throwable duckDbError) {
            super(ErrorKind.UNAVAILABLE, "a file of the lake was removed or replaced since the lake was last refreshed;"
                    + " the lake is being refreshed, run the statement again", duckDbError);
        }
    }

    static PondhouseException classify(SQLException error) {
        return classify(error.getMessage() == null ? "" : error.getMessage().strip(), error);
    }

    private static PondhouseException classify(String message, Throwable error) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.startsWith("io error") && (lower.contains("no files found that match the pattern")
                || lower.contains("cannot open file") && (lower.contains(".parquet") || lower.contains(".csv")))) {
            // A read_parquet/read_csv input; DuckDB's own spill files are neither.
            return new LakeFileGone(error);
        }
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
