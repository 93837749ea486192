package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.server.admin.JobCommands;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.jobs.JobStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.Result;

/**
 * The job operations as Flight actions, for clients that speak Flight but not HTTP. Bodies and results
 * are JSON (UTF-8), the same shapes as the admin API's:
 *
 * <ul>
 *   <li>{@value #START} {@code {"job": "refresh", "table": "schema.table", "params": {}}} → the job's status
 *   <li>{@value #STATUS} {@code {"id": "..."}} → the job's status
 *   <li>{@value #CANCEL} {@code {"id": "..."}} → the job's status after the request
 *   <li>{@value #LIST} {@code {"limit": 100}} (body optional) → {@code {"jobs": [...]}}
 * </ul>
 *
 * Each answers one {@link Result}. Errors are Flight statuses (INVALID_ARGUMENT, UNAUTHORIZED,
 * NOT_FOUND, ALREADY_EXISTS for a busy table, ...). The producer routes these action types here and
 * everything else to Flight SQL.
 */
public final class JobActions {
    public static final String START = "pondhouse.job.start";
    public static final String STATUS = "pondhouse.job.status";
    public static final String CANCEL = "pondhouse.job.cancel";
    public static final String LIST = "pondhouse.job.list";

    private static final List<ActionType> TYPES = List.of(
            new ActionType(START, "Start a job. Body: JSON {\"job\": name, \"table\": \"schema.table\" (optional),"
                    + " \"params\": {...} (optional)}. Result: the job's status as JSON."),
            new ActionType(STATUS, "A job's status. Body: JSON {\"id\": job id}. Result: the status as JSON."),
            new ActionType(CANCEL, "Cancel a job. Body: JSON {\"id\": job id}. Result: the status as JSON."),
            new ActionType(LIST, "Recent jobs, newest first. Body: JSON {\"limit\": n} (optional). Result: JSON {\"jobs\": [...]}."));

    private final JobCommands jobs;
    private final Function<String, Optional<AuthenticatedUser>> users;
    private final ObjectMapper json;

    /**
     * @param users the logged-in user of a call's peer identity (their roles as of login)
     */
    public JobActions(JobCommands jobs, Function<String, Optional<AuthenticatedUser>> users, ObjectMapper json) {
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.users = requireNonNull(users, "users is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Whether {@code type} is one of these actions. */
    public boolean handles(String type) {
        return TYPES.stream().anyMatch(action -> action.getType().equals(type));
    }

    /** A listener that passes on what it gets and adds these action types before it completes. */
    public StreamListener<ActionType> appendingTo(StreamListener<ActionType> listener) {
        return new StreamListener<>() {
            @Override
            public void onNext(ActionType value) {
                listener.onNext(value);
            }

            @Override
            public void onError(Throwable error) {
                listener.onError(error);
            }

            @Override
            public void onCompleted() {
                TYPES.forEach(listener::onNext);
                listener.onCompleted();
            }
        };
    }

    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        byte[] result;
        try {
            AuthenticatedUser user = user(context);
            JsonNode body = body(action);
            Object answer = switch (action.getType()) {
                case START -> jobs.start(user, body).toJson();
                case STATUS -> jobs.status(user, id(body)).toJson();
                case CANCEL -> jobs.cancel(user, id(body)).toJson();
                case LIST -> Map.of("jobs", jobs.list(user, limit(body)).stream().map(JobStatus::toJson).toList());
                default -> throw new PondhouseException(ErrorKind.UNSUPPORTED, "unknown action " + action.getType());
            };
            result = json.writeValueAsBytes(answer);
        } catch (RuntimeException | JsonProcessingException e) {
            listener.onError(FlightErrors.toFlight(e));
            return;
        }
        listener.onNext(new Result(result));
        listener.onCompleted();
    }

    private AuthenticatedUser user(CallContext context) {
        String peer = context.peerIdentity();
        if (peer == null || peer.isEmpty()) {
            throw new PondhouseException(ErrorKind.UNAUTHENTICATED, "log in first");
        }
        return users.apply(peer).orElseThrow(() -> new PondhouseException(ErrorKind.UNAUTHENTICATED,
                "session token unknown or expired; log in again"));
    }

    private JsonNode body(Action action) {
        byte[] content = action.getBody();
        if (content == null || content.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(content);
        } catch (java.io.IOException e) {
            throw PondhouseException.userError("the action body is not valid JSON: "
                    + (e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.getMessage()));
        }
    }

    private static String id(JsonNode body) {
        JsonNode id = body.get("id");
        if (id == null || !id.isTextual()) {
            throw PondhouseException.userError("the action body needs the job id: {\"id\": \"...\"}");
        }
        return id.asText();
    }

    private static int limit(JsonNode body) {
        JsonNode limit = body.get("limit");
        if (limit == null || limit.isNull()) {
            return 100;
        }
        if (!limit.canConvertToInt() || !limit.isIntegralNumber()) {
            throw PondhouseException.userError("limit must be a whole number");
        }
        return limit.asInt();
    }
}
