-- Applied by four processes racing to start Keel on one empty database (ConcurrentMigrationsIT).
CREATE TABLE ledger (id bigserial PRIMARY KEY, note text NOT NULL);
