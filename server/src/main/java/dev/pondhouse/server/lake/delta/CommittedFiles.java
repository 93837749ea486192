package dev.pondhouse.server.lake.delta;

import java.nio.file.Path;

/**
 * Told about each data file a {@link DeltaTableWriter} committed, with the local staged copy it
 * uploaded, before the copy is deleted: a lake in a remote store puts the copy into the disk cache so
 * serving the new version does not download it again. Called on the writing thread, only after the
 * commit succeeded; a failure is logged by the writer and does not fail the write.
 */
@FunctionalInterface
public interface CommittedFiles {
    /** Nothing to do (a local lake reads its files in place). */
    CommittedFiles NONE = (blobName, stagedFile) -> {};

    /**
     * @param blobName the data file's name in the store
     * @param stagedFile the local file with the same content; deleted after this call returns
     */
    void committed(String blobName, Path stagedFile);
}
