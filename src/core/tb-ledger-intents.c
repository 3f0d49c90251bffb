/* tb-ledger-intents.c: durable payment intents (docs/payment-intents.md)
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
  "i.created_us, i.updated_us, " \
  "(SELECT COALESCE(-SUM(p.amount), 0) FROM payments p WHERE p.intent_id = i.id AND p.amount < 0), " \
  "(SELECT COUNT(*) FROM intent_invoices v WHERE v.intent_id = i.id AND v.state = 'LIVE' " \
  "   AND v.provider_invoice_id IS NOT i.provider_invoice_id), " \
  "i.lease_owner, i.lease_until_us"
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
  g_free (intent->lease_owner);
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
  intent->reversed = sqlite3_column_int64 (stmt, 19);
  intent->extra_invoices = (guint) sqlite3_column_int (stmt, 20);
  intent->lease_owner = _tb_ledger_column_text (stmt, 21);
  intent->lease_until_us = sqlite3_column_int64 (stmt, 22);
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

static GPtrArray *collect_intents (TbLedger *self, sqlite3_stmt *stmt, GError **error);

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

typedef struct
{
  char         *number;
  TbBillStatus  status;
  gint64        total;
  gint64        paid;
} IntentBill;

static gboolean
read_intent_bill (TbLedger    *self,
                  gint64       bill_id,
                  IntentBill  *bill,
                  GError     **error)
{
  static const char sql[] = "SELECT number, status, total, paid FROM bills WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, bill_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _tb_ledger_fail (self, error, "intent bill");
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                   _("There is no bill number %" PRId64 "."), bill_id);
      return FALSE;
    }
  bill->number = _tb_ledger_column_text (stmt, 0);
  bill->status = TB_BILL_OPEN;
  tb_bill_status_from_string ((const char *) sqlite3_column_text (stmt, 1), &bill->status);
  bill->total = sqlite3_column_int64 (stmt, 2);
  bill->paid = sqlite3_column_int64 (stmt, 3);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
check_intent_amount (const IntentBill  *bill,
                     gint64             amount,
                     GError           **error)
{
  if (bill->status == TB_BILL_VOID || bill->status == TB_BILL_PAID)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           bill->status == TB_BILL_VOID ? _("This bill is void: nothing can be paid on it.")
                                                        : _("This bill is already paid."));
      return FALSE;
    }
  if (amount > bill->total - bill->paid)
    {
      g_autofree char *due = tb_money_format (MAX (bill->total - bill->paid, 0), "MNT");

      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                   _("The amount is more than the %s still due on this bill."), due);
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_done (TbLedger      *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, what);
  return TRUE;
}

/* Inside a transaction: the NEW row, then its number (which holds the row id). */
static gint64
insert_intent_locked (TbLedger    *self,
                      gint64       bill_id,
                      const char  *bill_number,
                      const char  *provider,
                      const char  *environment,
                      gint64       amount,
                      GError     **error)
{
  static const char insert_sql[] =
    "INSERT INTO payment_intents (bill_id, provider, environment, amount, state, sender_invoice_no, "
    "created_us, updated_us) VALUES (?1, ?2, ?3, ?4, 'NEW', 'pending-' || ?5, ?5, ?5)";
  static const char number_sql[] =
    "UPDATE payment_intents SET sender_invoice_no = ? WHERE id = ?";
  g_autofree char *sender_no = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  gint64 intent_id;

  stmt = _tb_ledger_stmt (self, insert_sql, error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, bill_id);
  _tb_ledger_bind_text (stmt, 2, provider);
  _tb_ledger_bind_text (stmt, 3, environment);
  sqlite3_bind_int64 (stmt, 4, amount);
  sqlite3_bind_int64 (stmt, 5, _tb_ledger_now_us ());
  if (!step_done (self, stmt, "create intent", error))
    return 0;
  intent_id = sqlite3_last_insert_rowid (self->db);

  sender_no = make_sender_invoice_no (bill_number, intent_id);
  if (strlen (sender_no) > 45)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The bill number is too long for a QPay invoice."));
      return 0;
    }

  stmt = _tb_ledger_stmt (self, number_sql, error);
  if (stmt == NULL)
    return 0;
  _tb_ledger_bind_text (stmt, 1, sender_no);
  sqlite3_bind_int64 (stmt, 2, intent_id);
  if (!step_done (self, stmt, "intent number", error))
    return 0;

  detail = g_strdup_printf ("intent=%" G_GINT64_FORMAT " provider=%s env=%s amount=%" G_GINT64_FORMAT,
                            intent_id, provider, environment, amount);
  if (!_tb_ledger_audit (self, "intent.create", "bill", bill_id, detail, error))
    return 0;
  return intent_id;
}

