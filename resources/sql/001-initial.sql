-- Tulbur ledger, schema version 1 (docs/ledger.md).
-- Money: INTEGER minor units (1/100). Taxes: INTEGER 1/10000 ("_e4"). Times: UTC µs.
-- Personal data (phone, TIN, Ebarimt receiver) is stored sealed (AES-256-GCM, key outside the
-- database) with a keyed hash for exact look-ups; never as plain text.

CREATE TABLE customers (
  id                 INTEGER PRIMARY KEY,
  name               TEXT    NOT NULL CHECK (length(trim(name)) > 0),
  name_key           TEXT    NOT NULL,  -- case-folded name, for prefix search in any script
  phone_sealed       BLOB,
  phone_hash         TEXT,
  register_sealed    BLOB,
  register_hash      TEXT,
  created_us         INTEGER NOT NULL,
  updated_us         INTEGER NOT NULL
) STRICT;
CREATE INDEX customers_name_key ON customers (name_key);
CREATE INDEX customers_phone ON customers (phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX customers_register ON customers (register_hash) WHERE register_hash IS NOT NULL;

CREATE TABLE bills (
  id                 INTEGER PRIMARY KEY,
  number             TEXT    NOT NULL UNIQUE,
  customer_id        INTEGER REFERENCES customers (id),
  currency           TEXT    NOT NULL DEFAULT 'MNT',
  status             TEXT    NOT NULL DEFAULT 'OPEN'
                             CHECK (status IN ('OPEN', 'PARTIAL', 'PAID', 'VOID')),
  total              INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
  vat_e4             INTEGER NOT NULL DEFAULT 0,
  city_tax_e4        INTEGER NOT NULL DEFAULT 0,
  paid               INTEGER NOT NULL DEFAULT 0,
  overpaid           INTEGER NOT NULL DEFAULT 0 CHECK (overpaid IN (0, 1)),
  note               TEXT,
  void_reason        TEXT,
  created_us         INTEGER NOT NULL,
  updated_us         INTEGER NOT NULL
) STRICT;
CREATE INDEX bills_status ON bills (status, id);
CREATE INDEX bills_customer ON bills (customer_id, id);
CREATE INDEX bills_created ON bills (created_us);

-- Bill counts per status, kept by triggers so that the bill list knows its length at once,
-- even with millions of bills.
CREATE TABLE bill_counts (
  status             TEXT    PRIMARY KEY,
  n                  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO bill_counts (status, n) VALUES ('OPEN', 0), ('PARTIAL', 0), ('PAID', 0), ('VOID', 0);

CREATE TRIGGER bills_count_insert AFTER INSERT ON bills
BEGIN
  UPDATE bill_counts SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER bills_count_update AFTER UPDATE OF status ON bills WHEN OLD.status <> NEW.status
BEGIN
  UPDATE bill_counts SET n = n - 1 WHERE status = OLD.status;
  UPDATE bill_counts SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER bills_no_delete BEFORE DELETE ON bills
BEGIN
  SELECT RAISE (ABORT, 'bills are voided, never deleted');
END;

CREATE TABLE bill_lines (
  id                  INTEGER PRIMARY KEY,
  bill_id             INTEGER NOT NULL REFERENCES bills (id),
  position            INTEGER NOT NULL,
  description         TEXT    NOT NULL CHECK (length(description) BETWEEN 1 AND 255),
  quantity_milli      INTEGER NOT NULL CHECK (quantity_milli > 0),
  unit_price          INTEGER NOT NULL CHECK (unit_price >= 0),
  amount              INTEGER NOT NULL CHECK (amount >= 0),
  classification_code TEXT,
  vat                 INTEGER NOT NULL CHECK (vat IN (0, 1)),
  city_tax            INTEGER NOT NULL CHECK (city_tax IN (0, 1)),
  vat_e4              INTEGER NOT NULL,
  city_tax_e4         INTEGER NOT NULL,
  created_us          INTEGER NOT NULL
) STRICT;
CREATE INDEX bill_lines_bill ON bill_lines (bill_id, position);

CREATE TABLE payment_intents (
  id                  INTEGER PRIMARY KEY,
  bill_id             INTEGER NOT NULL REFERENCES bills (id),
  provider            TEXT    NOT NULL CHECK (provider IN ('QPAY', 'KHQR')),
  environment         TEXT    NOT NULL CHECK (environment IN ('sim', 'sandbox', 'live')),
  amount              INTEGER NOT NULL CHECK (amount > 0),
  state               TEXT    NOT NULL DEFAULT 'NEW'
                              CHECK (state IN ('NEW', 'PENDING', 'PAID', 'CANCELLED', 'EXPIRED', 'FAILED')),
  sender_invoice_no   TEXT    NOT NULL UNIQUE,
  provider_invoice_id TEXT,
  qr_text             TEXT,
  short_url           TEXT,
  deep_links          TEXT,
  expires_us          INTEGER,
  check_count         INTEGER NOT NULL DEFAULT 0,
  last_check_us       INTEGER,
  last_error          TEXT,
  raw_json            TEXT,
  created_us          INTEGER NOT NULL,
  updated_us          INTEGER NOT NULL
) STRICT;
CREATE INDEX payment_intents_state ON payment_intents (state, created_us);
CREATE INDEX payment_intents_bill ON payment_intents (bill_id);

-- The ledger. Corrections are new rows (a refund is a negative amount referencing the
-- original); rows are never updated or deleted, which the triggers below enforce.
CREATE TABLE payments (
  id                  INTEGER PRIMARY KEY,
  bill_id             INTEGER NOT NULL REFERENCES bills (id),
  method              TEXT    NOT NULL CHECK (method IN ('CASH', 'CARD', 'QPAY', 'KHQR')),
  amount              INTEGER NOT NULL CHECK (amount <> 0),
  provider_txn_id     TEXT    NOT NULL,
  reference           TEXT,
  intent_id           INTEGER REFERENCES payment_intents (id),
  refund_of           INTEGER REFERENCES payments (id),
  tendered            INTEGER NOT NULL DEFAULT 0,
  created_us          INTEGER NOT NULL,
  UNIQUE (method, provider_txn_id)
) STRICT;
CREATE INDEX payments_bill ON payments (bill_id);
CREATE INDEX payments_created ON payments (created_us);

CREATE TRIGGER payments_append_only_update BEFORE UPDATE ON payments
BEGIN
  SELECT RAISE (ABORT, 'payments are append-only');
END;
CREATE TRIGGER payments_append_only_delete BEFORE DELETE ON payments
BEGIN
  SELECT RAISE (ABORT, 'payments are append-only');
END;

CREATE TABLE receipts (
  id                  INTEGER PRIMARY KEY,
  payment_id          INTEGER NOT NULL UNIQUE REFERENCES payments (id),
  state               TEXT    NOT NULL DEFAULT 'PENDING'
                              CHECK (state IN ('PENDING', 'REGISTERED', 'ERROR', 'SKIPPED', 'CANCELLED')),
  receiver_type       TEXT    CHECK (receiver_type IN ('CITIZEN', 'COMPANY')),
  receiver_sealed     BLOB,
  district_code       TEXT,
  classification_code TEXT,
  receipt_id          TEXT,
  lottery             TEXT,
  qr_data             TEXT,
  attempts            INTEGER NOT NULL DEFAULT 0,
  next_attempt_us     INTEGER,
  last_error_key      TEXT,
  last_error          TEXT,
  created_us          INTEGER NOT NULL,
  updated_us          INTEGER NOT NULL
) STRICT;
CREATE INDEX receipts_state ON receipts (state, next_attempt_us);

CREATE TABLE audit_log (
  id                  INTEGER PRIMARY KEY,
  at_us               INTEGER NOT NULL,
  actor               TEXT    NOT NULL,
  action              TEXT    NOT NULL,
  entity              TEXT    NOT NULL,
  entity_id           INTEGER,
  detail              TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
