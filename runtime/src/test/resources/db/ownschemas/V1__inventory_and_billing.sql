CREATE SCHEMA inventory;
CREATE SCHEMA billing;
CREATE TYPE billing.invoice_status AS ENUM ('draft', 'issued', 'paid', 'void');
CREATE TABLE billing.invoice (id bigint PRIMARY KEY, status billing.invoice_status NOT NULL, owner text DEFAULT '${owner}');
