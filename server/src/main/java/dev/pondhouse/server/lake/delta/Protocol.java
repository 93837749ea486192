package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The {@code protocol} action: what a reader and a writer must support to use the table. Table
 * features ({@code readerFeatures}, {@code writerFeatures}) only exist at reader version 3 and writer
 * version 7; tables written by Pondhouse use {@link #READER_1_WRITER_2} and have none.
 *
 * @param minReaderVersion the lowest reader protocol version that can read the table
 * @param minWriterVersion the lowest writer protocol version that can write the table
 * @param readerFeatures the reader features the table uses, present only at reader version 3
 * @param writerFeatures the writer features the table uses, present only at writer version 7
 */
public record Protocol(
        int minReaderVersion,
        int minWriterVersion,
        Optional<List<String>> readerFeatures,
        Optional<List<String>> writerFeatures) implements Action {
    /** The protocol of every table Pondhouse creates: reader 1, writer 2, no table features. */
    public static final Protocol READER_1_WRITER_2 = new Protocol(1, 2, Optional.empty(), Optional.empty());

    public Protocol {
        if (minReaderVersion < 1) {
            throw new IllegalArgumentException("minReaderVersion must be at least 1: " + minReaderVersion);
        }
        if (minWriterVersion < 1) {
            throw new IllegalArgumentException("minWriterVersion must be at least 1: " + minWriterVersion);
        }
        readerFeatures = requireNonNull(readerFeatures, "readerFeatures is null").map(List::copyOf);
        writerFeatures = requireNonNull(writerFeatures, "writerFeatures is null").map(List::copyOf);
    }
}
