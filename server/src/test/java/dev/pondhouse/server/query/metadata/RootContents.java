package dev.pondhouse.server.query.metadata;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

/** Reads a small result root into plain Java values for assertions. */
final class RootContents {

    private RootContents() {
    }

    /** The values of the named columns, row by row; text becomes {@link String}, nulls stay null. */
    static List<List<Object>> rows(VectorSchemaRoot root, String... columns) {
        List<List<Object>> rows = new ArrayList<>();
        for (int row = 0; row < root.getRowCount(); row++) {
            List<Object> values = new ArrayList<>();
            for (String column : columns) {
                values.add(plain(root.getVector(column), row));
            }
            rows.add(values);
        }
        return rows;
    }

    /** The values of one column. */
    static List<Object> column(VectorSchemaRoot root, String column) {
        List<Object> values = new ArrayList<>();
        for (int row = 0; row < root.getRowCount(); row++) {
            values.add(plain(root.getVector(column), row));
        }
        return values;
    }

    private static Object plain(FieldVector vector, int row) {
        Object value = vector.getObject(row);
        if (value instanceof Text text) {
            return text.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> item instanceof Text text ? text.toString() : item).toList();
        }
        return value;
    }
}
