CREATE TYPE order_status AS ENUM ('placed', 'paid', 'shipped');

CREATE TABLE customer (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE
);

CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    customer_id bigint NOT NULL REFERENCES customer (id),
    status      order_status NOT NULL DEFAULT 'placed',
    items       jsonb NOT NULL,
    tags        text[] NOT NULL DEFAULT '{}',
    placed_at   timestamptz NOT NULL DEFAULT now(),
    net         numeric(10, 2) NOT NULL,
    gross       numeric(10, 2) GENERATED ALWAYS AS (net * 1.2) STORED,
    PRIMARY KEY (id, placed_at)
) PARTITION BY RANGE (placed_at);

CREATE TABLE orders_2026 PARTITION OF orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
