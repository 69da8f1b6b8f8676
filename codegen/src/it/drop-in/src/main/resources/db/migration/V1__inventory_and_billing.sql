CREATE SCHEMA inventory;
CREATE SCHEMA billing;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE billing.invoice_status AS ENUM ('draft', 'issued', 'paid', 'void');

CREATE TABLE inventory.product (
    id         uuid PRIMARY KEY DEFAULT uuidv7(),            -- PostgreSQL 18
    sku        citext NOT NULL UNIQUE,
    tags       text[] NOT NULL DEFAULT '{}',
    attributes jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE inventory.scratch_import (line text);

CREATE TABLE billing.invoice (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status     billing.invoice_status NOT NULL DEFAULT 'draft',
    quantity   integer NOT NULL,
    unit_price numeric(12, 2) NOT NULL,
    total      numeric GENERATED ALWAYS AS (quantity * unit_price) VIRTUAL,   -- PostgreSQL 18
    details    jsonb,
    issued_at  timestamptz
);
