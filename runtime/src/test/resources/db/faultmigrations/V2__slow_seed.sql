-- Slow on purpose, so the other processes arrive while it runs; a second run would add a second row.
SELECT pg_sleep(0.5);
INSERT INTO ledger (note) VALUES ('seeded once');
