package dev.pondhouse.server.jobs;

import dev.pondhouse.server.lake.LakeTableName;

/**
 * Which tables exist, for checking the table names in job requests. Backed by the tables the server
 * serves. Thread-safe.
 */
@FunctionalInterface
public interface TableDirectory {
    boolean exists(LakeTableName table);
}
