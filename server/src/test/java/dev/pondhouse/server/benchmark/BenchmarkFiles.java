package dev.pondhouse.server.benchmark;

import dev.pondhouse.server.lake.blob.BlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/** File chores of the benchmark programs: uploading a folder into a blob store, warming and deleting folders. */
final class BenchmarkFiles {
    private BenchmarkFiles() {}

    /**
     * Uploads every file below {@code folder} as {@code <prefix><path relative to folder>}, with
     * {@code threads} uploads at a time, skipping paths that start with {@code _} and generator
     * markers ({@code /_generated}).
     *
     * @return the bytes uploaded
     */
    static long upload(Path folder, BlobStore store, String prefix, int threads) throws Exception {
        List<Path> files;
        try (Stream<Path> paths = Files.walk(folder)) {
            files = paths.filter(Files::isRegularFile).sorted().toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long bytes = 0;
        try {
            List<Future<?>> uploads = new ArrayList<>();
            for (Path file : files) {
                String name = folder.relativize(file).toString().replace('\\', '/');
                if (name.startsWith("_") || name.contains("/_generated")) {
                    continue;
                }
                bytes += Files.size(file);
                uploads.add(pool.submit(() -> store.upload(prefix + name, file)));
            }
            for (Future<?> upload : uploads) {
                upload.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return bytes;
    }

    /** Reads every file below {@code folder} once, so the operating system caches them for every contender. */
    static long readAll(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> paths = Files.walk(folder)) {
            files = paths.filter(Files::isRegularFile).toList();
        }
        long bytes = 0;
        byte[] buffer = new byte[1 << 20];
        for (Path file : files) {
            try (var input = Files.newInputStream(file)) {
                for (int read; (read = input.read(buffer)) >= 0; ) {
                    bytes += read;
                }
            }
        }
        return bytes;
    }

    /** Deletes {@code folder} and everything in it; nothing if it does not exist. */
    static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
