package client;

import static com.example.corpus.ml.Tables.PLAN;

import com.example.corpus.ml.enums.PlanTier;
import com.example.corpus.ml.tables.records.PlanRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** A client compiled against the classes generated from two locations with dotted versions. */
public final class PlanClient {
    private PlanClient() {
    }

    public static String roundTrip(DSLContext dsl) {
        PlanRecord plan = dsl.insertInto(PLAN)
                .set(PLAN.CODE, "pro-monthly")
                .set(PLAN.DISPLAY_NAME, "Pro (monthly)")
                .set(PLAN.TIER, PlanTier.pro)
                .set(PLAN.FEATURES, new String[] {"sso", "audit-log"})
                .set(PLAN.LIMITS, JSONB.valueOf("{\"seats\": 25}"))
                .set(PLAN.MONTHLY_PRICE_CENTS, 4900)
                .returning().fetchOne();
        PlanRecord back = dsl.selectFrom(PLAN).where(PLAN.ID.eq(plan.getId())).fetchOne();
        return back.getTier().getLiteral() + "|" + String.join(",", back.getFeatures()) + "|" + back.getLimits().data();
    }
}
