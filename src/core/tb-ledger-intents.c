/* tb-ledger-intents.c: durable payment intents (DESIGN.md §4)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <openssl/rand.h>
#include <string.h>

#include "tb-ledger-private.h"
#include "tb-money.h"

/* An intent is our half of a provider invoice. Its row, with our sender_invoice_no, is committed
 * before the provider is called; every later step (invoice created, check, cancel, expiry,
 * settlement) updates the same row. So a crash or a timeout at any point leaves a row that tells
 * the next run what to do, and a retry reuses the same number instead of making a second
 * invoice. */

#define INTENT_COLUMNS \
  "i.id, i.bill_id, b.number, i.provider, i.environment, i.amount, i.state, i.sender_invoice_no, " \
  "i.provider_invoice_id, i.qr_text, i.short_url, i.deep_links, i.expires_us, i.check_count, " \
  "i.last_check_us, i.last_error, " \
  "(SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.intent_id = i.id), " \
  "i.created_us, i.updated_us"
#define INTENT_FROM " FROM payment_intents i JOIN bills b ON b.id = i.bill_id"

void
tb_intent_free (TbIntent *intent)
{
  if (intent == NULL)
    return;
  g_free (intent->bill_number);
  g_free (intent->provider);
  g_free (intent->environment);
  g_free (intent->sender_invoice_no);
  g_free (intent->provider_invoice_id);
  g_free (intent->qr_text);
  g_free (intent->short_url);
  g_free (intent->deep_links);
  g_free (intent->last_error);
  g_free (intent);
}

gboolean
tb_intent_is_open (const TbIntent *intent)
{
  g_return_val_if_fail (intent != NULL, FALSE);
  return intent->state == TB_INTENT_NEW || intent->state == TB_INTENT_PENDING;
}

static TbIntent *
read_intent (sqlite3_stmt *stmt)
{
  TbIntent *intent = g_new0 (TbIntent, 1);

  intent->id = sqlite3_column_int64 (stmt, 0);
  intent->bill_id = sqlite3_column_int64 (stmt, 1);
  intent->bill_number = _tb_ledger_column_text (stmt, 2);
  intent->provider = _tb_ledger_column_text (stmt, 3);
  intent->environment = _tb_ledger_column_text (stmt, 4);
  intent->amount = sqlite3_column_int64 (stmt, 5);
  if (!tb_intent_state_from_string ((const char *) sqlite3_column_text (stmt, 6), &intent->state))
    intent->state = TB_INTENT_FAILED;
  intent->sender_invoice_no = _tb_ledger_column_text (stmt, 7);
  intent->provider_invoice_id = _tb_ledger_column_text (stmt, 8);
  intent->qr_text = _tb_ledger_column_text (stmt, 9);
  intent->short_url = _tb_ledger_column_text (stmt, 10);
  intent->deep_links = _tb_ledger_column_text (stmt, 11);
  intent->expires_us = sqlite3_column_int64 (stmt, 12);
  intent->check_count = sqlite3_column_int (stmt, 13);
  intent->last_check_us = sqlite3_column_int64 (stmt, 14);
  intent->last_error = _tb_ledger_column_text (stmt, 15);
  intent->paid = sqlite3_column_int64 (stmt, 16);
  intent->created_us = sqlite3_column_int64 (stmt, 17);
  intent->updated_us = sqlite3_column_int64 (stmt, 18);
  return intent;
}

static TbIntent *
get_intent_locked (TbLedger  *self,
                   gint64     intent_id,
                   GError   **error)
{
  static const char sql[] = "SELECT " INTENT_COLUMNS INTENT_FROM " WHERE i.id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  TbIntent *intent = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, intent_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    intent = read_intent (stmt);
  else if (rc != SQLITE_DONE)
    _tb_ledger_fail (self, error, "get intent");
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                 _("There is no payment request number %" PRId64 "."), intent_id);
  sqlite3_reset (stmt);
  return intent;
}

/* "TB1042X17R9F3A2C1B": letters and digits only (QPay forbids special characters), unique
 * within this ledger because the intent id is, and across installations that share one merchant
 * thanks to the random tail. The caller checks QPay's 45-byte limit. */
