package dev.keel.internal.saga;

import java.time.Duration;
import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** The few expressions jOOQ has no typed form for: the database clock plus a duration. */
final class SagaSql {
    private SagaSql() {
    }

    /** {@code now() + d}, on the database's clock. */
    static Field<OffsetDateTime> nowPlus(Duration d) {
        return DSL.field("now() + {0} * interval '1 millisecond'", OffsetDateTime.class, DSL.val(d.toMillis()));
    }

    /** {@code now() - d}, on the database's clock. */
    static Field<OffsetDateTime> nowMinus(Duration d) {
        return DSL.field("now() - {0} * interval '1 millisecond'", OffsetDateTime.class, DSL.val(d.toMillis()));
    }
}
