package dev.pondhouse.server.lake.delta;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a data file of a partitioned table goes, and how partition values are written, the way
 * Spark and Delta do it. A file lives in one Hive-style folder per partition column, in the table's
 * partition column order: {@code day=2024-01-01/country=NL/part-<uuid>.parquet}.
 *
 * <p><b>Values.</b> The log keeps each value as a string in Delta's partition value serialization
 * (numbers as decimal text, dates {@code yyyy-MM-dd}, booleans {@code true}/{@code false}, strings
 * as is) or {@code null}. An empty string is stored as {@code null}, as Spark does: Hive folders
 * cannot tell them apart. Partition columns may only have types whose text form is unambiguous
 * across readers (strings, integers, decimals, dates, booleans); timestamps, floating point and
 * binary columns are refused.
 *
 * <p><b>Folder names.</b> A {@code null} value is the folder {@code __HIVE_DEFAULT_PARTITION__}.
 * Other values are escaped like Spark's {@code ExternalCatalogUtils.escapePathName}: control
 * characters, DEL, the quotes {@code "} and {@code '}, and {@code # % * / : = ? \ ^ [ ]} and the
 * opening brace become {@code %XX} (upper-case hex of the character); everything else, spaces
 * included, is kept. Folder names are only a layout: readers
 * take values from {@code partitionValues}, never from the path.
 */
final class PartitionPaths {
    /** The folder name of a {@code null} partition value. */
    static final String NULL_FOLDER = "__HIVE_DEFAULT_PARTITION__";

    private static final String ESCAPED = "\"#%'*/:=?\\\u007f{[]^";
    private static final Set<String> PARTITION_TYPES = Set.of("string", "byte", "short", "integer", "long", "date", "boolean");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PartitionPaths() {}

    /** The folder path of a file with these partition values, ending with {@code /}; empty when unpartitioned. */
    static String folder(List<String> partitionColumns, Map<String, Optional<String>> values) {
        StringBuilder folder = new StringBuilder();
        for (String column : partitionColumns) {
            Optional<String> value = values.get(column);
            if (value == null) {
                throw new IllegalArgumentException("no value for partition column " + column + " in " + values);
            }
            folder.append(escape(column)).append('=').append(value.map(PartitionPaths::escape).orElse(NULL_FOLDER)).append('/');
        }
        return folder.toString();
    }

    /** A value as the log stores it: an empty string is {@code null}. */
    static Optional<String> normalize(Optional<String> value) {
        return value.filter(text -> !text.isEmpty());
    }

    /** The partition values with every value {@linkplain #normalize normalized}, for comparisons. */
    static Map<String, Optional<String>> normalize(Map<String, Optional<String>> values) {
        Map<String, Optional<String>> normalized = new java.util.TreeMap<>();
        values.forEach((column, value) -> normalized.put(column, normalize(value)));
        return Map.copyOf(normalized);
    }

    /** Throws {@link IllegalArgumentException} naming the column if its type cannot be a partition column. */
    static void requirePartitionable(DeltaSchemas.Column column) {
        String deltaType = DeltaSchemas.deltaType(column);
        if (!PARTITION_TYPES.contains(deltaType) && !deltaType.startsWith("decimal(")) {
            throw new IllegalArgumentException("partition column " + column.name() + " has type " + column.duckDbType()
                    + ", which cannot be a partition column here; partition by a string, integer, decimal, date or"
                    + " boolean column (for a timestamp, partition by its date)");
        }
    }

    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (int index = 0; index < value.length(); index++) {
            char character = value.charAt(index);
            if (character < 0x20 || ESCAPED.indexOf(character) >= 0) {
                for (byte b : String.valueOf(character).getBytes(StandardCharsets.UTF_8)) {
                    escaped.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            } else {
                escaped.append(character);
            }
        }
        return escaped.toString();
    }
}
