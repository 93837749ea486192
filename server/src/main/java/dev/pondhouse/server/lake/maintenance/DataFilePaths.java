package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.blob.BlobName;

/**
 * Maps the paths of data files in a Delta log ({@code add.path}, {@code remove.path}, decoded) to
 * blob names. This server's writer stores paths relative to the table root; other writers may store
 * absolute URIs, which maintenance cannot map to a blob with certainty, so it refuses to act on them.
 */
final class DataFilePaths {
    private DataFilePaths() {}

    /** Whether {@code path} is an absolute URI or path rather than one relative to the table root. */
    static boolean isAbsolute(String path) {
        return path.startsWith("/") || path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    }

    /**
     * The blob name of the data file at {@code path} in the table at {@code tableRoot}.
     *
     * @throws MaintenanceRefusedException if the path is absolute or not a valid blob name
     */
    static String blobName(String tableRoot, String path) {
        if (isAbsolute(path)) {
            throw new MaintenanceRefusedException(ErrorKind.UNSUPPORTED, "Delta table " + tableRoot + " refers to the"
                    + " data file " + path + " by an absolute path; maintenance only handles files stored relative"
                    + " to the table root, so it changed nothing");
        }
        try {
            return BlobName.requireValid(tableRoot + path);
        } catch (RuntimeException e) {
            throw new MaintenanceRefusedException(ErrorKind.UNSUPPORTED, "Delta table " + tableRoot + " refers to the"
                    + " data file " + path + ", which is not a valid blob name here; maintenance changed nothing", e);
        }
    }
}
