package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The structure of a DuckDB type, parsed from the text DuckDB prints for it (in
 * {@code duckdb_columns().data_type}, {@code typeof()} or result set metadata).
 */
sealed interface DuckDbType {

    /**
     * Parses a type as DuckDB prints it, e.g. {@code INTEGER}, {@code DECIMAL(15,2)},
     * {@code TIMESTAMP WITH TIME ZONE}, {@code STRUCT(a INTEGER, "b c" VARCHAR)[]},
     * {@code MAP(VARCHAR, INTEGER)}, {@code VARCHAR[3]} or {@code ENUM('a', 'it''s')}.
     *
     * @throws IllegalArgumentException if the text is not a well-formed type
     */
    static DuckDbType parse(String text) {
        return new DuckDbTypeParser(text).parseWhole();
    }

    /**
     * A type without structure that matters for Arrow: {@code INTEGER}, {@code VARCHAR},
     * {@code TIMESTAMP WITH TIME ZONE}, and also types this package does not know. Parameters of
     * types other than DECIMAL and ENUM (say {@code GEOMETRY('OGC:CRS84')}) are dropped.
     *
     * @param name the upper-case name with single spaces, e.g. {@code TIME WITH TIME ZONE}
     */
    record Scalar(String name) implements DuckDbType {
        public Scalar {
            requireNonNull(name, "name is null");
        }
    }

    /** {@code DECIMAL(precision, scale)}. */
    record Decimal(int precision, int scale) implements DuckDbType {
        public Decimal {
            if (precision < 1 || scale < 0 || scale > precision) {
                throw new IllegalArgumentException(
                        "DECIMAL(" + precision + "," + scale + ") has no valid precision and scale");
            }
        }
    }

    /** {@code ENUM('a', 'b', ...)} with this many values. */
    record Enumeration(int valueCount) implements DuckDbType {
        public Enumeration {
            if (valueCount < 0) {
                throw new IllegalArgumentException("negative ENUM size " + valueCount);
            }
        }
    }

    /** A named member of a STRUCT or UNION. */
    record Member(String name, DuckDbType type) {
        public Member {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /** {@code STRUCT(name TYPE, ...)}. */
    record Struct(List<Member> members) implements DuckDbType {
        public Struct {
            members = List.copyOf(members);
        }
    }

    /** {@code UNION(name TYPE, ...)}. */
    record Union(List<Member> members) implements DuckDbType {
        public Union {
            members = List.copyOf(members);
        }
    }

    /** {@code MAP(KEY, VALUE)}. */
    record MapOf(DuckDbType key, DuckDbType value) implements DuckDbType {
        public MapOf {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
        }
    }

    /** A variable-length list, {@code ELEMENT[]}. */
    record ListOf(DuckDbType element) implements DuckDbType {
        public ListOf {
            requireNonNull(element, "element is null");
        }
    }

    /** A fixed-size array, {@code ELEMENT[size]}. */
    record ArrayOf(DuckDbType element, int size) implements DuckDbType {
        public ArrayOf {
            requireNonNull(element, "element is null");
            if (size < 1) {
                throw new IllegalArgumentException("array size must be positive, was " + size);
            }
        }
    }
}