static gint64
create_intent_locked (TbLedger    *self,
                      gint64       bill_id,
                      const char  *provider,
                      const char  *environment,
                      gint64       amount,
                      GError     **error)
{
  IntentBill bill = { 0 };
  gint64 intent_id = 0;

  if (read_intent_bill (self, bill_id, &bill, error) &&
      check_intent_amount (&bill, amount, error))
    intent_id = insert_intent_locked (self, bill_id, bill.number, provider, environment, amount, error);
  g_free (bill.number);
  return intent_id;
}

static gboolean
check_create_args (gint64    amount,
                   GError  **error)
{
  if (amount <= 0 || amount > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The amount must be more than zero."));
      return FALSE;
    }
  return TRUE;
}

TbIntent *
tb_ledger_create_intent (TbLedger    *self,
                         gint64       bill_id,
                         const char  *provider,
                         const char  *environment,
                         gint64       amount,
                         GError     **error)
{
  gint64 intent_id;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);
  g_return_val_if_fail (provider != NULL && environment != NULL, NULL);

  if (!check_create_args (amount, error))
    return NULL;

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return NULL;
  intent_id = create_intent_locked (self, bill_id, provider, environment, amount, error);
  if (intent_id == 0 || !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return NULL;
    }
  return get_intent_locked (self, intent_id, error);
}

/* Inside the transaction: the bill's open intents, newest first. */
static GPtrArray *
open_intents_locked (TbLedger  *self,
                     gint64     bill_id,
                     GError   **error)
{
  static const char sql[] =
    "SELECT " INTENT_COLUMNS INTENT_FROM
    " WHERE i.bill_id = ?1 AND i.state IN ('NEW', 'PENDING') ORDER BY i.id DESC";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, bill_id);
  return collect_intents (self, stmt, error);
}

static gboolean
intent_reusable (const TbIntent *intent,
                 const char     *provider,
                 const char     *environment,
                 gint64          amount,
                 gint64          usable_until_us)
{
  if (g_strcmp0 (intent->provider, provider) != 0 ||
      g_strcmp0 (intent->environment, environment) != 0 || intent->amount != amount)
    return FALSE;
  if (intent->state == TB_INTENT_NEW)
    return TRUE;
  return intent->qr_text != NULL && (intent->expires_us == 0 || intent->expires_us > usable_until_us);
}

TbIntent *
tb_ledger_open_intent (TbLedger     *self,
                       gint64        bill_id,
                       const char   *provider,
                       const char   *environment,
                       gint64        amount,
                       gint64        usable_until_us,
                       GArray      **out_to_cancel,
                       GError      **error)
{
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GArray) to_cancel = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 intent_id = 0;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);
  g_return_val_if_fail (provider != NULL && environment != NULL, NULL);
  g_return_val_if_fail (out_to_cancel != NULL && *out_to_cancel == NULL, NULL);

  if (!check_create_args (amount, error))
    return NULL;

  TB_LEDGER_LOCK (self);

  /* A write transaction even when it only reads: the decision and the insert see one state of
   * the file, and a second desk waits for this one to commit before deciding. */
  if (!_tb_ledger_begin (self, error))
    return NULL;
  open = open_intents_locked (self, bill_id, error);
  if (open == NULL)
    {
      _tb_ledger_rollback (self);
      return NULL;
    }

  for (guint i = 0; i < open->len && intent_id == 0; i++)
    if (intent_reusable (open->pdata[i], provider, environment, amount, usable_until_us))
      intent_id = ((TbIntent *) open->pdata[i])->id;

  if (intent_id == 0 && open->len > 0)
    {
      for (guint i = 0; i < open->len; i++)
        g_array_append_val (to_cancel, ((TbIntent *) open->pdata[i])->id);
      _tb_ledger_rollback (self);
      *out_to_cancel = g_steal_pointer (&to_cancel);
      return NULL;
    }

  if (intent_id == 0)
    intent_id = create_intent_locked (self, bill_id, provider, environment, amount, error);
  if (intent_id == 0 || !_tb_ledger_commit (self, error))
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

