/* tb-ledger-chain.c: the audit log as a hash chain (docs/ledger.md, "The hash chain")
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <openssl/evp.h>

#include "tb-ledger-private.h"

/* Each audit row's hash is SHA-256 over a canonical encoding of: a version tag, the previous
 * row's hash (GENESIS for the first row), and the row's own fields id, at_us, actor, action,
 * entity, entity_id, detail, payment_id and payment_hash. payment_hash is SHA-256 over the
 * encoding of the payment row the audit row records (every column of payments). Values are
 * encoded by type, each length-prefixed, so no two different rows share an encoding. */
#define GENESIS      "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_TAG    "tulbur.audit.v1"
#define PAYMENT_TAG  "tulbur.payment.v1"

/* The payment columns hashed, in order (p = payments). */
#define PAYMENT_COLUMNS \
  "p.id, p.bill_id, p.method, p.amount, p.provider_txn_id, p.reference, p.intent_id, " \
  "p.refund_of, p.tendered, p.created_us"
#define N_PAYMENT_COLUMNS 10
/* The audit columns hashed, in order (a = audit_log), then prev_hash and hash. */
#define AUDIT_COLUMNS \
  "a.id, a.at_us, a.actor, a.action, a.entity, a.entity_id, a.detail, a.payment_id, " \
  "a.payment_hash"
#define N_AUDIT_COLUMNS 9

static void
put_null (GByteArray *out)
{
  g_byte_array_append (out, (const guint8 *) "N", 1);
}

static void
put_int (GByteArray *out,
         gint64      value)
{
  guint64 be = GUINT64_TO_BE ((guint64) value);

  g_byte_array_append (out, (const guint8 *) "I", 1);
  g_byte_array_append (out, (const guint8 *) &be, sizeof be);
}

static void
put_bytes (GByteArray   *out,
           char          tag,
           const guint8 *data,
           gsize         len)
{
  guint32 be = GUINT32_TO_BE ((guint32) len);

  g_byte_array_append (out, (const guint8 *) &tag, 1);
  g_byte_array_append (out, (const guint8 *) &be, sizeof be);
  g_byte_array_append (out, data, (guint) len);
}

static void
put_text (GByteArray *out,
          const char *text)
{
  if (text == NULL)
    put_null (out);
  else
    put_bytes (out, 'T', (const guint8 *) text, strlen (text));
}

/* An id or entity id, where 0 means none (NULL in the table). */
static void
put_id (GByteArray *out,
        gint64      id)
{
  if (id > 0)
    put_int (out, id);
  else
    put_null (out);
}

/* A column exactly as stored, so that verifying sees any change of value or type. */
static void
put_column (GByteArray   *out,
            sqlite3_stmt *stmt,
            int           column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      put_null (out);
      break;
    case SQLITE_INTEGER:
      put_int (out, sqlite3_column_int64 (stmt, column));
      break;
    case SQLITE_TEXT:
      put_bytes (out, 'T', sqlite3_column_text (stmt, column), (gsize) sqlite3_column_bytes (stmt, column));
      break;
    default:
      put_bytes (out, 'B', sqlite3_column_blob (stmt, column), (gsize) sqlite3_column_bytes (stmt, column));
      break;
    }
}

static char *
sha256_hex (GByteArray *data)
{
  static const char digits[] = "0123456789abcdef";
  guint8 md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  char *hex;

  if (EVP_Digest (data->data, data->len, md, &len, EVP_sha256 (), NULL) != 1)
    g_error ("SHA-256 is not available");

  hex = g_malloc (len * 2 + 1);
  for (unsigned int i = 0; i < len; i++)
    {
      hex[2 * i] = digits[md[i] >> 4];
      hex[2 * i + 1] = digits[md[i] & 0xf];
    }
  hex[len * 2] = '\0';
  return hex;
}

/* The hash of the payment row whose PAYMENT_COLUMNS start at @first. */
static char *
payment_hash_at (sqlite3_stmt *stmt,
                 int           first)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();

  put_text (data, PAYMENT_TAG);
  for (int i = 0; i < N_PAYMENT_COLUMNS; i++)
    put_column (data, stmt, first + i);
  return sha256_hex (data);
}

