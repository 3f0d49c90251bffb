-- Tulbur ledger: a book no one can quietly rewrite (docs/ledger.md, "Append-only tables").
--
-- INSERT OR REPLACE, REPLACE and an upsert that meets an existing row delete that row without
-- firing its DELETE trigger unless recursive_triggers is on, which Tulbur sets but no other
-- tool does. So an insert that would take the place of an existing row is refused before it
-- runs: payments and audit rows stay append-only, and bills are still never deleted.
CREATE TRIGGER payments_no_replace BEFORE INSERT ON payments
WHEN EXISTS (SELECT 1 FROM payments WHERE id = NEW.id)
  OR EXISTS (SELECT 1 FROM payments WHERE method = NEW.method AND provider_txn_id = NEW.provider_txn_id)
BEGIN
  SELECT RAISE (ABORT, 'payments are append-only');
END;

CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER bills_no_replace BEFORE INSERT ON bills
WHEN EXISTS (SELECT 1 FROM bills WHERE id = NEW.id OR number = NEW.number)
BEGIN
  SELECT RAISE (ABORT, 'bills are voided, never deleted');
END;
