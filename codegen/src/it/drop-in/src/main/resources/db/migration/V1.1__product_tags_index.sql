-- Not transactional: it needs flyway.postgresql.transactional.lock=false, as the application's Flyway sets it.
CREATE INDEX CONCURRENTLY product_tags_idx ON inventory.product USING gin (tags);
