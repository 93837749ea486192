package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A corpus file of test statements: one {@code category | who | sql} or {@code category | who | reads |
 * sql} per line, {@code #} comments.
 */
record StatementCorpus(List<Entry> entries) {
    StatementCorpus {
        entries = List.copyOf(requireNonNull(entries, "entries is null"));
    }

    /**
     * @param who which user the entry is for, as the corpus file explains
     * @param reads the expected tables read, lower case; empty where the file has no such column
     * @param line the line number in the file, to find a failing entry
     */
    record Entry(String category, String who, Set<String> reads, String sql, int line) {
        Entry {
            requireNonNull(category, "category is null");
            requireNonNull(who, "who is null");
            reads = Set.copyOf(requireNonNull(reads, "reads is null"));
            requireNonNull(sql, "sql is null");
        }

        @Override
        public String toString() {
            return category + " (line " + line + "): " + sql;
        }
    }

    /** Loads a file of {@code columns} (3 or 4) columns per line. */
    static StatementCorpus load(String resource, int columns) {
        String text;
        try (InputStream input = StatementCorpus.class.getResourceAsStream(resource)) {
            if (input == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            text = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = text.lines().toList();
        List<Entry> entries = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\|", columns);
            if (parts.length != columns) {
                throw new IllegalStateException(resource + " line " + (index + 1) + " does not have " + columns + " columns");
            }
            Set<String> reads = columns == 4 && !parts[2].strip().equals("-") ? Set.of(parts[2].strip().split(",")) : Set.of();
            entries.add(new Entry(parts[0].strip(), parts[1].strip(), reads, parts[columns - 1].strip(), index + 1));
        }
        return new StatementCorpus(entries);
    }
}
