package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.rules.LineNumberedYaml.Entry;
import dev.pondhouse.security.rules.LineNumberedYaml.Mapping;
import dev.pondhouse.security.rules.LineNumberedYaml.Node;
import dev.pondhouse.security.rules.LineNumberedYaml.Scalar;
import dev.pondhouse.security.rules.LineNumberedYaml.ScalarKind;
import dev.pondhouse.security.rules.LineNumberedYaml.Sequence;
import dev.pondhouse.security.rules.LineNumberedYaml;
import dev.pondhouse.security.rules.RuleFileException;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.pipeline.PipelineFileException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a pipeline file: YAML, strict, every problem reported with its line. The format (see
 * {@code server/PIPELINES.md}):
 *
 * <pre>
 * description: Daily sales rollups           # optional
 * default-schema: raw                        # optional: schema of unqualified table names in step SQL
 * sources:                                   # optional: files read as the tables of a schema
 *   - schema: raw
 *     folder: /data/incoming/raw             # relative paths: from the pipeline file's folder
 *     format: parquet                        # parquet (default) or csv
 *   - schema: landing                        # or an Azure container of the lake's account:
 *     container: raw                         #   instead of folder
 *     prefix: sales/                         #   optional: the folder in the container
 * steps:
 *   - name: daily_sales                      # letters, digits, _ and -; unique
 *     table: sales.daily                     # the lake table it writes, schema.table
 *     mode: merge                            # overwrite | append | replace-partitions | merge
 *     keys: [day, store_id]                  # merge only, required there
 *     partition-by: [day]                    # optional: partitioning of a table it creates
 *     after: [cleanup]                       # optional: steps to run first (reads are found anyway)
 *     sql: |
 *       SELECT day, store_id, sum(amount) AS amount FROM raw.sales GROUP BY ALL
 * </pre>
 *
 * <p>Checks beyond the shape: each step's SQL is one query that DuckDB's parser accepts
 * ({@code json_serialize_sql}); two steps never write one table; a step never writes a source's
 * schema; the step order implied by reads and {@code after} has no cycle ({@link StepOrder}).
 * The pipeline's name is the file name without {@code .yaml} (or {@code .yml}).
 */