static char *
make_sender_invoice_no (const char *bill_number,
                        gint64      intent_id)
{
  guint8 random[4];
  char *number;

  if (RAND_bytes (random, sizeof random) != 1)
    {
      guint32 r = g_random_int ();
      memcpy (random, &r, sizeof random);
    }

  number = g_strdup_printf ("TB%sX%" G_GINT64_FORMAT "R%02X%02X%02X%02X", bill_number, intent_id,
                            random[0], random[1], random[2], random[3]);
  return number;
}

TbIntent *
tb_ledger_create_intent (TbLedger    *self,
                         gint64       bill_id,
                         const char  *provider,
                         const char  *environment,
                         gint64       amount,
                         GError     **error)
{
  static const char bill_sql[] = "SELECT number, status, total, paid FROM bills WHERE id = ?";
  static const char insert_sql[] =
    "INSERT INTO payment_intents (bill_id, provider, environment, amount, state, sender_invoice_no, "
    "created_us, updated_us) VALUES (?1, ?2, ?3, ?4, 'NEW', 'pending-' || ?5, ?5, ?5)";
  static const char number_sql[] =
    "UPDATE payment_intents SET sender_invoice_no = ? WHERE id = ?";
  g_autofree char *bill_number = NULL;
  g_autofree char *sender_no = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  TbBillStatus status = TB_BILL_OPEN;
  gint64 total, paid, intent_id;
  gint64 now = _tb_ledger_now_us ();
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);
  g_return_val_if_fail (provider != NULL && environment != NULL, NULL);

  if (amount <= 0 || amount > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The amount must be more than zero."));
      return NULL;
    }

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return NULL;

  stmt = _tb_ledger_stmt (self, bill_sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, bill_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _tb_ledger_rollback (self);
      if (rc != SQLITE_DONE)
        _tb_ledger_fail (self, error, "intent bill");
      else
        g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                     _("There is no bill number %" PRId64 "."), bill_id);
      return NULL;
    }
  bill_number = _tb_ledger_column_text (stmt, 0);
  tb_bill_status_from_string ((const char *) sqlite3_column_text (stmt, 1), &status);
  total = sqlite3_column_int64 (stmt, 2);
  paid = sqlite3_column_int64 (stmt, 3);
  sqlite3_reset (stmt);

  if (status == TB_BILL_VOID || status == TB_BILL_PAID)
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           status == TB_BILL_VOID ? _("This bill is void: nothing can be paid on it.")
                                                  : _("This bill is already paid."));
      return NULL;
    }
  if (amount > total - paid)
    {
      g_autofree char *due = tb_money_format (MAX (total - paid, 0), "MNT");

      _tb_ledger_rollback (self);
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                   _("The amount is more than the %s still due on this bill."), due);
      return NULL;
    }

  stmt = _tb_ledger_stmt (self, insert_sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, bill_id);
  _tb_ledger_bind_text (stmt, 2, provider);
  _tb_ledger_bind_text (stmt, 3, environment);
  sqlite3_bind_int64 (stmt, 4, amount);
  sqlite3_bind_int64 (stmt, 5, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "create intent");
      _tb_ledger_rollback (self);
      return NULL;
    }
  intent_id = sqlite3_last_insert_rowid (self->db);

  sender_no = make_sender_invoice_no (bill_number, intent_id);
  if (strlen (sender_no) > 45)
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The bill number is too long for a QPay invoice."));
      return NULL;
    }

  stmt = _tb_ledger_stmt (self, number_sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return NULL;
    }
  _tb_ledger_bind_text (stmt, 1, sender_no);
  sqlite3_bind_int64 (stmt, 2, intent_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "intent number");
      _tb_ledger_rollback (self);
      return NULL;
    }

  detail = g_strdup_printf ("intent=%" G_GINT64_FORMAT " provider=%s env=%s amount=%" G_GINT64_FORMAT,
                            intent_id, provider, environment, amount);
  if (!_tb_ledger_audit (self, "intent.create", "bill", bill_id, detail, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return NULL;
    }

  return get_intent_locked (self, intent_id, error);
}

