-- Tulbur ledger, schema version 4: every provider invoice an intent ever got, the short lease
-- that lets one caller at a time ask the provider for an intent's invoice, and reversals.
--
-- Two desks (or the app and the CLI) may both try to create the invoice of one NEW intent. The
-- lease (owner, until) is taken in a write transaction right before the provider is called, so
-- the other caller waits for the result instead of creating a second invoice. Should a second
-- invoice still appear (a lease that ran out while the provider was slow), it is recorded here,
-- never overwritten: the reconciler checks it and cancels it, and a payment on it is recorded.
ALTER TABLE payment_intents ADD COLUMN lease_owner TEXT;
ALTER TABLE payment_intents ADD COLUMN lease_until_us INTEGER NOT NULL DEFAULT 0;

CREATE TABLE intent_invoices (
  id                  INTEGER PRIMARY KEY,
  intent_id           INTEGER NOT NULL REFERENCES payment_intents (id),
  provider_invoice_id TEXT    NOT NULL,
  -- LIVE: may still take money; CANCELLED: the provider confirmed the cancel.
  state               TEXT    NOT NULL DEFAULT 'LIVE' CHECK (state IN ('LIVE', 'CANCELLED')),
  created_us          INTEGER NOT NULL,
  updated_us          INTEGER NOT NULL,
  UNIQUE (intent_id, provider_invoice_id)
) STRICT;
CREATE INDEX intent_invoices_live ON intent_invoices (state, intent_id);

INSERT INTO intent_invoices (intent_id, provider_invoice_id, state, created_us, updated_us)
  SELECT id, provider_invoice_id,
         CASE WHEN state IN ('CANCELLED', 'EXPIRED', 'FAILED') THEN 'CANCELLED' ELSE 'LIVE' END,
         created_us, updated_us
  FROM payment_intents WHERE provider_invoice_id IS NOT NULL;

-- The reconciler's pass: due intents of one provider and environment, by last check.
CREATE INDEX payment_intents_due ON payment_intents (provider, environment, state, created_us);
