package dev.pondhouse.server.query;

/** What running statements needs to know of the lake's tables as DuckDB views serve them. */
public interface ServedViews {
    /**
     * A number that changes whenever a view is created, replaced or dropped ({@code
     * ViewPublisher#version}): what was learned from the views while it stayed the same still holds.
     */
    long version();

    /**
     * Asks for the views to be refreshed soon, without waiting: a statement found a file they read
     * gone, so the lake changed since they were published. Requests while one is pending are one.
     */
    void refreshSoon();
}
