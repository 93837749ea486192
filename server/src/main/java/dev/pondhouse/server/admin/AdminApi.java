package dev.pondhouse.server.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.security.AuthenticationResult;
import dev.pondhouse.security.UserAuthenticator;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.jobs.JobStatus;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.metrics.MicrometerServerMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API (documented for users in {@code server/ADMIN-API.md}): probes and metrics without
 * login, tables and jobs with HTTP Basic credentials and an {@link AdminAuthorization} check. JSON in
 * and out; every error is {@code {"error": {"code": ..., "message": ...}}}, its status chosen in
 * {@link #status(ErrorKind)}, the one place errors become HTTP statuses. Internal errors are logged
 * with an id and answered with that id only: no stack traces, no paths.
 *
 * <p>Thread-safe: no state of its own; each request runs on one of the server's threads.
 */
public final class AdminApi implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final int DEFAULT_LIST_LIMIT = 100;
    private static final int TABLE_HISTORY_COMMITS = 20;
    private static final String JSON = "application/json; charset=utf-8";

    private final UserAuthenticator users;
    private final JobCommands jobs;
    private final TableInspector inspector;
    private final Supplier<Set<String>> servedTables;
    private final Supplier<List<String>> lakeProblems;
    private final Readiness readiness;
    private final MicrometerServerMetrics metrics;
    private final boolean metricsNeedLogin;
    private final ObjectMapper json;

    /**
     * @param servedTables the qualified names ({@code schema.table}) of the tables served now
     * @param lakeProblems why tables were left out at the last refresh (see {@link dev.pondhouse.server.engine.ViewPublisher#problems})
     * @param metricsNeedLogin whether {@code GET /metrics} needs credentials (of any user)
     */
    public AdminApi(UserAuthenticator users, JobCommands jobs, TableInspector inspector, Supplier<Set<String>> servedTables,
            Supplier<List<String>> lakeProblems,
            Readiness readiness, MicrometerServerMetrics metrics, boolean metricsNeedLogin, ObjectMapper json) {
        this.users = requireNonNull(users, "users is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.inspector = requireNonNull(inspector, "inspector is null");
        this.servedTables = requireNonNull(servedTables, "servedTables is null");
        this.lakeProblems = requireNonNull(lakeProblems, "lakeProblems is null");
        this.readiness = requireNonNull(readiness, "readiness is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.metricsNeedLogin = metricsNeedLogin;
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (MethodNotAllowed e) {
                exchange.getResponseHeaders().set("Allow", e.allowed);
                sendError(exchange, 405, "method_not_allowed", exchange.getRequestMethod() + " is not allowed here; use "
                        + e.allowed);
            } catch (PondhouseException e) {
                if (e.kind() == ErrorKind.INTERNAL) {
                    sendInternalError(exchange, e);
                } else {
                    if (e.kind() == ErrorKind.UNAUTHENTICATED) {
                        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"pondhouse-admin\", charset=\"UTF-8\"");
                    }
                    sendError(exchange, status(e.kind()), e.kind().name().toLowerCase(Locale.ROOT), e.getMessage());
                }
            } catch (IOException e) {
                log.debug("admin request {} {} not answered: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                        e.getMessage());
            } catch (RuntimeException e) {
                sendInternalError(exchange, e);
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = Arrays.stream(exchange.getRequestURI().getRawPath().split("/"))
                .filter(part -> !part.isEmpty()).toList();
        String first = path.isEmpty() ? "" : path.get(0);
        switch (first) {
            case "health" -> {
                only(path, 1, method, "GET");
                send(exchange, 200, Map.of("status", "up"));
            }
            case "ready" -> {
                only(path, 1, method, "GET");
                boolean ready = readiness.ready();
                send(exchange, ready ? 200 : 503, Map.of("ready", ready, "checks", readiness.checks()));
            }
            case "metrics" -> {
                only(path, 1, method, "GET");
                if (metricsNeedLogin) {
                    authenticate(exchange);
                }
                sendText(exchange, metrics.scrape());
            }
            case "tables" -> tables(exchange, path, method);
            case "jobs" -> jobs(exchange, path, method);
            case "job-types" -> {
                only(path, 1, method, "GET");
                send(exchange, 200, Map.of("jobTypes", jobs.definitions(authenticate(exchange)).stream()
                        .map(JobCommands::toJson).toList()));
            }
            default -> throw notFound(exchange);
        }
    }

    private void tables(HttpExchange exchange, List<String> path, String method) throws IOException {
        if (path.size() == 1) {
            only(path, 1, method, "GET");
            jobs.requireReader(authenticate(exchange));
            List<Map<String, Object>> tables = servedTables.get().stream().sorted()
                    .map(name -> inspector.summary(LakeTableName.parse(name))).toList();
            send(exchange, 200, Map.of("tables", tables, "problems", lakeProblems.get()));
        } else if (path.size() == 3) {
            only(path, 3, method, "GET");
            jobs.requireReader(authenticate(exchange));
            String name = path.get(1) + "." + path.get(2);
            if (!servedTables.get().contains(name)) {
                throw PondhouseException.notFound("table " + name + " is not served by this server; GET /tables lists the tables");
            }
            send(exchange, 200, inspector.details(LakeTableName.parse(name), TABLE_HISTORY_COMMITS));
        } else {
            throw notFound(exchange);
        }
    }

    private void jobs(HttpExchange exchange, List<String> path, String method) throws IOException {
        if (path.size() == 1) {
            if (method.equals("POST")) {
                AuthenticatedUser user = authenticate(exchange);
                JobStatus status = jobs.start(user, body(exchange));
                exchange.getResponseHeaders().set("Location", "/jobs/" + status.id());
                send(exchange, 202, status.toJson());
            } else if (method.equals("GET")) {
                AuthenticatedUser user = authenticate(exchange);
                List<Map<String, Object>> list = jobs.list(user, limit(exchange)).stream().map(JobStatus::toJson).toList();
                send(exchange, 200, Map.of("jobs", list));
            } else {
                throw new MethodNotAllowed("GET, POST");
            }
        } else if (path.size() == 2) {
            only(path, 2, method, "GET");
            send(exchange, 200, jobs.status(authenticate(exchange), path.get(1)).toJson());
        } else if (path.size() == 3 && path.get(2).equals("cancel")) {
            only(path, 3, method, "POST");
            JobStatus status = jobs.cancel(authenticate(exchange), path.get(1));
            send(exchange, status.state().finished() ? 200 : 202, status.toJson());
        } else {
            throw notFound(exchange);
        }
    }

    private static void only(List<String> path, int length, String method, String allowed) {
        if (path.size() == length && !method.equals(allowed)) {
            throw new MethodNotAllowed(allowed);
        }
    }

    private static PondhouseException notFound(HttpExchange exchange) {
        return PondhouseException.notFound("no such endpoint: " + exchange.getRequestURI().getRawPath()
                + " (see ADMIN-API.md for the endpoints)");
    }

    /** The user named by the request's Basic credentials. */
    private AuthenticatedUser authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.isBlank()) {
            throw new PondhouseException(ErrorKind.UNAUTHENTICATED, "credentials needed: send HTTP Basic credentials"
                    + " (curl -u user:password)");
        }
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new PondhouseException(ErrorKind.UNAUTHENTICATED, "unsupported authorization scheme; use HTTP Basic");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCredentials();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw invalidCredentials();
        }
        char[] password = decoded.substring(colon + 1).toCharArray();
        String client = exchange.getRemoteAddress().getAddress().getHostAddress();
        AuthenticationResult result;
        try {
            result = users.authenticate(decoded.substring(0, colon), password, Optional.of(client));
        } finally {
            Arrays.fill(password, '\0');
        }
        if (result instanceof AuthenticationResult.Success success) {
            return success.user();
        }
        log.info("admin login refused for user '{}' from {}: {}", decoded.substring(0, colon), client,
                result instanceof AuthenticationResult.Throttled ? "throttled after repeated failures" : "invalid credentials");
        throw invalidCredentials();
    }

    private static PondhouseException invalidCredentials() {
        return new PondhouseException(ErrorKind.UNAUTHENTICATED, AuthenticationResult.INVALID_CREDENTIALS);
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        byte[] content;
        try (InputStream input = exchange.getRequestBody()) {
            content = input.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (content.length > MAX_BODY_BYTES) {
            throw PondhouseException.userError("the request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (content.length == 0) {
            throw PondhouseException.userError("the request body is empty; send a JSON object like {\"job\": \"refresh\"}");
        }
        try {
            return json.readTree(content);
        } catch (JsonProcessingException e) {
            throw PondhouseException.userError("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static int limit(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return DEFAULT_LIST_LIMIT;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("limit=")) {
                String value = parameter.substring("limit=".length());
                try {
                    return Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw PondhouseException.userError("limit must be a whole number: '" + value + "'");
                }
            }
        }
        return DEFAULT_LIST_LIMIT;
    }

    /** The HTTP status of each error category: the one place they are chosen. */
    static int status(ErrorKind kind) {
        return switch (kind) {
            case USER_ERROR -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT, CANCELLED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNSUPPORTED -> 501;
            case UNAVAILABLE -> 503;
            case TIMED_OUT -> 504;
            case INTERNAL -> 500;
        };
    }

    private void sendInternalError(HttpExchange exchange, Exception error) throws IOException {
        String errorId = UUID.randomUUID().toString();
        log.error("admin request {} {} failed: internal error {}", exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), errorId, error);
        sendError(exchange, 500, "internal", "internal error " + errorId + " (details are in the server log)");
    }

    private void sendError(HttpExchange exchange, int status, String code, String message) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        send(exchange, status, Map.of("error", error));
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] content = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", JSON);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, content.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(content);
        }
    }

    private static void sendText(HttpExchange exchange, String text) throws IOException {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", MicrometerServerMetrics.CONTENT_TYPE);
        exchange.sendResponseHeaders(200, content.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(content);
        }
    }

    /** The path exists, but not for this method. */
    private static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String allowed;

        MethodNotAllowed(String allowed) {
            super(null, null, false, false);
            this.allowed = allowed;
        }
    }
}