/* Inside a transaction: NEW → PENDING with the first invoice, or the invoice kept as an extra
 * one when the intent already has another. */
static gboolean
add_invoice_locked (TbLedger        *self,
                    const TbIntent  *intent,
                    const IntentUpdate *u,
                    gboolean        *out_extra,
                    GError         **error)
{
  /* Only NEW moves to PENDING here; a state reached meanwhile (PAID by a racing check,
   * CANCELLED) keeps its state but still learns the invoice id. */
  static const char own_sql[] =
    "UPDATE payment_intents SET provider_invoice_id = ?1, qr_text = ?2, short_url = ?3, "
    "deep_links = ?4, expires_us = ?5, last_error = NULL, updated_us = ?6, lease_owner = NULL, "
    "lease_until_us = 0, state = CASE WHEN state = 'NEW' THEN 'PENDING' ELSE state END WHERE id = ?7";
  static const char lease_sql[] =
    "UPDATE payment_intents SET lease_owner = NULL, lease_until_us = 0 WHERE id = ?";
  static const char record_sql[] =
    "INSERT INTO intent_invoices (intent_id, provider_invoice_id, created_us, updated_us) "
    "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (intent_id, provider_invoice_id) DO NOTHING";
  /* An invoice that arrives for an intent closed meanwhile (cancelled while another desk was
   * creating it) is extra too: it must be cancelled, not shown. */
  gboolean extra = (intent->provider_invoice_id != NULL &&
                    g_strcmp0 (intent->provider_invoice_id, u->invoice_id) != 0) ||
                   (intent->provider_invoice_id == NULL && !tb_intent_is_open (intent));
  sqlite3_stmt *stmt;

  stmt = _tb_ledger_stmt (self, record_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, intent->id);
  _tb_ledger_bind_text (stmt, 2, u->invoice_id);
  sqlite3_bind_int64 (stmt, 3, _tb_ledger_now_us ());
  if (!step_done (self, stmt, "record invoice", error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, extra ? lease_sql : own_sql, error);
  if (stmt == NULL)
    return FALSE;
  if (extra)
    sqlite3_bind_int64 (stmt, 1, intent->id);
  else
    bind_invoice (stmt, u);
  if (!step_done (self, stmt, "intent invoice", error))
    return FALSE;

  *out_extra = extra;
  return TRUE;
}

gboolean
tb_ledger_intent_add_invoice (TbLedger    *self,
                              gint64       intent_id,
                              const char  *provider_invoice_id,
                              const char  *qr_text,
                              const char  *short_url,
                              const char  *deep_links_json,
                              gint64       expires_us,
                              gboolean    *out_extra,
                              GError     **error)
{
  IntentUpdate u = { intent_id, provider_invoice_id, qr_text, short_url, deep_links_json, expires_us, NULL, NULL };
  g_autoptr(TbIntent) intent = NULL;
  g_autofree char *detail = NULL;
  gboolean extra = FALSE;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (provider_invoice_id != NULL, FALSE);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;
  intent = get_intent_locked (self, intent_id, error);
  if (intent == NULL || !add_invoice_locked (self, intent, &u, &extra, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  detail = g_strdup_printf ("intent=%" G_GINT64_FORMAT "%s", intent_id, extra ? " extra" : "");
  if (!_tb_ledger_audit (self, extra ? "intent.invoice-extra" : "intent.invoice", "bill",
                         intent->bill_id, detail, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  if (out_extra != NULL)
    *out_extra = extra;
  return TRUE;
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
  return tb_ledger_intent_add_invoice (self, intent_id, provider_invoice_id, qr_text, short_url,
                                       deep_links_json, expires_us, NULL, error);
}

TbIntent *
tb_ledger_intent_claim_create (TbLedger    *self,
                               gint64       intent_id,
                               const char  *owner,
                               const char  *stale_owner,
                               gint64       now_us,
                               gint64       lease_until_us,
                               gboolean    *out_claimed,
                               GError     **error)
{
  static const char sql[] =
    "UPDATE payment_intents SET lease_owner = ?1, lease_until_us = ?2 "
    "WHERE id = ?3 AND state = 'NEW' AND provider_invoice_id IS NULL "
    "AND (lease_owner IS NULL OR lease_owner = ?1 OR lease_until_us <= ?4 OR lease_owner = ?5)";
  sqlite3_stmt *stmt;
  gboolean claimed;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);
  g_return_val_if_fail (owner != NULL && out_claimed != NULL, NULL);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return NULL;
  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return NULL;
    }
  _tb_ledger_bind_text (stmt, 1, owner);
  sqlite3_bind_int64 (stmt, 2, lease_until_us);
  sqlite3_bind_int64 (stmt, 3, intent_id);
  sqlite3_bind_int64 (stmt, 4, now_us);
  _tb_ledger_bind_text (stmt, 5, stale_owner);
  if (!step_done (self, stmt, "claim intent", error))
    {
      _tb_ledger_rollback (self);
      return NULL;
    }
  claimed = sqlite3_changes (self->db) > 0;
  if (!_tb_ledger_commit (self, error))
    return NULL;
  *out_claimed = claimed;
  return get_intent_locked (self, intent_id, error);
}

gboolean
tb_ledger_intent_release_lease (TbLedger    *self,
                                gint64       intent_id,
                                const char  *owner,
                                GError     **error)
{
  static const char sql[] =
    "UPDATE payment_intents SET lease_owner = NULL, lease_until_us = 0 WHERE id = ? AND lease_owner = ?";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, intent_id);
  _tb_ledger_bind_text (stmt, 2, owner);
  return step_done (self, stmt, "release intent", error);
}

GPtrArray *
tb_ledger_intent_live_invoices (TbLedger  *self,
                                gint64     intent_id,
                                GError   **error)
{
  static const char sql[] =
    "SELECT i.provider_invoice_id FROM payment_intents i WHERE i.id = ?1 "
    "  AND i.provider_invoice_id IS NOT NULL AND i.state <> 'FAILED' "
    "UNION ALL "
    "SELECT v.provider_invoice_id FROM intent_invoices v JOIN payment_intents i ON i.id = v.intent_id "
    "WHERE v.intent_id = ?1 AND v.state = 'LIVE' AND v.provider_invoice_id IS NOT i.provider_invoice_id";
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);
  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, intent_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, _tb_ledger_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "live invoices");
      return NULL;
    }
  return g_steal_pointer (&result);
}

