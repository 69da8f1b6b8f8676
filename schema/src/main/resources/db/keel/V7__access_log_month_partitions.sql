-- The access log, partitioned by month of its entries' time, so that DocumentSettings.accessLogRetention can drop
-- a month of entries whole: a default partition here, and the months' partitions (keel.doc_access_log_yyyymm) made
-- by Keel's purge, which also moves entries from the default partition into them. Existing entries are copied over
-- with their ids. PostgreSQL's primary key on a partitioned table must include the partition key, so it becomes
-- (id, at); ids still come from one sequence, so they stay unique on their own.

ALTER TABLE keel.doc_access_log RENAME TO doc_access_log_unpartitioned;
ALTER TABLE keel.doc_access_log_unpartitioned RENAME CONSTRAINT doc_access_log_pkey TO doc_access_log_unpartitioned_pkey;
ALTER INDEX keel.doc_access_log_at_idx RENAME TO doc_access_log_unpartitioned_at_idx;
ALTER INDEX keel.doc_access_log_target_idx RENAME TO doc_access_log_unpartitioned_target_idx;

CREATE SEQUENCE keel.doc_access_log_entry_seq;

CREATE TABLE keel.doc_access_log (
    id         bigint      NOT NULL DEFAULT nextval('keel.doc_access_log_entry_seq'),
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text        NOT NULL,
    operation  text        NOT NULL,
    collection text,
    target     text,
    address    text,
    success    boolean     NOT NULL,
    detail     jsonb,
    CONSTRAINT doc_access_log_pkey PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);

ALTER SEQUENCE keel.doc_access_log_entry_seq OWNED BY keel.doc_access_log.id;

CREATE TABLE keel.doc_access_log_default PARTITION OF keel.doc_access_log DEFAULT;

CREATE INDEX doc_access_log_at_idx ON keel.doc_access_log (at);
CREATE INDEX doc_access_log_target_idx ON keel.doc_access_log (target);

INSERT INTO keel.doc_access_log (id, at, actor, operation, collection, target, address, success, detail)
SELECT id, at, actor, operation, collection, target, address, success, detail
  FROM keel.doc_access_log_unpartitioned;

SELECT setval('keel.doc_access_log_entry_seq', COALESCE((SELECT max(id) FROM keel.doc_access_log), 0) + 1, false);

DROP TABLE keel.doc_access_log_unpartitioned;
