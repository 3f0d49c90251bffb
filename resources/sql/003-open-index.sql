-- Tulbur ledger, schema version 3: the "Open" filter (OPEN or PARTIAL) as one indexed value,
-- so that its pages are an index range read newest first, even with millions of bills.
ALTER TABLE bills ADD COLUMN is_open INTEGER
  GENERATED ALWAYS AS (status IN ('OPEN', 'PARTIAL')) VIRTUAL;
CREATE INDEX bills_open ON bills (is_open, id);
