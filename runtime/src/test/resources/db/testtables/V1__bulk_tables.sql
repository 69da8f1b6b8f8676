-- Tables for the bulk writer's tests: every column type the encoder supports, plus generated and identity columns.
CREATE SCHEMA IF NOT EXISTS bulk;

CREATE TYPE bulk.mood AS ENUM ('calm', 'happy', 'grumpy');

CREATE TABLE bulk.all_types (
    id          bigint PRIMARY KEY,
    c_int2      smallint,
    c_int4      integer,
    c_float4    real,
    c_float8    double precision,
    c_numeric   numeric,
    c_money     numeric(10, 2),
    c_bool      boolean,
    c_text      text,
    c_varchar   varchar(10),
    c_char      char(3),
    c_uuid      uuid,
    c_date      date,
    c_time      time,
    c_timetz    time with time zone,
    c_ts        timestamp,
    c_tstz      timestamptz,
    c_jsonb     jsonb,
    c_json      json,
    c_bytea     bytea,
    c_int_arr   integer[],
    c_text_arr  text[],
    c_uuid_arr  uuid[],
    c_mood      bulk.mood,
    c_mood_arr  bulk.mood[]
);

CREATE TABLE bulk.items (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku        text NOT NULL UNIQUE,
    qty        integer NOT NULL CHECK (qty >= 0),
    price      numeric(10, 2) NOT NULL DEFAULT 0,
    total      numeric(12, 2) GENERATED ALWAYS AS (qty * price) STORED,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bulk.narrow (
    id    bigint NOT NULL,
    label text   NOT NULL,
    score double precision NOT NULL,
    CONSTRAINT narrow_pkey PRIMARY KEY (id)
);

CREATE TABLE bulk.unsupported (
    id     bigint PRIMARY KEY,
    period interval
);