public final class PipelineFile {
    private static final String DESCRIPTION = "description";
    private static final String DEFAULT_SCHEMA = "default-schema";
    private static final String SOURCES = "sources";
    private static final String STEPS = "steps";
    private static final List<String> TOP_KEYS = List.of(DESCRIPTION, DEFAULT_SCHEMA, SOURCES, STEPS);
    private static final List<String> SOURCE_KEYS = List.of("schema", "folder", "container", "prefix", "format");
    private static final List<String> STEP_KEYS = List.of("name", "table", "mode", "keys", "partition-by", "after", "sql");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern STEP_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*");
    /** What a pipeline file is called: its name, then .yaml or .yml. */
    public static final Pattern FILE_NAME = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_-]*)\\.ya?ml");

    private final String source;
    private final Path baseFolder;
    private final List<Problem> problems = new ArrayList<>();

    private PipelineFile(String source, Path baseFolder) {
        this.source = source;
        this.baseFolder = baseFolder;
    }

    /**
     * Reads and checks the pipeline file {@code file}.
     *
     * @param duckdb a DuckDB connection for the parser (nothing is executed)
     * @throws PipelineFileException naming the lines of the problems
     * @throws IOException if the file cannot be read
     */
    public static PipelineDefinition read(Path file, Connection duckdb) throws IOException, SQLException {
        requireNonNull(file, "file is null");
        var matcher = FILE_NAME.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            throw new PipelineFileException(file.toString(), 0, "a pipeline file is named <name>.yaml, the name made of"
                    + " letters, digits, _ and -");
        }
        return parse(matcher.group(1), Files.readString(file, StandardCharsets.UTF_8), file.toString(),
                file.toAbsolutePath().getParent(), duckdb);
    }

    /**
     * Reads and checks a pipeline from {@code yamlText}.
     *
     * @param name the pipeline's name
     * @param sourceName names the text in messages
     * @param baseFolder what relative source folders are relative to
     * @param duckdb a DuckDB connection for the parser (nothing is executed)
     * @throws PipelineFileException naming the lines of the problems
     */
    public static PipelineDefinition parse(String name, String yamlText, String sourceName, Path baseFolder,
            Connection duckdb) throws SQLException {
        requireNonNull(name, "name is null");
        requireNonNull(yamlText, "yamlText is null");
        requireNonNull(duckdb, "duckdb is null");
        PipelineFile reader = new PipelineFile(requireNonNull(sourceName, "sourceName is null"),
                requireNonNull(baseFolder, "baseFolder is null").toAbsolutePath().normalize());
        Node root;
        try {
            root = LineNumberedYaml.read(yamlText, sourceName);
        } catch (RuleFileException e) {
            throw new PipelineFileException(sourceName, e.problems().stream()
                    .map(problem -> new Problem(problem.line(), problem.message())).toList());
        }
        PipelineDefinition parsed = reader.definition(name, root);
        if (!reader.problems.isEmpty()) {
            throw new PipelineFileException(sourceName, reader.problems);
        }
        return StepOrder.resolve(parsed, duckdb);
    }

    private PipelineDefinition definition(String name, Node root) {
        if (!(root instanceof Mapping mapping)) {
            problems.add(new Problem(root.line(), "expected a mapping with a '" + STEPS + ":' list, found "
                    + root.description()));
            return null;
        }
        Map<String, Entry> entries;
        try {
            entries = entries(mapping, TOP_KEYS, "the pipeline");
        } catch (ProblemException e) {
            problems.add(e.problem);
            return null;
        }
        Optional<String> description = Optional.empty();
        Optional<String> defaultSchema = Optional.empty();
        List<ExternalSource> sources = new ArrayList<>();
        List<PipelineStep> steps = new ArrayList<>();
        try {
            if (entries.containsKey(DESCRIPTION)) {
                description = Optional.of(text(entries.get(DESCRIPTION)).text());
            }
            if (entries.containsKey(DEFAULT_SCHEMA)) {
                defaultSchema = Optional.of(identifier(entries.get(DEFAULT_SCHEMA)));
            }
        } catch (ProblemException e) {
            problems.add(e.problem);
        }
        if (entries.containsKey(SOURCES)) {
            for (Node item : items(entries.get(SOURCES), "a list of sources")) {
                try {
                    sources.add(source(item));
                } catch (ProblemException e) {
                    problems.add(e.problem);
                }
            }
        }
        Entry stepsEntry = entries.get(STEPS);
        if (stepsEntry == null) {
            problems.add(new Problem(mapping.line(), "no '" + STEPS + ":' list; a pipeline needs at least one step"));
        } else {
            List<Node> items = items(stepsEntry, "a list of steps");
            if (items.isEmpty() && stepsEntry.value() instanceof Sequence) {
                problems.add(new Problem(stepsEntry.line(), "'" + STEPS + "' is empty; a pipeline needs at least one step"));
            }
            for (Node item : items) {
                try {
                    steps.add(step(item));
                } catch (ProblemException e) {
                    problems.add(e.problem);
                }
            }
        }
        checkAcrossSteps(sources, steps);
        return new PipelineDefinition(name, description, defaultSchema, sources, steps, source);
    }

    private void checkAcrossSteps(List<ExternalSource> sources, List<PipelineStep> steps) {
        Map<String, Integer> sourceSchemas = new HashMap<>();
        for (ExternalSource source : sources) {
            Integer earlier = sourceSchemas.putIfAbsent(source.schema().toLowerCase(Locale.ROOT), source.line());
            if (earlier != null) {
                problems.add(new Problem(source.line(), "source schema '" + source.schema() + "' is already defined on line "
                        + earlier));
            }
        }
        Map<String, PipelineStep> names = new HashMap<>();
        Map<LakeTableName, PipelineStep> tables = new HashMap<>();
        for (PipelineStep step : steps) {
            PipelineStep sameName = names.putIfAbsent(step.name(), step);
            if (sameName != null) {
                problems.add(new Problem(step.line(), "step name '" + step.name() + "' is already used on line "
                        + sameName.line()));
            }
            LakeTableName table = new LakeTableName(step.table().schema().toLowerCase(Locale.ROOT),
                    step.table().table().toLowerCase(Locale.ROOT));
            PipelineStep sameTable = tables.putIfAbsent(table, step);
            if (sameTable != null) {
                problems.add(new Problem(step.line(), "step '" + step.name() + "' writes " + step.table() + ", which step '"
                        + sameTable.name() + "' (line " + sameTable.line() + ") writes too; one table, one step"));
            }
            if (sourceSchemas.containsKey(step.table().schema().toLowerCase(Locale.ROOT))) {
                problems.add(new Problem(step.line(), "step '" + step.name() + "' writes " + step.table() + ", but schema '"
                        + step.table().schema() + "' is a read-only source of this pipeline"));
            }
        }
        for (PipelineStep step : steps) {
            for (String after : step.after()) {
                if (!names.containsKey(after)) {
                    problems.add(new Problem(step.line(), "step '" + step.name() + "' runs after '" + after
                            + "', which is not a step of this pipeline (steps: " + String.join(", ", names.keySet()) + ")"));
                }
            }
        }
    }

    private ExternalSource source(Node item) throws ProblemException {
        Mapping mapping = mapping(item, "a source must be a mapping with schema, folder (or container) and format");
        Map<String, Entry> entries = entries(mapping, SOURCE_KEYS, "a source");
        String schema = identifier(require(entries, "schema", mapping, "the schema name steps read it as"));
        ExternalSource.Location location;
        if (entries.containsKey("folder") == entries.containsKey("container")) {
            throw new ProblemException(mapping.line(), "a source has either 'folder' (a local folder) or 'container' (an"
                    + " Azure container of the lake's storage account), " + (entries.containsKey("folder")
                    ? "not both" : "found neither"));
        }
        if (entries.containsKey("folder")) {
            if (entries.containsKey("prefix")) {
                throw new ProblemException(entries.get("prefix").value().line(), "'prefix' belongs to a container source;"
                        + " a folder source names its folder with 'folder'");
            }
            Path folder = baseFolder.resolve(text(entries.get("folder")).text()).toAbsolutePath().normalize();
            location = new ExternalSource.Folder(folder);
        } else {
            Scalar container = text(entries.get("container"));
            String prefix = entries.containsKey("prefix") ? text(entries.get("prefix")).text() : "";
            try {
                location = new ExternalSource.Container(container.text(), prefix);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(container.line(), "source " + schema + ": " + e.getMessage());
            }
        }
        ExternalSource.Format format = ExternalSource.Format.PARQUET;
        if (entries.containsKey("format")) {
            Scalar text = text(entries.get("format"));
            format = switch (text.text()) {
                case "parquet" -> ExternalSource.Format.PARQUET;
                case "csv" -> ExternalSource.Format.CSV;
                default -> throw new ProblemException(text.line(), "unknown format '" + text.text()
                        + "' (expected parquet or csv)");
            };
        }
        return new ExternalSource(schema, location, format, mapping.line());
    }

    private PipelineStep step(Node item) throws ProblemException {
        Mapping mapping = mapping(item, "a step must be a mapping with name, table, mode and sql");
        Map<String, Entry> entries = entries(mapping, STEP_KEYS, "a step");
        Scalar nameText = text(require(entries, "name", mapping, "a name for the step"));
        String name = nameText.text();
        if (!STEP_NAME.matcher(name).matches()) {
            throw new ProblemException(nameText.line(), "step name '" + name + "' may only hold letters, digits, _ and -");
        }
        Scalar tableText = text(require(entries, "table", mapping, "the table it writes, as schema.table"));
        LakeTableName table;
        try {
            table = LakeTableName.parse(tableText.text());
        } catch (PondhouseException e) {
            throw new ProblemException(tableText.line(), e.getMessage());
        }
        Scalar modeText = text(require(entries, "mode", mapping, WriteMode.fileNames()));
        WriteMode mode = WriteMode.fromFileName(modeText.text()).orElseThrow(() -> new ProblemException(modeText.line(),
                "unknown mode '" + modeText.text() + "' (expected one of: " + WriteMode.fileNames() + ")"));
        List<String> keys = columns(entries.get("keys"));
        if (mode == WriteMode.MERGE && keys.isEmpty()) {
            throw new ProblemException(modeText.line(), "step '" + name + "': mode merge needs 'keys: [...]', the columns"
                    + " that identify a row");
        }
        if (mode != WriteMode.MERGE && !keys.isEmpty()) {
            throw new ProblemException(entries.get("keys").line(), "step '" + name + "': 'keys' is only for mode merge");
        }
        List<String> partitionBy = columns(entries.get("partition-by"));
        if (mode == WriteMode.REPLACE_PARTITIONS && partitionBy.isEmpty()) {
            throw new ProblemException(modeText.line(), "step '" + name + "': mode replace-partitions needs"
                    + " 'partition-by: [...]', the columns whose values name the partitions it replaces");
        }
        List<String> after = new ArrayList<>();
        if (entries.containsKey("after")) {
            for (Scalar step : texts(entries.get("after"))) {
                after.add(step.text());
            }
        }
        Entry sqlEntry = require(entries, "sql", mapping, "the query whose rows the step writes");
        Scalar sql = text(sqlEntry);
        if (sql.text().isBlank()) {
            throw new ProblemException(sqlEntry.line(), "step '" + name + "': 'sql' is empty");
        }
        return new PipelineStep(name, table, mode, partitionBy, keys, after, sql.text(), mapping.line(), sqlEntry.line(),
                Set.of(), Set.of());
    }

    private static List<String> columns(Entry entry) throws ProblemException {
        if (entry == null) {
            return List.of();
        }
        List<String> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Scalar text : texts(entry)) {
            if (text.text().isBlank()) {
                throw new ProblemException(text.line(), "'" + entry.key() + "' holds an empty column name");
            }
            if (!seen.add(text.text())) {
                throw new ProblemException(text.line(), "column '" + text.text() + "' is listed twice in '" + entry.key() + "'");
            }
            columns.add(text.text());
        }
        if (columns.isEmpty()) {
            throw new ProblemException(entry.line(), "'" + entry.key() + "' is an empty list; leave the key out");
        }
        return columns;
    }

    private List<Node> items(Entry entry, String expected) {
        if (!(entry.value() instanceof Sequence sequence)) {
            problems.add(new Problem(entry.value().line(), "'" + entry.key() + "' must be " + expected + ", found "
                    + entry.value().description()));
            return List.of();
        }
        return sequence.items();
    }

    private static Mapping mapping(Node item, String expected) throws ProblemException {
        if (!(item instanceof Mapping mapping)) {
            throw new ProblemException(item.line(), expected + ", found " + item.description());
        }
        return mapping;
    }

    private static Map<String, Entry> entries(Mapping mapping, List<String> allowed, String what) throws ProblemException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry entry : mapping.entries()) {
            if (!allowed.contains(entry.key())) {
                throw new ProblemException(entry.line(), "unknown key '" + entry.key() + "' in " + what + " (expected one of: "
                        + String.join(", ", allowed) + ")");
            }
            entries.put(entry.key(), entry);
        }
        return entries;
    }

    private static Entry require(Map<String, Entry> entries, String key, Mapping mapping, String expected)
            throws ProblemException {
        Entry entry = entries.get(key);
        if (entry == null) {
            throw new ProblemException(mapping.line(), "no '" + key + "'; add " + key + ": (" + expected + ")");
        }
        return entry;
    }

    private static Scalar text(Entry entry) throws ProblemException {
        if (!(entry.value() instanceof Scalar scalar) || scalar.kind() == ScalarKind.NULL) {
            throw new ProblemException(entry.value().line(), "'" + entry.key() + "' must be a text, found "
                    + entry.value().description());
        }
        return scalar;
    }

    private static String identifier(Entry entry) throws ProblemException {
        Scalar text = text(entry);
        if (!IDENTIFIER.matcher(text.text()).matches()) {
            throw new ProblemException(text.line(), "'" + text.text() + "' is not a plain identifier (letters, digits, _;"
                    + " not starting with a digit)");
        }
        return text.text();
    }

    private static List<Scalar> texts(Entry entry) throws ProblemException {
        if (!(entry.value() instanceof Sequence sequence)) {
            throw new ProblemException(entry.value().line(), "'" + entry.key() + "' must be a list, even of one: "
                    + entry.key() + ": [...]");
        }
        List<Scalar> texts = new ArrayList<>();
        for (Node item : sequence.items()) {
            if (!(item instanceof Scalar scalar) || scalar.kind() == ScalarKind.NULL) {
                throw new ProblemException(item.line(), "'" + entry.key() + "' must hold names, found " + item.description());
            }
            texts.add(scalar);
        }
        return texts;
    }

    /** One problem, thrown within a source or step and collected. */
    private static final class ProblemException extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient Problem problem;

        ProblemException(int line, String message) {
            super(message, null, false, false);
            this.problem = new Problem(line, message);
        }
    }
}
