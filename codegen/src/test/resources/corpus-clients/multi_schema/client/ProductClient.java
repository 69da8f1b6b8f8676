package client;

import static com.example.corpus.ms.inventory.Tables.PRODUCT;

import com.example.corpus.ms.inventory.enums.ProductStatus;
import com.example.corpus.ms.inventory.tables.records.ProductRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.postgres.extensions.types.Hstore;

/** A client compiled against the classes generated from schemas that the migrations create themselves. */
public final class ProductClient {
    private ProductClient() {
    }

    public static String roundTrip(DSLContext dsl) {
        ProductRecord product = dsl.insertInto(PRODUCT)
                .set(PRODUCT.SKU, "WID-0001")
                .set(PRODUCT.NAME, "Stainless steel widget")
                .set(PRODUCT.STATUS, ProductStatus.active)
                .set(PRODUCT.TAGS, new String[] {"hardware", "steel"})
                .set(PRODUCT.ATTRIBUTES, JSONB.valueOf("{\"color\": \"silver\"}"))
                .set(PRODUCT.DIMENSIONS, Hstore.valueOf(java.util.Map.of("width_mm", "40")))
                .returning().fetchOne();
        ProductRecord back = dsl.selectFrom(PRODUCT).where(PRODUCT.ID.eq(product.getId())).fetchOne();
        return back.getStatus().getLiteral() + "|" + String.join(",", back.getTags()) + "|"
                + back.getAttributes().data() + "|" + back.getDimensions().data();
    }
}
