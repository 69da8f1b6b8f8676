COMMENT ON SCHEMA billing IS 'owned by ${owner}';
CREATE VIEW billing.open_invoice AS SELECT id, status, total FROM billing.invoice WHERE status <> 'void';
