package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import java.util.Locale;

/**
 * Why a job failed or was cancelled, as the user sees it.
 *
 * @param code the error category in lower case ({@code conflict}, {@code user_error}, {@code internal},
 *     ...), from {@link ErrorKind}
 * @param message what went wrong and what to do; for internal errors only an error id that is in the
 *     server log with the details
 */
public record JobError(String code, String message) {
    public JobError {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
    }

    public static JobError of(ErrorKind kind, String message) {
        return new JobError(kind.name().toLowerCase(Locale.ROOT), message);
    }
}
