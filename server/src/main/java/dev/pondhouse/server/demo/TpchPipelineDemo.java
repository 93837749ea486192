package dev.pondhouse.server.demo;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;

/**
 * The TPC-H pipeline of the demo: raw TPC-H Parquet files in, the 22 TPC-H queries' answers out as
 * tables {@code tpch_results.q01} to {@code q22}. Prepares a lake that holds the generated TPC-H
 * tables for it:
 *
 * <ul>
 *   <li>{@code <lake>/_raw/tpch/<table>/}: the raw files, copies of the data files of each generated
 *       table (plain Parquet; the {@code _} keeps them out of the served lake);
 *   <li>{@code <lake>/_pipelines/tpch-results.yaml}: the pipeline file (shipped in the jar);
 *   <li>{@code <lake>/_pipeline-config.yaml}: a configuration naming the lake and the pipelines folder,
 *       for {@code pondhouse pipeline run tpch-results --config <lake>/_pipeline-config.yaml}.
 * </ul>
 */
public final class TpchPipelineDemo {
    public static final String PIPELINE_NAME = "tpch-results";
    public static final String RESULT_SCHEMA = "tpch_results";
    private static final String PIPELINE_RESOURCE = "dev/pondhouse/server/demo/tpch-results.yaml";

    private TpchPipelineDemo() {}

    /** The pipeline file's text, as shipped. */
    public static String pipelineText() {
        try (InputStream input = TpchPipelineDemo.class.getClassLoader().getResourceAsStream(PIPELINE_RESOURCE)) {
            if (input == null) {
                throw new IllegalStateException(PIPELINE_RESOURCE + " is not on the class path");
            }
            return new String(input.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the raw files (unless they are there), the pipeline file and the configuration into
     * {@code lakeRoot}, which holds a generated TPC-H lake.
     *
     * @return the configuration file
     */
    public static Path prepare(Path lakeRoot) throws IOException {
        Path root = requireNonNull(lakeRoot, "lakeRoot is null").toAbsolutePath().normalize();
        exportRawFiles(root, root.resolve("_raw").resolve("tpch"));
        Path pipelines = Files.createDirectories(root.resolve("_pipelines"));
        Files.writeString(pipelines.resolve(PIPELINE_NAME + ".yaml"), pipelineText());
        Path config = root.resolve("_pipeline-config.yaml");
        Files.writeString(config, """
                # Written by 'pondhouse demo': the demo lake and its pipelines, for
                #   ./pondhouse pipeline run %s --config %s
                lake:
                  root: "%s"
                pipelines:
                  directory: "%s"
                """.formatted(PIPELINE_NAME, config, root, pipelines));
        return config;
    }

    /**
     * Copies the data files of the generated TPC-H tables of {@code lakeRoot} into
     * {@code rawFolder/<table>/}, unless every table folder is there already. Copies land under a
     * temporary name and are renamed, so a folder never holds half a file.
     */
    public static void exportRawFiles(Path lakeRoot, Path rawFolder) throws IOException {
        List<String> tables = TpchTable.getTables().stream().map(TpchTable::getTableName).toList();
        if (tables.stream().allMatch(table -> Files.isDirectory(rawFolder.resolve(table)))) {
            return;
        }
        DeltaLake lake = DeltaLake.local(lakeRoot, lakeRoot.resolve("_pondhouse-work"), Clock.systemUTC(),
                DeltaWriterSettings.DEFAULT);
        try (DeltaLake.Reads reads = lake.reads("tpch-demo")) {
            for (String table : tables) {
                Path target = rawFolder.resolve(table);
                if (Files.isDirectory(target)) {
                    continue;
                }
                List<Path> files = reads.files(new LakeTableName(TpchLakeGenerator.SCHEMA_NAME, table))
                        .orElseThrow(() -> new IOException("the lake " + lakeRoot + " has no TPC-H table " + table
                                + "; generate it first (pondhouse demo)"))
                        .files();
                Path staging = Files.createDirectories(rawFolder.resolve("_staging-" + table));
                for (Path file : files) {
                    Files.copy(file, staging.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }
}