gboolean
tb_ledger_intent_invoice_cancelled (TbLedger    *self,
                                    gint64       intent_id,
                                    const char  *provider_invoice_id,
                                    GError     **error)
{
  static const char sql[] =
    "UPDATE intent_invoices SET state = 'CANCELLED', updated_us = ?1 "
    "WHERE intent_id = ?2 AND provider_invoice_id = ?3";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 2, intent_id);
  _tb_ledger_bind_text (stmt, 3, provider_invoice_id);
  return step_done (self, stmt, "invoice cancelled", error);
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
tb_ledger_due_intents (TbLedger    *self,
                       const char  *provider,
                       const char  *environment,
                       gint64       created_after_us,
                       gint64       open_checked_before_us,
                       gint64       closed_checked_before_us,
                       guint        limit,
                       GError     **error)
{
  /* Closed intents stay due while an invoice of theirs may still take money: PAID (a second
   * payment on the same QR), an extra invoice not confirmed cancelled, or closed after the
   * cancel but without a check since (the final check failed). Open ones come first, so that
   * many paid QRs never crowd out one still on a screen. */
  static const char sql[] =
    "SELECT " INTENT_COLUMNS INTENT_FROM
    " WHERE i.provider = ?1 AND i.environment = ?2 AND i.created_us > ?3 AND ("
    "  (i.state IN ('NEW', 'PENDING') AND COALESCE(i.last_check_us, 0) < ?4)"
    "  OR (i.state IN ('PAID', 'CANCELLED', 'EXPIRED') AND COALESCE(i.last_check_us, 0) < ?5 AND ("
    "     i.state = 'PAID'"
    "     OR (i.provider_invoice_id IS NOT NULL AND COALESCE(i.last_check_us, 0) < i.updated_us)"
    "     OR EXISTS (SELECT 1 FROM intent_invoices v WHERE v.intent_id = i.id AND v.state = 'LIVE'"
    "                AND v.provider_invoice_id IS NOT i.provider_invoice_id))))"
    " ORDER BY i.state IN ('NEW', 'PENDING') DESC, COALESCE(i.last_check_us, 0), i.created_us, i.id"
    " LIMIT ?6";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);
  g_return_val_if_fail (provider != NULL && environment != NULL, NULL);

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  _tb_ledger_bind_text (stmt, 1, provider);
  _tb_ledger_bind_text (stmt, 2, environment);
  sqlite3_bind_int64 (stmt, 3, created_after_us);
  sqlite3_bind_int64 (stmt, 4, open_checked_before_us);
  sqlite3_bind_int64 (stmt, 5, closed_checked_before_us);
  sqlite3_bind_int64 (stmt, 6, MIN (limit, 1000));
  return collect_intents (self, stmt, error);
}