/* The hash of the audit row whose AUDIT_COLUMNS start at column 0 of @stmt, with
 * @payment_hash for its last column (the stored one when verifying, the computed one when the
 * migration fills it in). */
static char *
audit_hash_at (const char   *prev_hash,
               sqlite3_stmt *stmt,
               const char   *payment_hash)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();

  put_text (data, AUDIT_TAG);
  put_text (data, prev_hash);
  for (int i = 0; i < N_AUDIT_COLUMNS - 1; i++)
    put_column (data, stmt, i);
  put_text (data, payment_hash);
  return sha256_hex (data);
}

typedef struct
{
  gint64      id;
  gint64      at_us;
  const char *actor;
  const char *action;
  const char *entity;
  gint64      entity_id;      /* 0 = none */
  const char *detail;
  gint64      payment_id;     /* 0 = none */
  const char *payment_hash;
} ChainRow;

/* The same encoding as audit_hash_at, from the values about to be inserted. */
static char *
audit_hash_of (const char     *prev_hash,
               const ChainRow *row)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();

  put_text (data, AUDIT_TAG);
  put_text (data, prev_hash);
  put_int (data, row->id);
  put_int (data, row->at_us);
  put_text (data, row->actor);
  put_text (data, row->action);
  put_text (data, row->entity);
  put_id (data, row->entity_id);
  put_text (data, row->detail);
  put_id (data, row->payment_id);
  put_text (data, row->payment_hash);
  return sha256_hex (data);
}

/* ---- writing (with the write lock held, inside the write transaction) ---- */

