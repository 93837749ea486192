package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.error.PondhouseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder of pipeline files ({@code pipelines.directory}): one {@code <name>.yaml} per pipeline.
 * Files are read when asked for, so an edited file takes effect at its next run; a file with
 * problems fails only its own pipeline, with every problem and its line.
 *
 * <p>Thread-safe: it holds no state but the folder.
 */
public final class PipelineDirectory {
    private final Path directory;
    private final JobEngine engine;
    private final boolean containersReadable;

    /** Pipeline files on a server without Azure configuration: a container source is a load error. */
    public PipelineDirectory(Path directory, JobEngine engine) {
        this(directory, engine, false);
    }

    /**
     * @param directory the folder of pipeline files
     * @param engine the job engine, whose parser checks the step SQL
     * @param containersReadable whether Azure containers can be read (the server has an Azure storage
     *     account configured); if not, a source with {@code container:} is a load error naming its line
     */
    public PipelineDirectory(Path directory, JobEngine engine, boolean containersReadable) {
        this.directory = requireNonNull(directory, "directory is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.containersReadable = containersReadable;
    }

    /** The names of the pipelines in the folder, sorted. */
    public List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(file -> PipelineFile.FILE_NAME.matcher(file.getFileName().toString()))
                    .filter(java.util.regex.Matcher::matches)
                    .forEach(matcher -> names.add(matcher.group(1)));
        }
        return names.stream().sorted().toList();
    }

    /**
     * Reads and checks the pipeline {@code name}.
     *
     * @throws PondhouseException not found when there is no such file
     * @throws PipelineFileException naming the lines of the file's problems
     */
    public PipelineDefinition load(String name) throws IOException, SQLException {
        requireNonNull(name, "name is null");
        Path file = null;
        for (String extension : List.of(".yaml", ".yml")) {
            Path candidate = directory.resolve(name + extension);
            if (PipelineFile.FILE_NAME.matcher(name + extension).matches() && Files.isRegularFile(candidate)) {
                file = candidate;
                break;
            }
        }
        if (file == null) {
            throw PondhouseException.notFound("there is no pipeline '" + name + "' (no file " + name + ".yaml in "
                    + directory + "); pipelines: " + names());
        }
        PipelineDefinition pipeline;
        try (Connection connection = engine.openConnection()) {
            pipeline = PipelineFile.read(file, connection);
        }
        if (!containersReadable) {
            List<PipelineFileException.Problem> problems = new ArrayList<>();
            for (ExternalSource source : pipeline.sources()) {
                if (source.location() instanceof ExternalSource.Container container) {
                    problems.add(new PipelineFileException.Problem(source.line(),
                            StepCatalog.noAzureMessage(source.schema(), container.name())));
                }
            }
            if (!problems.isEmpty()) {
                throw new PipelineFileException(pipeline.file(), problems);
            }
        }
        return pipeline;
    }
}