TbIntent *
tb_ledger_get_intent (TbLedger  *self,
                      gint64     intent_id,
                      GError   **error)
{
  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);
  return get_intent_locked (self, intent_id, error);
}

TbIntent *
tb_ledger_find_open_intent (TbLedger    *self,
                            gint64       bill_id,
                            const char  *provider,
                            const char  *environment,
                            gint64       amount,
                            GError     **error)
{
  static const char sql[] =
    "SELECT " INTENT_COLUMNS INTENT_FROM
    " WHERE i.bill_id = ?1 AND i.provider = ?2 AND i.environment = ?3 AND i.state IN ('NEW', 'PENDING')"
    " AND (?4 = 0 OR i.amount = ?4) AND (i.expires_us IS NULL OR i.expires_us = 0 OR i.expires_us > ?5)"
    " ORDER BY i.id DESC LIMIT 1";
  sqlite3_stmt *stmt;
  TbIntent *intent = NULL;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  _tb_ledger_bind_text (stmt, 2, provider);
  _tb_ledger_bind_text (stmt, 3, environment);
  sqlite3_bind_int64 (stmt, 4, amount);
  sqlite3_bind_int64 (stmt, 5, _tb_ledger_now_us ());
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    intent = read_intent (stmt);
  else if (rc != SQLITE_DONE)
    _tb_ledger_fail (self, error, "find intent");
  sqlite3_reset (stmt);
  return intent;
}

