package dev.keel;

/**
 * A named point inside a {@link Tx} that the transaction can roll back to. Valid only in the transaction that
 * made it, until it is released or an earlier savepoint is rolled back to.
 */
public final class Savepoint {
    private final String name;
    final java.sql.Savepoint jdbc;
    final Tx owner;

    Savepoint(String name, java.sql.Savepoint jdbc, Tx owner) {
        this.name = name;
        this.jdbc = jdbc;
        this.owner = owner;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Savepoint[" + name + "]";
    }
}
