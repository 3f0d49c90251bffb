-- Tulbur ledger, schema version 2: Ebarimt receipt details (docs/data-flow.md, issue #6).

-- Per-bill receipt choices, overriding the defaults in Preferences. A citizen's e-receipt phone
-- is personal data: sealed like every other (see 001).
ALTER TABLE bills ADD COLUMN receipt_receiver_type TEXT
  CHECK (receipt_receiver_type IS NULL OR receipt_receiver_type IN ('CITIZEN', 'COMPANY'));
ALTER TABLE bills ADD COLUMN receipt_phone_sealed BLOB;
ALTER TABLE bills ADD COLUMN receipt_district_code TEXT;
ALTER TABLE bills ADD COLUMN receipt_classification_code TEXT;

-- QPay's ebarimt record id; whether the last request's answer was lost (state unknown until
-- looked up); reprints; the receipt's own figures as QPay registered them.
ALTER TABLE receipts ADD COLUMN ebarimt_id TEXT;
ALTER TABLE receipts ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0 CHECK (unknown IN (0, 1));
ALTER TABLE receipts ADD COLUMN copies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE receipts ADD COLUMN registered_us INTEGER;
ALTER TABLE receipts ADD COLUMN amount INTEGER;
ALTER TABLE receipts ADD COLUMN vat_e4 INTEGER;
ALTER TABLE receipts ADD COLUMN city_tax_e4 INTEGER;
ALTER TABLE receipts ADD COLUMN merchant_tin TEXT;
ALTER TABLE receipts ADD COLUMN cancel_note TEXT;
