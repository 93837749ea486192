package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import java.util.List;
import java.util.Map;

/**
 * Test jobs. {@code hold} on a table: runs for {@code millis} (default 60 s), reporting progress and
 * stopping when cancelled, unless {@code ignoreCancel} is true (then only an interrupt ends it early).
 * {@code fail}: fails with a user error ({@code "kind": "user"}) or an internal one.
 */
public record HoldJob(String type, List<LakeTableName> tables, long millis, boolean ignoreCancel) implements Job {
    public static final String HOLD = "hold";
    public static final String FAIL = "fail";

    public HoldJob {
        requireNonNull(type, "type is null");
        tables = List.copyOf(tables);
    }

    public static JobDefinition hold() {
        return new JobDefinition(HOLD, "Holds a table for a while (tests).", JobDefinition.TableArgument.EXISTING, request -> {
            JobParameters parameters = request.parameters().requireOnly("millis", "ignoreCancel");
            long millis = parameters.integer("millis").orElse(60_000L);
            if (millis < 0) {
                throw parameters.invalid("millis", "must not be negative");
            }
            return new HoldJob(HOLD, List.of(request.table().orElseThrow()), millis,
                    parameters.bool("ignoreCancel").orElse(false));
        });
    }

    public static JobDefinition fail() {
        return new JobDefinition(FAIL, "Fails (tests).", JobDefinition.TableArgument.NONE, request -> {
            String kind = request.parameters().requireOnly("kind").string("kind").orElse("internal");
            return new Job() {
                @Override
                public String type() {
                    return FAIL;
                }

                @Override
                public List<LakeTableName> tables() {
                    return List.of();
                }

                @Override
                public Map<String, Object> run(JobContext context) {
                    if (kind.equals("user")) {
                        throw new PondhouseException(ErrorKind.USER_ERROR, "column amount does not exist in tpch.orders");
                    }
                    throw new IllegalStateException("secret detail /srv/lake/private");
                }
            };
        });
    }

    @Override
    public Map<String, Object> run(JobContext context) throws InterruptedException {
        long start = System.nanoTime();
        long elapsed;
        while ((elapsed = (System.nanoTime() - start) / 1_000_000) < millis) {
            if (!ignoreCancel) {
                context.checkCancelled();
            }
            context.progress((double) elapsed / millis, "holding " + target());
            Thread.sleep(5);
        }
        return Map.of("heldMillis", millis, "table", target());
    }

    private String target() {
        return tables.isEmpty() ? "the lake" : tables.get(0).toString();
    }
}
