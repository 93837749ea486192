package dev.pondhouse.server.lake.delta;

/**
 * One action of a Delta log commit: a line {@code {"<type>":{...}}} of a commit file
 * {@code _delta_log/<version>.json}. Only the actions of protocol reader version 1 / writer version
 * 2 are modelled; {@link CommitFileFormat} skips any other action type when reading, as the Delta
 * protocol requires.
 */
public sealed interface Action permits Protocol, Metadata, AddFile, RemoveFile, CommitInfo, Transaction {
}
