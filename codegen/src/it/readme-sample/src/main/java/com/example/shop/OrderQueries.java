package com.example.shop;

import static com.example.shop.db.Tables.ORDERS;

import com.example.shop.db.enums.OrderStatus;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Result;
import org.jooq.Record3;

/** Compiles only if the generated classes carry PostgreSQL's types exactly. */
public final class OrderQueries {
    private final DSLContext dsl;

    public OrderQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    public int place(long customerId, JSONB items, BigDecimal net, String... tags) {
        return dsl.insertInto(ORDERS)
                .set(ORDERS.CUSTOMER_ID, customerId)
                .set(ORDERS.ITEMS, items)
                .set(ORDERS.NET, net)
                .set(ORDERS.TAGS, tags)
                .execute();
    }

    public Result<Record3<Long, OrderStatus, OffsetDateTime>> shippedSince(OffsetDateTime since) {
        return dsl.select(ORDERS.ID, ORDERS.STATUS, ORDERS.PLACED_AT)
                .from(ORDERS)
                .where(ORDERS.STATUS.eq(OrderStatus.shipped))
                .and(ORDERS.PLACED_AT.ge(since))
                .fetch();
    }

    public BigDecimal gross(long id) {
        return dsl.select(ORDERS.GROSS).from(ORDERS).where(ORDERS.ID.eq(id)).fetchOne(ORDERS.GROSS);
    }
}
