-- Tulbur ledger, schema version 5: the check of the personal-data key.
--
-- The key that seals phones, register numbers and receivers lives in <db>.key, never here. This
-- row holds only its fingerprint (HMAC-SHA-256 of a fixed label under the key), written the
-- first time the ledger is opened with a key: from then on a missing key file or another
-- ledger's key makes the ledger refuse to open instead of sealing new data under a new key
-- (docs/ledger.md, "Sealed personal data").
CREATE TABLE ledger_key (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint  TEXT NOT NULL CHECK (length (fingerprint) = 64)
);