/* ---- what a check answered that is not plain income -------------------------------------- */

gboolean
tb_ledger_intent_flag (TbLedger    *self,
                       gint64       intent_id,
                       const char  *what,
                       const char  *detail,
                       GError     **error)
{
  /* Not updated_us: a flag is no change of state (and must not make a closed intent look as
   * if it still needed its final check). */
  static const char sql[] =
    "UPDATE payment_intents SET last_error = ?1 WHERE id = ?2";
  g_autoptr(TbIntent) intent = NULL;
  g_autofree char *audit = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (what != NULL, FALSE);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;
  intent = get_intent_locked (self, intent_id, error);
  stmt = intent != NULL ? _tb_ledger_stmt (self, sql, error) : NULL;
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  _tb_ledger_bind_text (stmt, 1, what);
  sqlite3_bind_int64 (stmt, 2, intent_id);
  audit = g_strdup_printf ("intent=%" G_GINT64_FORMAT " %s", intent_id, detail != NULL ? detail : "");
  if (!step_done (self, stmt, "flag intent", error) ||
      !_tb_ledger_audit (self, "intent.flag", "bill", intent->bill_id, audit, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64 id;
  gint64 bill_id;
  gint64 intent_id;
  gint64 amount;
} PaymentRow;

/* FALSE without an error when there is no such payment. */
static gboolean
find_payment_locked (TbLedger         *self,
                     TbPaymentMethod   method,
                     const char       *txn_id,
                     PaymentRow       *row,
                     GError          **error)
{
  static const char sql[] =
    "SELECT id, bill_id, COALESCE(intent_id, 0), amount FROM payments "
    "WHERE method = ? AND provider_txn_id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _tb_ledger_bind_text (stmt, 1, tb_payment_method_to_string (method));
  _tb_ledger_bind_text (stmt, 2, txn_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->id = sqlite3_column_int64 (stmt, 0);
      row->bill_id = sqlite3_column_int64 (stmt, 1);
      row->intent_id = sqlite3_column_int64 (stmt, 2);
      row->amount = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "find payment");
  return rc == SQLITE_ROW;
}

gboolean
tb_ledger_find_provider_payment (TbLedger         *self,
                                 TbPaymentMethod   method,
                                 const char       *provider_txn_id,
                                 gint64           *out_intent_id,
                                 gint64           *out_bill_id,
                                 GError          **error)
{
  PaymentRow row = { 0 };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (provider_txn_id != NULL, FALSE);

  TB_LEDGER_LOCK (self);
  if (!find_payment_locked (self, method, provider_txn_id, &row, error))
    return FALSE;
  if (out_intent_id != NULL)
    *out_intent_id = row.intent_id;
  if (out_bill_id != NULL)
    *out_bill_id = row.bill_id;
  return TRUE;
}

/* Inside the transaction: the bill's paid total, status and overpaid flag from its payments. */
static gboolean
recompute_bill_locked (TbLedger  *self,
                       gint64     bill_id,
                       GError   **error)
{
  static const char sql[] =
    "UPDATE bills SET paid = p.sum, updated_us = ?2, "
    "  status = CASE WHEN status = 'VOID' THEN 'VOID' WHEN p.sum > 0 AND p.sum >= total THEN 'PAID' "
    "                WHEN p.sum > 0 THEN 'PARTIAL' ELSE 'OPEN' END, "
    "  overpaid = CASE WHEN status = 'VOID' THEN p.sum > 0 ELSE p.sum > total END "
    "FROM (SELECT COALESCE(SUM(amount), 0) AS sum FROM payments WHERE bill_id = ?1) AS p "
    "WHERE id = ?1";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, bill_id);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  return step_done (self, stmt, "recompute bill", error);
}

static gboolean
insert_reversal_locked (TbLedger          *self,
                        TbPaymentMethod    method,
                        const PaymentRow  *original,
                        const char        *reversal_key,
                        const char        *status,
                        GError           **error)
{
  static const char sql[] =
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, reference, intent_id, "
    "refund_of, created_us) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, 0), ?7, ?8)";
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  gint64 reversal_id;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, original->bill_id);
  _tb_ledger_bind_text (stmt, 2, tb_payment_method_to_string (method));
  sqlite3_bind_int64 (stmt, 3, -original->amount);
  _tb_ledger_bind_text (stmt, 4, reversal_key);
  _tb_ledger_bind_text (stmt, 5, status);
  sqlite3_bind_int64 (stmt, 6, original->intent_id);
  sqlite3_bind_int64 (stmt, 7, original->id);
  sqlite3_bind_int64 (stmt, 8, _tb_ledger_now_us ());
  if (!step_done (self, stmt, "insert reversal", error))
    return FALSE;
  reversal_id = sqlite3_last_insert_rowid (self->db);
  if (!recompute_bill_locked (self, original->bill_id, error))
    return FALSE;

  detail = g_strdup_printf ("payment=%" G_GINT64_FORMAT " reversal=%" G_GINT64_FORMAT
                            " status=%s amount=%" G_GINT64_FORMAT,
                            original->id, reversal_id, status, original->amount);
  return _tb_ledger_audit_payment (self, "payment.reverse", "bill", original->bill_id, detail,
                                   reversal_id, error);
}

