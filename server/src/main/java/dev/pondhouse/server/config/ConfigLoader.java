package dev.pondhouse.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the configuration: defaults, then the YAML file, then environment variables
 * ({@code PONDHOUSE_<SECTION>_<KEY>}, e.g. {@code PONDHOUSE_FLIGHT_PORT}), then command-line
 * overrides, each later source winning. Strict: an unknown key or a bad value is a
 * {@link ConfigException} that names the key, the value and the reason.
 *
 * <p>Nested sections ({@code lake.azure}, {@code auth.users-jdbc}, {@code auth.jwt}) are keys of three parts:
 * {@code --set lake.azure.container=lake}, {@code PONDHOUSE_LAKE_AZURE_CONTAINER}. Secrets
 * ({@link AzureSection#SECRET_KEYS}, {@link UsersJdbcSection#SECRET_KEYS})
 * are read only from the environment; in the file or in {@code --set} (visible in process
 * listings) they are refused, and their {@code *-file} keys are the alternative.
 */
public final class ConfigLoader {
    private static final String ENVIRONMENT_PREFIX = "PONDHOUSE_";
    /** The launcher's own variables ({@code ./pondhouse}, the container entrypoint): not configuration. */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("PONDHOUSE_JAVA_OPTS", "PONDHOUSE_CLASSPATH");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    /** Sections nested in a section: environment variables name them with {@code _} like any key. */
    private static final Map<String, List<String>> NESTED_SECTIONS = Map.of("lake", List.of("azure"),
            "auth", List.of("users-jdbc", "jwt"));
    /** Secret keys by the section that holds them: read only from the environment. */
    private static final Map<List<String>, Set<String>> SECRETS = Map.of(
            List.of("lake", "azure"), AzureSection.SECRET_KEYS,
            List.of("auth", "users-jdbc"), UsersJdbcSection.SECRET_KEYS);

    private final ObjectMapper yaml;

    public ConfigLoader() {
        SimpleModule durations = new SimpleModule("pondhouse-durations");
        durations.addDeserializer(Duration.class, new DurationDeserializer());
        this.yaml = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .registerModule(new Jdk8Module())
                .registerModule(durations)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /**
     * @param file the YAML file, if any
     * @param environment the process environment (only {@code PONDHOUSE_*} variables are read, except
     *     the launcher's {@code PONDHOUSE_JAVA_OPTS} and {@code PONDHOUSE_CLASSPATH})
     * @param overrides {@code section.key -> value} from the command line
     */
    public ServerConfig load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        String source = "defaults";
        if (file.isPresent()) {
            source = file.get().toString();
            tree = readFile(file.get());
            refuseSecrets(tree, "configuration file " + file.get());
        }
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            if (variable.getKey().startsWith(ENVIRONMENT_PREFIX) && !LAUNCHER_VARIABLES.contains(variable.getKey())) {
                String key = nest(variable.getKey().substring(ENVIRONMENT_PREFIX.length())
                        .toLowerCase(Locale.ROOT).replaceFirst("_", ".").replace('_', '-'));
                set(tree, key, variable.getValue(), "environment variable " + variable.getKey());
            }
        }
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            String origin = "option --set " + override.getKey();
            ObjectNode single = JsonNodeFactory.instance.objectNode();
            set(single, override.getKey(), "", origin);
            refuseSecrets(single, origin);
            set(tree, override.getKey(), override.getValue(), origin);
        }
        try {
            return yaml.treeToValue(tree, ServerConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw describe(source, e);
        }
    }

    private ObjectNode readFile(Path file) {
        JsonNode node;
        try {
            node = yaml.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new ConfigException("configuration file " + file + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("configuration file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ConfigException("configuration file " + file + " must be a YAML mapping of sections (flight:, lake:, ...)");
        }
        return object;
    }

    private static void set(ObjectNode tree, String dottedKey, String value, String origin) {
        String[] parts = dottedKey.split("\\.", -1);
        boolean nested = parts.length == 3 && NESTED_SECTIONS.getOrDefault(parts[0], List.of()).contains(parts[1]);
        if ((parts.length != 2 && !nested) || List.of(parts).contains("")) {
            throw new ConfigException(origin + ": '" + dottedKey + "' is not a key of the form section.key"
                    + " (or section.subsection.key)");
        }
        ObjectNode section = tree;
        for (int index = 0; index < parts.length - 1; index++) {
            JsonNode child = section.get(parts[index]);
            if (child == null || child.isNull()) {
                child = section.putObject(parts[index]);
            } else if (!(child instanceof ObjectNode)) {
                throw new ConfigException(origin + ": section '" + parts[index] + "' is not a mapping");
            }
            section = (ObjectNode) child;
        }
        section.put(parts[parts.length - 1], value);
    }

    /** {@code lake.azure-container} (from {@code PONDHOUSE_LAKE_AZURE_CONTAINER}) becomes {@code lake.azure.container}. */
    private static String nest(String key) {
        int dot = key.indexOf('.');
        if (dot < 0) {
            return key;
        }
        String section = key.substring(0, dot);
        String rest = key.substring(dot + 1);
        for (String nested : NESTED_SECTIONS.getOrDefault(section, List.of())) {
            if (rest.startsWith(nested + "-")) {
                return section + "." + nested + "." + rest.substring(nested.length() + 1);
            }
        }
        return key;
    }

    private static void refuseSecrets(ObjectNode tree, String origin) {
        for (Map.Entry<List<String>, Set<String>> section : SECRETS.entrySet()) {
            JsonNode node = tree;
            for (String part : section.getKey()) {
                node = node.path(part);
            }
            String prefix = String.join(".", section.getKey()) + ".";
            for (String key : section.getValue()) {
                if (node.has(key)) {
                    String variable = ENVIRONMENT_PREFIX + (prefix + key).toUpperCase(Locale.ROOT).replace('-', '_')
                            .replace('.', '_');
                    throw new ConfigException(origin + ": " + prefix + key + " is a secret and is not read from here;"
                            + " set the environment variable " + variable + ", or put it in a file named by " + prefix
                            + key + "-file");
                }
            }
        }
    }

    private static ConfigException describe(String source, Exception error) {
        if (error instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return new ConfigException(source + ": unknown key '" + path(unknown) + "'"
                    + (known.isEmpty() ? "" : " (known keys here: " + known + ")"));
        }
        if (error instanceof ValueInstantiationException invalid && invalid.getCause() != null) {
            return new ConfigException(source + ": " + invalid.getCause().getMessage());
        }
        if (error instanceof InvalidFormatException format) {
            return new ConfigException(source + ": '" + path(format) + "' has value '" + format.getValue()
                    + "', which is not a valid " + format.getTargetType().getSimpleName().toLowerCase(Locale.ROOT));
        }
        if (error instanceof MismatchedInputException mismatch) {
            return new ConfigException(source + ": '" + path(mismatch) + "': " + mismatch.getOriginalMessage());
        }
        if (error instanceof JsonMappingException mapping && mapping.getCause() instanceof IllegalArgumentException cause) {
            return new ConfigException(source + ": '" + path(mapping) + "': " + cause.getMessage());
        }
        if (error instanceof JsonProcessingException processing) {
            return new ConfigException(source + ": " + processing.getOriginalMessage());
        }
        return new ConfigException(source + ": " + error.getMessage(), error);
    }

    private static String path(JsonMappingException error) {
        return error.getPath().stream()
                .map(reference -> reference.getFieldName() == null ? "[" + reference.getIndex() + "]" : reference.getFieldName())
                .collect(Collectors.joining("."));
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 0}, or ISO-8601 ({@code PT30S}). */
    public static Duration parseDuration(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = DURATION.matcher(trimmed);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(trimmed);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 500ms, 30s, 5m, 2h, 1d)");
        }
    }

    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        private static final long serialVersionUID = 1L;

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            try {
                return parseDuration(parser.getValueAsString());
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(parser, e.getMessage(), e);
            }
        }
    }
}
