package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What preparing a query told about it: the columns of its result and its parameters, as announced
 * to clients.
 */
record QueryShape(Schema columns, Schema parameters) {
    QueryShape {
        requireNonNull(columns, "columns is null");
        requireNonNull(parameters, "parameters is null");
    }

    boolean takesParameters() {
        return !parameters.getFields().isEmpty();
    }
}
