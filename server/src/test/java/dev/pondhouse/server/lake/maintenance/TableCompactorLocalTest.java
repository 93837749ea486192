package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Compaction on a local folder, where the rewritten files are written straight into the table's
 * folder ({@link InPlaceDataFiles}).
 */
class TableCompactorLocalTest extends TableCompactorContractTest {
    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }

    @Test
    void theRewrittenFilesAreWrittenIntoTheTableFolderAndNothingIsLeftElsewhere() throws Exception {
        threeDaysOfAppends();
        Set<String> filesBefore = Set.copyOf(table.dataFileNames());
        Path work = directory.resolve("compactor-work");

        CompactionResult result = TableCompactor.local((LocalBlobStore) table.store(), table.writer(), work,
                CompactionSettings.DEFAULT)
                .compact(duckdb, () -> false, ProgressListener.NONE);

        assertThat(result.filesAdded()).isEqualTo(3);
        Set<String> expected = new HashSet<>(filesBefore);
        expected.addAll(table.activeFileNames());
        assertThat(table.dataFileNames()).containsExactlyInAnyOrderElementsOf(expected);
        try (Stream<Path> left = Files.walk(work)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aCancelledRunDeletesTheFilesItWroteIntoTheTableFolder() throws Exception {
        threeDaysOfAppends();
        List<String> filesBefore = table.dataFileNames();
        int[] checks = {0};

        CompactionResult cancelled = table.compactor(CompactionSettings.DEFAULT)
                .compact(duckdb, () -> ++checks[0] > 2, ProgressListener.NONE);

        assertThat(cancelled.cancelled()).isTrue();
        assertThat(table.dataFileNames()).containsExactlyInAnyOrderElementsOf(filesBefore);
    }

    @Test
    void aConflictingRunDeletesTheFilesItWroteIntoTheTableFolder() throws Exception {
        threeDaysOfAppends();
        Set<String> filesBefore = Set.copyOf(table.dataFileNames());
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);
        List<CompactionResult> winner = new ArrayList<>();
        int[] checks = {0};

        // Before its last bin, another compaction commits the same rewrite.
        CompactionResult loser = table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> {
            if (++checks[0] == 3) {
                try (Connection other = DriverManager.getConnection("jdbc:duckdb:")) {
                    winner.add(table.compactor(CompactionSettings.DEFAULT).compact(other, () -> false,
                            ProgressListener.NONE));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            return false;
        }, ProgressListener.NONE);

        assertThat(winner).singleElement().satisfies(result -> assertThat(result.filesAdded()).isEqualTo(3));
        assertThat(loser.partitionsConflicted()).isEqualTo(3);
        assertThat(loser.committedVersions()).isEmpty();
        Set<String> expected = new HashSet<>(filesBefore);
        expected.addAll(table.activeFileNames());
        assertThat(table.dataFileNames()).as("the winner's files, no orphan of the loser")
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
    }

    private void threeDaysOfAppends() {
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        for (int append = 1; append <= 3; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 3));
        }
    }
}
