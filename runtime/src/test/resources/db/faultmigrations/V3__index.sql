CREATE INDEX ledger_note ON ledger (note);