static gboolean
update_intent (TbLedger    *self,
               gint64       intent_id,
               const char  *sql,
               const char  *action,
               const char  *detail,
               void       (*bind) (sqlite3_stmt *stmt, gconstpointer data),
               gconstpointer data,
               GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 bill_id = 0;
  g_autoptr(TbIntent) intent = NULL;

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  intent = get_intent_locked (self, intent_id, error);
  if (intent == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  bill_id = intent->bill_id;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  bind (stmt, data);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, action);
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (action != NULL && !_tb_ledger_audit (self, action, "bill", bill_id, detail, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  return _tb_ledger_commit (self, error);
}

typedef struct
{
  gint64      intent_id;
  const char *invoice_id;
  const char *qr_text;
  const char *short_url;
  const char *deep_links;
  gint64      expires_us;
  const char *text;
  const char *state;
} IntentUpdate;

static void
bind_invoice (sqlite3_stmt  *stmt,
              gconstpointer  data)
{
  const IntentUpdate *u = data;

  _tb_ledger_bind_text (stmt, 1, u->invoice_id);
  _tb_ledger_bind_text (stmt, 2, u->qr_text);
  _tb_ledger_bind_text (stmt, 3, u->short_url);
  _tb_ledger_bind_text (stmt, 4, u->deep_links);
  if (u->expires_us > 0)
    sqlite3_bind_int64 (stmt, 5, u->expires_us);
  sqlite3_bind_int64 (stmt, 6, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 7, u->intent_id);
}

gboolean
tb_ledger_intent_set_invoice (TbLedger    *self,
                              gint64       intent_id,
                              const char  *provider_invoice_id,
                              const char  *qr_text,
                              const char  *short_url,
                              const char  *deep_links_json,
                              gint64       expires_us,
                              GError     **error)
{
  /* Only NEW moves to PENDING here; a state reached meanwhile (PAID by a racing check,
   * CANCELLED) keeps its state but still learns the invoice id. */
  static const char sql[] =
    "UPDATE payment_intents SET provider_invoice_id = ?1, qr_text = ?2, short_url = ?3, "
    "deep_links = ?4, expires_us = ?5, last_error = NULL, updated_us = ?6, "
    "state = CASE WHEN state = 'NEW' THEN 'PENDING' ELSE state END WHERE id = ?7";
  IntentUpdate u = { intent_id, provider_invoice_id, qr_text, short_url, deep_links_json, expires_us, NULL, NULL };
  g_autofree char *detail = g_strdup_printf ("intent=%" G_GINT64_FORMAT, intent_id);

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (provider_invoice_id != NULL, FALSE);

  TB_LEDGER_LOCK (self);
  return update_intent (self, intent_id, sql, "intent.invoice", detail, bind_invoice, &u, error);
}

static void
bind_state (sqlite3_stmt  *stmt,
            gconstpointer  data)
{
  const IntentUpdate *u = data;

  _tb_ledger_bind_text (stmt, 1, u->state);
  _tb_ledger_bind_text (stmt, 2, u->text);
  sqlite3_bind_int64 (stmt, 3, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 4, u->intent_id);
}

gboolean
tb_ledger_intent_set_state (TbLedger       *self,
                            gint64          intent_id,
                            TbIntentState   state,
                            const char     *last_error,
                            GError        **error)
{
  static const char sql[] =
    "UPDATE payment_intents SET state = ?1, last_error = COALESCE(?2, last_error), updated_us = ?3 "
    "WHERE id = ?4 AND state <> 'PAID'";
  IntentUpdate u = { intent_id, NULL, NULL, NULL, NULL, 0, last_error, NULL };
  g_autofree char *detail = NULL;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (state == TB_INTENT_FAILED || state == TB_INTENT_CANCELLED ||
                        state == TB_INTENT_EXPIRED || state == TB_INTENT_PENDING, FALSE);

  u.state = tb_intent_state_to_string (state);
  detail = g_strdup_printf ("intent=%" G_GINT64_FORMAT " state=%s", intent_id, u.state);

  TB_LEDGER_LOCK (self);
  return update_intent (self, intent_id, sql, "intent.state", detail, bind_state, &u, error);
}

static void
bind_check (sqlite3_stmt  *stmt,
            gconstpointer  data)
{
  const IntentUpdate *u = data;
  gint64 now = _tb_ledger_now_us ();

  _tb_ledger_bind_text (stmt, 1, u->text);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, u->intent_id);
}

gboolean
tb_ledger_intent_note_check (TbLedger    *self,
                             gint64       intent_id,
                             const char  *last_error,
                             GError     **error)
{
  /* Checks are frequent: no audit row for each, only the counters. */
  static const char sql[] =
    "UPDATE payment_intents SET check_count = check_count + 1, last_check_us = ?2, "
    "last_error = ?1 WHERE id = ?3";
  IntentUpdate u = { intent_id, NULL, NULL, NULL, NULL, 0, last_error, NULL };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  return update_intent (self, intent_id, sql, NULL, NULL, bind_check, &u, error);
}

static GPtrArray *
collect_intents (TbLedger      *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_intent_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, read_intent (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "list intents");
      return NULL;
    }
  return g_steal_pointer (&result);
}

GPtrArray *
tb_ledger_list_intents (TbLedger        *self,
                        TbIntentFilter   filter,
                        gint64           bill_id,
                        guint            limit,
                        GError         **error)
{
  static const char sql[] =
    "SELECT " INTENT_COLUMNS INTENT_FROM
    " WHERE (?1 = 0 OR i.state IN ('NEW', 'PENDING')) AND (?2 = 0 OR i.bill_id = ?2)"
    " ORDER BY i.id DESC LIMIT ?3";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, filter == TB_INTENT_FILTER_OPEN ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, bill_id);
  sqlite3_bind_int64 (stmt, 3, MIN (limit, 10000));
  return collect_intents (self, stmt, error);
}

GPtrArray *
tb_ledger_due_intents (TbLedger  *self,
                       gint64     created_after_us,
                       gint64     checked_before_us,
                       guint      limit,
                       GError   **error)
{
  static const char sql[] =
    "SELECT " INTENT_COLUMNS INTENT_FROM
    " WHERE i.state IN ('NEW', 'PENDING') AND i.created_us > ?1"
    " AND (i.last_check_us IS NULL OR i.last_check_us < ?2)"
    " ORDER BY i.created_us, i.id LIMIT ?3";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, created_after_us);
  sqlite3_bind_int64 (stmt, 2, checked_before_us);
  sqlite3_bind_int64 (stmt, 3, MIN (limit, 1000));
  return collect_intents (self, stmt, error);
}
