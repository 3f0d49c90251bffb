-- Tulbur ledger: a book no one can quietly rewrite (docs/ledger.md, "Append-only tables").
--
-- INSERT OR REPLACE, REPLACE and an upsert that meets an existing row delete that row without
-- firing its DELETE trigger unless recursive_triggers is on, which Tulbur sets but no other
-- tool does. So an insert that would take the place of an existing row is refused before it
-- runs: payments and audit rows stay append-only, and bills are still never deleted. (The
-- audit log's trigger is at the end, with the hash chain.)
CREATE TRIGGER payments_no_replace BEFORE INSERT ON payments
WHEN EXISTS (SELECT 1 FROM payments WHERE id = NEW.id)
  OR EXISTS (SELECT 1 FROM payments WHERE method = NEW.method AND provider_txn_id = NEW.provider_txn_id)
BEGIN
  SELECT RAISE (ABORT, 'payments are append-only');
END;

CREATE TRIGGER bills_no_replace BEFORE INSERT ON bills
WHEN EXISTS (SELECT 1 FROM bills WHERE id = NEW.id OR number = NEW.number)
BEGIN
  SELECT RAISE (ABORT, 'bills are voided, never deleted');
END;

-- The audit log becomes a hash chain (src/core/tb-ledger-chain.c): each row carries the hash
-- of the row before it (prev_hash) and its own hash over its fields, prev_hash and, for a row
-- that records a payment, payment_hash, the hash of that payment row. Editing a row, or a
-- payment a row records, or removing a row breaks the chain at that row.
ALTER TABLE audit_log ADD COLUMN payment_id INTEGER REFERENCES payments (id);
ALTER TABLE audit_log ADD COLUMN payment_hash TEXT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

-- The payment each existing settlement or reversal row records, from its detail
-- ("payment=N method=…", "payment=N reversal=M status=…").
DROP TRIGGER audit_log_append_only_update;
UPDATE audit_log SET payment_id = CAST (substr (detail, 9, instr (detail || ' ', ' ') - 9) AS INTEGER)
WHERE action = 'payment.settle' AND detail LIKE 'payment=%';
UPDATE audit_log
SET payment_id = CAST (substr (substr (detail, instr (detail, ' reversal=') + 10), 1,
                               instr (substr (detail, instr (detail, ' reversal=') + 10) || ' ', ' ') - 1)
                       AS INTEGER)
WHERE action = 'payment.reverse' AND instr (detail, ' reversal=') > 0;
UPDATE audit_log SET payment_id = NULL
WHERE payment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = audit_log.payment_id);
UPDATE audit_log SET payment_id = NULL
WHERE payment_id IS NOT NULL AND id <> (SELECT MIN(a.id) FROM audit_log a WHERE a.payment_id = audit_log.payment_id);

-- A payment no audit row records (there should be none) gets one now, so the chain covers
-- every payment.
INSERT INTO audit_log (at_us, actor, action, entity, entity_id, detail, payment_id)
SELECT CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER), 'tulbur', 'payment.adopt',
       'bill', bill_id, 'payment=' || id, id
FROM payments p WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.payment_id = p.id)
ORDER BY id;

-- One audit row per payment.
CREATE UNIQUE INDEX audit_log_payment ON audit_log (payment_id) WHERE payment_id IS NOT NULL;

-- The rows written before the chain get their hashes once, in order, by the migration itself
-- (tb-ledger-chain.c, right after this script); after that no row can change.
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.at_us IS NOT OLD.at_us OR NEW.actor IS NOT OLD.actor
  OR NEW.action IS NOT OLD.action OR NEW.entity IS NOT OLD.entity
  OR NEW.entity_id IS NOT OLD.entity_id OR NEW.detail IS NOT OLD.detail
  OR NEW.payment_id IS NOT OLD.payment_id
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;

-- Every new row arrives chained, and never in the place of an existing one.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.hash IS NULL OR EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