gboolean
tb_ledger_reverse_provider_payment (TbLedger         *self,
                                    TbPaymentMethod   method,
                                    const char       *provider_txn_id,
                                    const char       *status,
                                    gint64           *out_amount,
                                    gboolean         *out_already,
                                    GError          **error)
{
  g_autofree char *key = NULL;
  g_autoptr(GError) local_error = NULL;
  PaymentRow original = { 0 };
  PaymentRow existing = { 0 };
  gboolean already;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (provider_txn_id != NULL && status != NULL, FALSE);

  /* The reversal's own key makes a second report of the same reversal a no-op. */
  key = g_strconcat (TB_PAYMENT_REVERSAL_PREFIX, provider_txn_id, NULL);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;
  if (!find_payment_locked (self, method, provider_txn_id, &original, &local_error) || original.amount <= 0)
    {
      _tb_ledger_rollback (self);
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                             _("This payment was never recorded, so it cannot be reversed."));
      return FALSE;
    }
  already = find_payment_locked (self, method, key, &existing, &local_error);
  if (local_error != NULL ||
      (!already && !insert_reversal_locked (self, method, &original, key, status, &local_error)))
    {
      _tb_ledger_rollback (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (already)
    _tb_ledger_rollback (self);
  else if (!_tb_ledger_commit (self, error))
    return FALSE;

  if (out_amount != NULL)
    *out_amount = original.amount;
  if (out_already != NULL)
    *out_already = already;
  return TRUE;
}
