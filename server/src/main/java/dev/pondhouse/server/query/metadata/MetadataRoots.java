package dev.pondhouse.server.query.metadata;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Creates the small, filled {@link VectorSchemaRoot}s that metadata commands answer with. */
final class MetadataRoots {

    private MetadataRoots() {
    }

    /**
     * Creates a root of the schema, lets {@code filler} write {@code rowCount} rows into it and sets
     * the row count. If filling fails the root is closed before the failure propagates.
     */
    static VectorSchemaRoot filled(
            Schema schema, BufferAllocator allocator, int rowCount, Consumer<VectorSchemaRoot> filler) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        try {
            root.allocateNew();
            filler.accept(root);
            root.setRowCount(rowCount);
            return root;
        } catch (RuntimeException | Error failure) {
            try {
                root.close();
            } catch (RuntimeException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
    }

    /** Writes UTF-8 text, or null. */
    static void setText(VectorSchemaRoot root, String column, int row, String value) {
        VarCharVector vector = (VarCharVector) root.getVector(column);
        if (value == null) {
            vector.setNull(row);
        } else {
            vector.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
