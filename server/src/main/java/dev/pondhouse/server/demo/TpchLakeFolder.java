package dev.pondhouse.server.demo;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pondhouse.server.FileTrees;
import dev.pondhouse.server.demo.TpchGeneration.GeneratedTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tpch} folder of a lake: table folders, the marker {@code _generated.json}, and staging
 * folders {@code _staging-<id>} in which a generation is written before it is published.
 *
 * <p>Publishing is the commit: the marker is deleted, each table folder is replaced by its staged
 * one (the old folder renamed out, the new one renamed in), and the marker is written last, by
 * rename. A crash at any point leaves either the previous marker over the previous tables or no
 * marker. Names starting with {@code _} are not tables to the lake catalog.
 *
 * <p>Not thread-safe: one writer per folder (the generator serializes its generations).
 */
final class TpchLakeFolder {
    static final String MARKER_FILE_NAME = "_generated.json";
    private static final String STAGING_PREFIX = "_staging-";

    private static final Logger log = LoggerFactory.getLogger(TpchLakeFolder.class);

    private final Path root;
    private final ObjectMapper objectMapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    TpchLakeFolder(Path root) {
        this.root = requireNonNull(root, "root is null");
    }

    /**
     * The generation the marker records, or empty if there is no marker. An unreadable marker (for
     * example from an older format) is logged and counts as none, so the next generation replaces it.
     */
    Optional<TpchGeneration> readMarker() throws IOException {
        Path marker = root.resolve(MARKER_FILE_NAME);
        byte[] content;
        try {
            content = Files.readAllBytes(marker);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(objectMapper.readValue(content, TpchGeneration.class));
        } catch (JsonProcessingException e) {
            log.warn("Ignoring unreadable TPC-H marker {}; the next generation replaces it", marker, e);
            return Optional.empty();
        }
    }

    /** Whether every file {@code generation} names exists. */
    boolean holdsFilesOf(TpchGeneration generation) {
        for (GeneratedTable table : generation.tables()) {
            Path tableFolder = root.resolve(table.name());
            for (String file : table.files()) {
                if (!Files.isRegularFile(tableFolder.resolve(file))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Deletes staging folders left by interrupted generations, then creates a new one. */
    Path createStaging(String generationId) throws IOException {
        Files.createDirectories(root);
        List<Path> stale;
        try (Stream<Path> children = Files.list(root)) {
            stale = children.filter(child -> child.getFileName().toString().startsWith(STAGING_PREFIX)).toList();
        }
        for (Path folder : stale) {
            log.info("Deleting staging folder {} left by an interrupted TPC-H generation", folder);
            FileTrees.deleteRecursively(folder);
        }
        return Files.createDirectory(root.resolve(STAGING_PREFIX + generationId));
    }

    /** Makes the tables staged in {@code staging} (one folder each) the lake's, and records {@code generation}. */
    void publish(TpchGeneration generation, Path staging) throws IOException {
        Path marker = root.resolve(MARKER_FILE_NAME);
        Files.deleteIfExists(marker);
        Path replaced = Files.createDirectory(staging.resolve("_replaced"));
        for (GeneratedTable table : generation.tables()) {
            Path target = root.resolve(table.name());
            if (Files.exists(target, NOFOLLOW_LINKS)) {
                Files.move(target, replaced.resolve(table.name()), ATOMIC_MOVE);
            }
            Files.move(staging.resolve(table.name()), target, ATOMIC_MOVE);
        }
        Path stagedMarker = staging.resolve(MARKER_FILE_NAME);
        Files.write(stagedMarker, objectMapper.writeValueAsBytes(generation));
        Files.move(stagedMarker, marker, ATOMIC_MOVE);
    }

    /**
     * Deletes {@code staging} with everything in it (scratch files, replaced tables). If that fails
     * after a failed generation, the cleanup failure is added to {@code failure}; after a successful
     * one it is logged, since the next generation deletes the leftovers.
     */
    void deleteStaging(Path staging, Optional<Throwable> failure) throws IOException {
        try {
            FileTrees.deleteRecursively(staging);
        } catch (IOException e) {
            if (failure.isPresent()) {
                failure.get().addSuppressed(e);
            } else {
                log.warn("Cannot delete TPC-H staging folder {}", staging, e);
            }
        }
    }

}
