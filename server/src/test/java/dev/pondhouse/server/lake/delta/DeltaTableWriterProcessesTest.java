package dev.pondhouse.server.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Two OS processes append to one local table at once: every append lands once, versions stay contiguous. */
class DeltaTableWriterProcessesTest extends DeltaTableWriterTestBase {
    private static final int APPENDS_PER_PROCESS = 8;

    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }

    @Test
    void twoProcessesAppendingConcurrentlyBothLandEveryAppend() throws Exception {
        BlobStore store = store();
        writer(store, DeltaWriterSettings.DEFAULT).write(duckdb,
                WriteRequest.create(TableData.query(rows(0, 3)), List.of("region")));
        execute(duckdb, "INSERT INTO expected " + rows(0, 3));

        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int process = 1; process <= 2; process++) {
            Path log = directory.resolve("process-" + process + ".log");
            logs.add(log);
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), AppendingProcess.class.getName(),
                    directory.resolve("lake").toString(), ROOT, directory.resolve("work-" + process).toString(),
                    Long.toString(100_000L * process), Integer.toString(APPENDS_PER_PROCESS))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start());
        }
        try {
            for (int index = 0; index < processes.size(); index++) {
                Process process = processes.get(index);
                assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("process %d finished", index + 1).isTrue();
                assertThat(process.exitValue()).as("exit code; output:%n%s", Files.readString(logs.get(index))).isZero();
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }

        for (int process = 1; process <= 2; process++) {
            for (int append = 0; append < APPENDS_PER_PROCESS; append++) {
                execute(duckdb, "INSERT INTO expected " + rows(100_000L * process + 100L * append, 3));
            }
        }
        List<Long> versions = store.list(ROOT + DeltaLog.LOG_FOLDER).stream().map(BlobEntry::name)
                .filter(ForwardingBlobStore::isCommitFile)
                .map(name -> Long.parseLong(name.substring(name.lastIndexOf('/') + 1, name.length() - ".json".length())))
                .toList();
        assertThat(versions).containsExactlyElementsOf(LongStream.rangeClosed(0, 2 * APPENDS_PER_PROCESS).boxed().toList());
        KernelTableReader.KernelTable kernel = kernelRead(store, COLUMNS);
        assertThat(kernel.version()).isEqualTo(2 * APPENDS_PER_PROCESS);
        assertThat(sorted(kernel.rows())).isEqualTo(expectedRows(duckdb));
    }
}
