package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import org.junit.jupiter.api.Test;

/** Vacuum on a local folder, and which paths it treats as hidden. */
class TableVacuumLocalTest extends TableVacuumContractTest {
    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }

    @Test
    void hiddenPathsAreThoseWithAFolderOrFileNameStartingWithAnUnderscoreOrDotThatIsNoPartitionFolder() {
        assertThat(TableVacuum.isHidden("_delta_log/00000000000000000000.json")).isTrue();
        assertThat(TableVacuum.isHidden("_change_data/part-0.parquet")).isTrue();
        assertThat(TableVacuum.isHidden("day=2024-01-01/.part-0.parquet.crc")).isTrue();
        assertThat(TableVacuum.isHidden("day=2024-01-01/_SUCCESS")).isTrue();
        assertThat(TableVacuum.isHidden("_day=2024-01-01/part-0.parquet")).isFalse();
        assertThat(TableVacuum.isHidden("region=__HIVE_DEFAULT_PARTITION__/part-0.parquet")).isFalse();
        assertThat(TableVacuum.isHidden("part-0.parquet")).isFalse();
    }
}
