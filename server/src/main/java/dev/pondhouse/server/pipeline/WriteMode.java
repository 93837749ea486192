package dev.pondhouse.server.pipeline;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a pipeline step does with the rows already in its table. */
public enum WriteMode {
    /** The table becomes exactly the step's rows (created when missing). */
    OVERWRITE("overwrite"),
    /** The step's rows are added. */
    APPEND("append"),
    /** The partitions that occur in the step's rows are replaced by them; other partitions stay. */
    REPLACE_PARTITIONS("replace-partitions"),
    /**
     * Upsert on key columns: a row whose key is in the table replaces that row, a row with a new key is
     * added, the table's other rows stay. Copy-on-write of only the files that hold one of the keys.
     */
    MERGE("merge");

    private final String fileName;

    WriteMode(String fileName) {
        this.fileName = fileName;
    }

    /** The name in a pipeline file. */
    public String fileName() {
        return fileName;
    }

    static Optional<WriteMode> fromFileName(String name) {
        return Arrays.stream(values()).filter(mode -> mode.fileName.equals(name)).findFirst();
    }

    static String fileNames() {
        return Arrays.stream(values()).map(WriteMode::fileName).collect(Collectors.joining(", "));
    }
}
