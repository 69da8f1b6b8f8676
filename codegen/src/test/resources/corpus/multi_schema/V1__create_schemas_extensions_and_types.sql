-- V1: schemas, contrib extensions, and the types/domains shared by the application.

CREATE SCHEMA inventory;
CREATE SCHEMA billing;

-- Extensions from PostgreSQL contrib; installed into public.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS hstore;

-- inventory types
CREATE TYPE inventory.product_status AS ENUM ('draft', 'active', 'discontinued');

CREATE TYPE inventory.movement_kind AS ENUM ('receipt', 'shipment', 'adjustment', 'transfer');

CREATE DOMAIN inventory.sku AS varchar(32)
    CONSTRAINT sku_format CHECK (VALUE ~ '^[A-Z0-9][A-Z0-9-]{2,31}$');

-- billing types
CREATE TYPE billing.invoice_status AS ENUM ('draft', 'issued', 'paid', 'refunded', 'void');

CREATE TYPE billing.payment_method AS ENUM ('card', 'bank_transfer', 'invoice', 'cash');

CREATE DOMAIN billing.money_amount AS numeric(12,2)
    CONSTRAINT money_amount_non_negative CHECK (VALUE >= 0);

CREATE DOMAIN billing.currency_code AS char(3)
    DEFAULT 'EUR'
    CONSTRAINT currency_code_format CHECK (VALUE ~ '^[A-Z]{3}$');
