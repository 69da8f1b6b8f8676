-- Document collections: the catalog of collections (each collection's rows live in its own table in the schema
-- keel_docs, created on first use), the access log, erasure records, and the function update statements call to
-- fail with a typed error when an operator meets a value it cannot apply to.

CREATE TABLE keel.doc_collections (
    name          text        NOT NULL,
    retention     interval,
    subject_field text,
    audit         boolean     NOT NULL DEFAULT false,
    indexes       jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT doc_collections_pkey PRIMARY KEY (name),
    CONSTRAINT doc_collections_name_check CHECK (name ~ '^[a-z_][a-z0-9_]{0,62}$')
);

-- Append-only: who did what to which collection, id or subject, when, from where, and whether it succeeded.
CREATE TABLE keel.doc_access_log (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text        NOT NULL,
    operation  text        NOT NULL,
    collection text,
    target     text,
    address    text,
    success    boolean     NOT NULL,
    detail     jsonb,
    CONSTRAINT doc_access_log_pkey PRIMARY KEY (id)
);

CREATE INDEX doc_access_log_at_idx ON keel.doc_access_log (at);
CREATE INDEX doc_access_log_target_idx ON keel.doc_access_log (target);

-- One row per erasure of a data subject; the subject is kept only as a hash.
CREATE TABLE keel.doc_erasures (
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    subject_hash text        NOT NULL,
    actor        text        NOT NULL,
    erased_at    timestamptz NOT NULL DEFAULT now(),
    counts       jsonb       NOT NULL,
    CONSTRAINT doc_erasures_pkey PRIMARY KEY (id)
);

CREATE FUNCTION keel.doc_fail(message text) RETURNS jsonb
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = message;
END
$$;