/* The last row's id and hash (0 and GENESIS for an empty log). */
static gboolean
read_head (TbLedger      *self,
           TbLedgerConn   conn,
           gint64        *out_id,
           char         **out_hash,
           GError       **error)
{
  static const char sql[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
  sqlite3_stmt *stmt = _tb_ledger_conn_stmt (self, conn, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  *out_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  *out_hash = rc == SQLITE_ROW ? _tb_ledger_column_text (stmt, 1) : g_strdup (GENESIS);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tb_ledger_conn_fail (self, conn, error, "audit head");
  return TRUE;
}

static gboolean
hash_payment (TbLedger  *self,
              gint64     payment_id,
              char     **out_hash,
              GError   **error)
{
  static const char sql[] = "SELECT " PAYMENT_COLUMNS " FROM payments p WHERE p.id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, payment_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, "audit payment");
    }
  *out_hash = payment_hash_at (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_tb_ledger_audit_chained (TbLedger    *self,
                          const char  *action,
                          const char  *entity,
                          gint64       entity_id,
                          const char  *detail,
                          gint64       payment_id,
                          GError     **error)
{
  static const char sql[] =
    "INSERT INTO audit_log (id, at_us, actor, action, entity, entity_id, detail, payment_id, "
    "payment_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  g_autofree char *prev_hash = NULL;
  g_autofree char *payment_hash = NULL;
  g_autofree char *hash = NULL;
  ChainRow row = { 0, _tb_ledger_now_us (), self->actor, action, entity, entity_id, detail, payment_id, NULL };
  sqlite3_stmt *stmt;

  if (!read_head (self, TB_LEDGER_WRITER, &row.id, &prev_hash, error) ||
      (payment_id > 0 && !hash_payment (self, payment_id, &payment_hash, error)))
    return FALSE;

  row.id++;
  row.payment_hash = payment_hash;
  hash = audit_hash_of (prev_hash, &row);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row.id);
  sqlite3_bind_int64 (stmt, 2, row.at_us);
  _tb_ledger_bind_text (stmt, 3, row.actor);
  _tb_ledger_bind_text (stmt, 4, action);
  _tb_ledger_bind_text (stmt, 5, entity);
  if (entity_id > 0)
    sqlite3_bind_int64 (stmt, 6, entity_id);
  _tb_ledger_bind_text (stmt, 7, detail);
  if (payment_id > 0)
    sqlite3_bind_int64 (stmt, 8, payment_id);
  _tb_ledger_bind_text (stmt, 9, payment_hash);
  _tb_ledger_bind_text (stmt, 10, prev_hash);
  _tb_ledger_bind_text (stmt, 11, hash);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "audit");
  return TRUE;
}

/* ---- the migration that starts the chain ---- */

#define CHAIN_SELECT \
  "SELECT " AUDIT_COLUMNS ", a.prev_hash, a.hash, " PAYMENT_COLUMNS \
  " FROM audit_log a LEFT JOIN payments p ON p.id = a.payment_id"

/* Writes the chain columns of the row @next is on (CHAIN_SELECT), linked to *@inout_prev, and
 * sets *@inout_prev to its hash. A row that has a hash already is followed, not rewritten. */
static gboolean
backfill_row (TbLedger      *self,
              sqlite3_stmt  *next,
              char         **inout_prev,
              GError       **error)
{
  static const char sql[] =
    "UPDATE audit_log SET payment_hash = ?, prev_hash = ?, hash = ? WHERE id = ?";
  g_autofree char *payment_hash = NULL;
  g_autofree char *hash = _tb_ledger_column_text (next, N_AUDIT_COLUMNS + 1);
  gint64 id = sqlite3_column_int64 (next, 0);
  sqlite3_stmt *update;

  if (hash == NULL)
    {
      if (sqlite3_column_type (next, 7) != SQLITE_NULL)
        payment_hash = payment_hash_at (next, N_AUDIT_COLUMNS + 2);
      hash = audit_hash_at (*inout_prev, next, payment_hash);
      sqlite3_reset (next);

      update = _tb_ledger_stmt (self, sql, error);
      if (update == NULL)
        return FALSE;
      _tb_ledger_bind_text (update, 1, payment_hash);
      _tb_ledger_bind_text (update, 2, *inout_prev);
      _tb_ledger_bind_text (update, 3, hash);
      sqlite3_bind_int64 (update, 4, id);
      if (sqlite3_step (update) != SQLITE_DONE)
        return _tb_ledger_fail (self, error, "audit backfill");
    }
  sqlite3_reset (next);
  g_free (*inout_prev);
  *inout_prev = g_steal_pointer (&hash);
  return TRUE;
}

/* Fills prev_hash, payment_hash and hash of the rows written before the chain, in id order.
 * Runs in the migration's transaction, right after 006-book.sql added the columns. One row at
 * a time by id, so no statement reads the table while it is updated. */
gboolean
_tb_ledger_chain_backfill (TbLedger  *self,
                           GError   **error)
{
  static const char sql[] = CHAIN_SELECT " WHERE a.id > ? ORDER BY a.id LIMIT 1";
  g_autofree char *prev_hash = g_strdup (GENESIS);
  gint64 last_id = 0;

  for (;;)
    {
      sqlite3_stmt *next = _tb_ledger_stmt (self, sql, error);
      int rc;

      if (next == NULL)
        return FALSE;
      sqlite3_bind_int64 (next, 1, last_id);
      rc = sqlite3_step (next);
      if (rc == SQLITE_DONE)
        return TRUE;
      if (rc != SQLITE_ROW)
        return _tb_ledger_fail (self, error, "audit backfill");
      last_id = sqlite3_column_int64 (next, 0);
      if (!backfill_row (self, next, &prev_hash, error))
        return FALSE;
    }
}

/* ---- reading ---- */

gboolean
tb_ledger_audit_head (TbLedger  *self,
                      gint64    *out_id,
                      char     **out_hash,
                      GError   **error)
{
  g_autofree char *hash = NULL;
  gint64 id = 0;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_READ_LOCK (self);

  if (!read_head (self, TB_LEDGER_READER, &id, &hash, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  if (out_hash != NULL)
    *out_hash = g_steal_pointer (&hash);
  return TRUE;
}

void
tb_audit_check_clear (TbAuditCheck *check)
{
  g_clear_pointer (&check->head_hash, g_free);
  g_clear_pointer (&check->problem, g_free);
}

static void
set_broken (TbAuditCheck *check,
            const char   *table,
            gint64        id,
            char         *problem)
{
  check->intact = FALSE;
  check->broken_table = table;
  check->broken_id = id;
  check->problem = problem;
}

/* What does not match in the audit row at the current position of @stmt (CHAIN_SELECT), or
 * NULL when it is sound; *@inout_prev becomes its hash. */
static char *
check_row (sqlite3_stmt  *stmt,
           gint64         prev_id,
           char         **inout_prev)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);
  const char *payment_hash = (const char *) sqlite3_column_text (stmt, N_AUDIT_COLUMNS - 1);
  const char *prev_hash = (const char *) sqlite3_column_text (stmt, N_AUDIT_COLUMNS);
  const char *hash = (const char *) sqlite3_column_text (stmt, N_AUDIT_COLUMNS + 1);
  g_autofree char *computed = NULL;
  gint64 payment_id = sqlite3_column_int64 (stmt, 7);

  if (g_strcmp0 (prev_hash, *inout_prev) != 0)
    {
      if (id != prev_id + 1)
        return g_strdup_printf (_("It does not follow row %" PRId64 ": the rows between "
                                  "them were removed."), prev_id);
      return g_strdup_printf (_("Its link to row %" PRId64 " does not match: that row "
                                "was changed, or a row was removed."), prev_id);
    }

  computed = audit_hash_at (prev_hash, stmt, payment_hash);
  if (g_strcmp0 (hash, computed) != 0)
    return g_strdup (_("Its contents do not match its hash: the row was changed."));

  if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
    {
      g_autofree char *payment_computed = NULL;

      if (sqlite3_column_type (stmt, N_AUDIT_COLUMNS + 2) == SQLITE_NULL)
        return g_strdup_printf (_("The payment it records (%" PRId64 ") is missing."),
                                payment_id);
      payment_computed = payment_hash_at (stmt, N_AUDIT_COLUMNS + 2);
      if (g_strcmp0 (payment_hash, payment_computed) != 0)
        return g_strdup_printf (_("The payment it records (%" PRId64 ") was changed."),
                                payment_id);
    }

  g_free (*inout_prev);
  *inout_prev = g_strdup (hash);
  return NULL;
}

/* The first payment no audit row records, or 0. */
static gboolean
find_unrecorded_payment (TbLedger  *self,
                         gint64    *out_id,
                         GError   **error)
{
  static const char sql[] =
    "SELECT p.id FROM payments p WHERE NOT EXISTS "
    "(SELECT 1 FROM audit_log a WHERE a.payment_id = p.id) ORDER BY p.id LIMIT 1";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  *out_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tb_ledger_read_fail (self, error, "audit verify");
  return TRUE;
}

static gboolean
walk_chain (TbLedger      *self,
            TbAuditCheck  *check,
            GError       **error)
{
  static const char sql[] = CHAIN_SELECT " ORDER BY a.id";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, error);
  g_autofree char *prev = g_strdup (GENESIS);
  gint64 prev_id = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      char *problem = check_row (stmt, prev_id, &prev);

      if (problem != NULL)
        {
          set_broken (check, "audit_log", id, problem);
          break;
        }
      check->rows++;
      prev_id = id;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tb_ledger_read_fail (self, error, "audit verify");

  check->head_id = prev_id;
  check->head_hash = prev_id > 0 ? g_steal_pointer (&prev) : NULL;
  return TRUE;
}

gboolean
tb_ledger_audit_verify (TbLedger      *self,
                        TbAuditCheck  *out_check,
                        GError       **error)
{
  TbAuditCheck check = { TRUE, 0 };
  gint64 unrecorded = 0;
  gboolean ok;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (out_check != NULL, FALSE);

  TB_LEDGER_READ_LOCK (self);

  /* One snapshot: rows committed meanwhile by another desk are not half seen. */
  if (!_tb_ledger_read_begin (self, error))
    return FALSE;
  ok = walk_chain (self, &check, error) &&
       (!check.intact || find_unrecorded_payment (self, &unrecorded, error));
  _tb_ledger_read_end (self);
  if (!ok)
    {
      tb_audit_check_clear (&check);
      return FALSE;
    }

  if (unrecorded > 0)
    set_broken (&check, "payments", unrecorded,
                g_strdup (_("No audit row records this payment: it was added outside Tulbur.")));
  *out_check = check;
  return TRUE;
}
