package dev.pondhouse.server.ingest;

import dev.pondhouse.server.lake.LakeTableName;

/** Whether a user may write into a table (the access rules' {@code write} privilege). Thread-safe. */
@FunctionalInterface
public interface TableWritePermission {
    boolean mayWrite(String user, LakeTableName table);
}
