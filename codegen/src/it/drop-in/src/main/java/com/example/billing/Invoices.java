package com.example.billing;

import com.example.billing.db.billing.enums.InvoiceStatus;
import com.example.billing.db.billing.tables.daos.InvoiceDao;
import com.example.billing.db.billing.tables.pojos.Invoice;
import com.example.billing.db.inventory.tables.pojos.Product;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.Configuration;

/** Compiles only if the generated API is what jooq-codegen-maven produced from the same <generator>. */
public final class Invoices {
    private Invoices() {
    }

    public static void issue(Configuration configuration, Invoice invoice) {
        InvoiceDao dao = new InvoiceDao(configuration);
        invoice.setStatus(InvoiceStatus.issued);
        OffsetDateTime issued = OffsetDateTime.now();
        invoice.setIssuedAt(issued);
        JsonNode details = invoice.getDetails();
        dao.update(invoice);
    }

    public static String sku(Product product) {
        UUID id = product.getId();
        return id + " " + product.getSku() + " " + String.join(",", product.getTags());
    }
}
