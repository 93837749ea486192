package dev.pondhouse.server.query.guard;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A guard test class: one {@link GuardDatabase} shared by its tests, and the guard under test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GuardDatabaseTest {
    final StatementGuard guard = new StatementGuard();
    GuardDatabase database;

    @BeforeAll
    void openDatabase() throws Exception {
        database = GuardDatabase.open();
    }

    @AfterAll
    void closeDatabase() throws Exception {
        database.close();
    }
}
