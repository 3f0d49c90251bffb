/* tb-ledger-receipts.c: the Ebarimt receipt rows (docs/data-flow.md)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "tb-ledger-private.h"
#include "tb-rules.h"

/* A receipt row is queued in the settlement's own transaction (tb-ledger.c), so every QPay
 * payment has exactly one. These functions move it PENDING → REGISTERED / ERROR / SKIPPED and,
 * for a voided sale, REGISTERED → CANCELLED. The receiver (phone or TIN) is stored sealed and
 * appears in no audit row and no error text. */

#define RECEIPT_COLUMNS \
  "r.id, r.payment_id, p.bill_id, b.number, p.provider_txn_id, p.amount, r.state, " \
  "r.receiver_type, r.receiver_sealed, r.district_code, r.classification_code, r.ebarimt_id, " \
  "r.receipt_id, r.lottery, r.qr_data, r.merchant_tin, r.amount, r.vat_e4, r.city_tax_e4, " \
  "r.attempts, r.next_attempt_us, r.unknown, r.last_error_key, r.last_error, r.copies, " \
  "r.registered_us, r.created_us, r.updated_us"
#define RECEIPT_FROM \
  " FROM receipts r JOIN payments p ON p.id = r.payment_id JOIN bills b ON b.id = p.bill_id"

void
tb_receipt_free (TbReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->bill_number);
  g_free (receipt->provider_txn_id);
  g_free (receipt->receiver_type);
  g_free (receipt->receiver);
  g_free (receipt->district_code);
  g_free (receipt->classification_code);
  g_free (receipt->ebarimt_id);
  g_free (receipt->receipt_id);
  g_free (receipt->lottery);
  g_free (receipt->qr_data);
  g_free (receipt->merchant_tin);
  g_free (receipt->last_error_key);
  g_free (receipt->last_error);
  g_free (receipt);
}

static TbReceipt *
read_receipt (TbLedger     *self,
              sqlite3_stmt *stmt,
              gboolean      with_receiver)
{
  TbReceipt *r = g_new0 (TbReceipt, 1);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->payment_id = sqlite3_column_int64 (stmt, 1);
  r->bill_id = sqlite3_column_int64 (stmt, 2);
  r->bill_number = _tb_ledger_column_text (stmt, 3);
  r->provider_txn_id = _tb_ledger_column_text (stmt, 4);
  r->payment_amount = sqlite3_column_int64 (stmt, 5);
  if (!tb_receipt_state_from_string ((const char *) sqlite3_column_text (stmt, 6), &r->state))
    r->state = TB_RECEIPT_ERROR;
  r->receiver_type = _tb_ledger_column_text (stmt, 7);
  if (with_receiver)
    r->receiver = _tb_ledger_column_unsealed (self, stmt, 8);
  r->district_code = _tb_ledger_column_text (stmt, 9);
  r->classification_code = _tb_ledger_column_text (stmt, 10);
  r->ebarimt_id = _tb_ledger_column_text (stmt, 11);
  r->receipt_id = _tb_ledger_column_text (stmt, 12);
  r->lottery = _tb_ledger_column_text (stmt, 13);
  r->qr_data = _tb_ledger_column_text (stmt, 14);
  r->merchant_tin = _tb_ledger_column_text (stmt, 15);
  r->amount = sqlite3_column_int64 (stmt, 16);
  r->vat_e4 = sqlite3_column_int64 (stmt, 17);
  r->city_tax_e4 = sqlite3_column_int64 (stmt, 18);
  r->attempts = sqlite3_column_int (stmt, 19);
  r->next_attempt_us = sqlite3_column_int64 (stmt, 20);
  r->unknown = sqlite3_column_int (stmt, 21) != 0;
  r->last_error_key = _tb_ledger_column_text (stmt, 22);
  r->last_error = _tb_ledger_column_text (stmt, 23);
  r->copies = sqlite3_column_int (stmt, 24);
  r->registered_us = sqlite3_column_int64 (stmt, 25);
  r->created_us = sqlite3_column_int64 (stmt, 26);
  r->updated_us = sqlite3_column_int64 (stmt, 27);
  return r;
}

/* On @conn, whose lock the caller holds. */
static TbReceipt *
get_receipt_locked (TbLedger      *self,
                    TbLedgerConn   conn,
                    gint64         receipt_id,
                    gboolean       with_receiver,
                    GError       **error)
{
  static const char sql[] = "SELECT " RECEIPT_COLUMNS RECEIPT_FROM " WHERE r.id = ?";
  sqlite3_stmt *stmt = _tb_ledger_conn_stmt (self, conn, sql, error);
  TbReceipt *receipt = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, receipt_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    receipt = read_receipt (self, stmt, with_receiver);
  else if (rc != SQLITE_DONE)
    _tb_ledger_conn_fail (self, conn, error, "get receipt");
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                 _("There is no receipt number %" PRId64 "."), receipt_id);
  sqlite3_reset (stmt);
  return receipt;
}

TbReceipt *
tb_ledger_get_receipt (TbLedger  *self,
                       gint64     receipt_id,
                       gboolean   with_receiver,
                       GError   **error)
{
  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_READ_LOCK (self);
  return get_receipt_locked (self, TB_LEDGER_READER, receipt_id, with_receiver, error);
}

/* Rows of a statement on the read connection. */
/* The rows of @stmt, a statement on the read connection. */
static GPtrArray *
collect (TbLedger      *self,
         sqlite3_stmt  *stmt,
         GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_receipt_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, read_receipt (self, stmt, FALSE));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _tb_ledger_read_fail (self, error, "list receipts");
      return NULL;
    }
  return g_steal_pointer (&result);
}

GPtrArray *
tb_ledger_list_receipts (TbLedger         *self,
                         TbReceiptFilter   filter,
                         gint64            bill_id,
                         guint             limit,
                         GError          **error)
{
  static const char sql[] =
    "SELECT " RECEIPT_COLUMNS RECEIPT_FROM
    " WHERE (?1 IS NULL OR r.state = ?1 OR r.state = ?2) AND (?3 = 0 OR p.bill_id = ?3)"
    " ORDER BY r.id DESC LIMIT ?4";
  sqlite3_stmt *stmt;
  const char *a = NULL, *b = NULL;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  switch (filter)
    {
    case TB_RECEIPT_FILTER_PENDING:
      a = b = "PENDING";
      break;
    case TB_RECEIPT_FILTER_ERROR:
      a = b = "ERROR";
      break;
    case TB_RECEIPT_FILTER_OPEN:
      a = "PENDING";
      b = "ERROR";
      break;
    case TB_RECEIPT_FILTER_ALL:
    default:
      break;
    }

  TB_LEDGER_READ_LOCK (self);

  stmt = _tb_ledger_read_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _tb_ledger_bind_text (stmt, 1, a);
  _tb_ledger_bind_text (stmt, 2, b);
  sqlite3_bind_int64 (stmt, 3, bill_id);
  sqlite3_bind_int64 (stmt, 4, MIN (limit, 10000));
  return collect (self, stmt, error);
}

GPtrArray *
tb_ledger_due_receipts (TbLedger  *self,
                        gint64     now_us,
                        guint      limit,
                        GError   **error)
{
  static const char sql[] =
    "SELECT " RECEIPT_COLUMNS RECEIPT_FROM
    " WHERE r.state IN ('PENDING', 'ERROR') AND COALESCE(r.next_attempt_us, 0) <= ?1"
    " ORDER BY r.id LIMIT ?2";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_READ_LOCK (self);

  stmt = _tb_ledger_read_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now_us);
  sqlite3_bind_int64 (stmt, 2, MIN (limit, 1000));
  return collect (self, stmt, error);
}

/* Runs @sql (bound by @bind) on one receipt in a transaction with an audit row. @allowed lists
 * the states the receipt may be in ("PENDING,ERROR"); otherwise TB_LEDGER_ERROR_STATE. */
typedef void (*BindFunc) (TbLedger *self, sqlite3_stmt *stmt, gconstpointer data);

static gboolean
change_receipt (TbLedger      *self,
                gint64         receipt_id,
                const char    *allowed,
                const char    *sql,
                BindFunc       bind,
                gconstpointer  data,
                const char    *action,
                const char    *detail,
                GError       **error)
{
  g_autoptr(TbReceipt) receipt = NULL;
  g_auto(GStrv) states = g_strsplit (allowed, ",", -1);
  sqlite3_stmt *stmt;

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  receipt = get_receipt_locked (self, TB_LEDGER_WRITER, receipt_id, FALSE, error);
  if (receipt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (!g_strv_contains ((const char * const *) states, tb_receipt_state_to_string (receipt->state)))
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           receipt->state == TB_RECEIPT_REGISTERED
                             ? _("This receipt is already registered.")
                             : _("This receipt cannot be changed in its current state."));
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  bind (self, stmt, data);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, action);
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (!_tb_ledger_audit (self, action, "bill", receipt->bill_id, detail, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64                       id;
  const char                  *a, *b, *c, *d;
  gint64                       when;
  gboolean                     flag;
  const TbReceiptRegistration *reg;
} ReceiptArgs;

static void
bind_attempt (TbLedger      *self,
              sqlite3_stmt  *stmt,
              gconstpointer  data)
{
  const ReceiptArgs *args = data;

  _tb_ledger_bind_text (stmt, 1, args->a);
  _tb_ledger_bind_sealed (self, stmt, 2, args->b != NULL && *args->b != '\0' ? args->b : NULL);
  _tb_ledger_bind_text (stmt, 3, args->c);
  _tb_ledger_bind_text (stmt, 4, args->d);
  sqlite3_bind_int64 (stmt, 5, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 6, args->id);
}

gboolean
tb_ledger_receipt_begin_attempt (TbLedger    *self,
                                 gint64       receipt_id,
                                 const char  *receiver_type,
                                 const char  *receiver,
                                 const char  *district_code,
                                 const char  *classification_code,
                                 GError     **error)
{
  static const char sql[] =
    "UPDATE receipts SET receiver_type = ?1, receiver_sealed = ?2, district_code = ?3, "
    "classification_code = ?4, attempts = attempts + 1, unknown = 1, updated_us = ?5 WHERE id = ?6";
  ReceiptArgs args = { receipt_id, receiver_type, receiver, district_code, classification_code, 0, FALSE, NULL };
  g_autofree char *detail = g_strdup_printf ("receipt=%" G_GINT64_FORMAT " type=%s", receipt_id,
                                             receiver_type != NULL ? receiver_type : "-");

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  return change_receipt (self, receipt_id, "PENDING,ERROR", sql, bind_attempt, &args,
                         "receipt.attempt", detail, error);
}

static void
bind_registered (TbLedger      *self,
                 sqlite3_stmt  *stmt,
                 gconstpointer  data)
{
  const ReceiptArgs *args = data;
  const TbReceiptRegistration *reg = args->reg;
  gint64 now = _tb_ledger_now_us ();

  _tb_ledger_bind_text (stmt, 1, reg->ebarimt_id);
  _tb_ledger_bind_text (stmt, 2, reg->receipt_id);
  _tb_ledger_bind_text (stmt, 3, reg->lottery);
  _tb_ledger_bind_text (stmt, 4, reg->qr_data);
  _tb_ledger_bind_text (stmt, 5, reg->merchant_tin);
  sqlite3_bind_int64 (stmt, 6, reg->amount);
  sqlite3_bind_int64 (stmt, 7, reg->vat_e4);
  sqlite3_bind_int64 (stmt, 8, reg->city_tax_e4);
  sqlite3_bind_int64 (stmt, 9, now);
  sqlite3_bind_int64 (stmt, 10, args->id);
}

gboolean
tb_ledger_receipt_registered (TbLedger                     *self,
                              gint64                        receipt_id,
                              const TbReceiptRegistration  *registration,
                              GError                      **error)
{
  static const char sql[] =
    "UPDATE receipts SET state = 'REGISTERED', ebarimt_id = ?1, receipt_id = ?2, lottery = ?3, "
    "qr_data = ?4, merchant_tin = ?5, amount = ?6, vat_e4 = ?7, city_tax_e4 = ?8, unknown = 0, "
    "last_error_key = NULL, last_error = NULL, next_attempt_us = NULL, registered_us = ?9, "
    "updated_us = ?9 WHERE id = ?10";
  ReceiptArgs args = { receipt_id, NULL, NULL, NULL, NULL, 0, FALSE, registration };
  g_autofree char *detail = g_strdup_printf ("receipt=%" G_GINT64_FORMAT, receipt_id);

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (registration != NULL && registration->receipt_id != NULL, FALSE);

  TB_LEDGER_LOCK (self);
  return change_receipt (self, receipt_id, "PENDING,ERROR", sql, bind_registered, &args,
                         "receipt.registered", detail, error);
}

static void
bind_failed (TbLedger      *self,
             sqlite3_stmt  *stmt,
             gconstpointer  data)
{
  const ReceiptArgs *args = data;

  _tb_ledger_bind_text (stmt, 1, args->a);
  _tb_ledger_bind_text (stmt, 2, args->b);
  sqlite3_bind_int64 (stmt, 3, args->when);
  sqlite3_bind_int (stmt, 4, args->flag ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 6, args->id);
}

gboolean
tb_ledger_receipt_failed (TbLedger    *self,
                          gint64       receipt_id,
                          const char  *error_key,
                          const char  *message,
                          gint64       next_attempt_us,
                          gboolean     unknown,
                          GError     **error)
{
  static const char sql[] =
    "UPDATE receipts SET state = 'ERROR', last_error_key = ?1, last_error = ?2, "
    "next_attempt_us = ?3, unknown = ?4, updated_us = ?5 WHERE id = ?6";
  ReceiptArgs args = { receipt_id, error_key, message, NULL, NULL, next_attempt_us, unknown, NULL };
  g_autofree char *detail = g_strdup_printf ("receipt=%" G_GINT64_FORMAT " key=%s%s", receipt_id,
                                             error_key != NULL ? error_key : "-",
                                             unknown ? " unknown" : "");

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  return change_receipt (self, receipt_id, "PENDING,ERROR", sql, bind_failed, &args,
                         "receipt.error", detail, error);
}

static void
bind_note (TbLedger      *self,
           sqlite3_stmt  *stmt,
           gconstpointer  data)
{
  const ReceiptArgs *args = data;

  _tb_ledger_bind_text (stmt, 1, args->a);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 3, args->id);
}

gboolean
tb_ledger_receipt_skip (TbLedger    *self,
                        gint64       receipt_id,
                        const char  *reason,
                        GError     **error)
{
  static const char sql[] =
    "UPDATE receipts SET state = 'SKIPPED', last_error = ?1, unknown = 0, updated_us = ?2 WHERE id = ?3";
  ReceiptArgs args = { receipt_id, reason, NULL, NULL, NULL, 0, FALSE, NULL };
  g_autofree char *detail = g_strdup_printf ("receipt=%" G_GINT64_FORMAT, receipt_id);

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  return change_receipt (self, receipt_id, "PENDING,ERROR", sql, bind_note, &args,
                         "receipt.skip", detail, error);
}

gboolean
tb_ledger_receipt_cancelled (TbLedger    *self,
                             gint64       receipt_id,
                             const char  *note,
                             GError     **error)
{
  static const char sql[] =
    "UPDATE receipts SET state = 'CANCELLED', cancel_note = ?1, updated_us = ?2 WHERE id = ?3";
  ReceiptArgs args = { receipt_id, note, NULL, NULL, NULL, 0, FALSE, NULL };
  g_autofree char *detail = g_strdup_printf ("receipt=%" G_GINT64_FORMAT, receipt_id);

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  return change_receipt (self, receipt_id, "REGISTERED", sql, bind_note, &args,
                         "receipt.cancel", detail, error);
}

static void
bind_retry (TbLedger      *self,
            sqlite3_stmt  *stmt,
            gconstpointer  data)
{
  const ReceiptArgs *args = data;

  sqlite3_bind_int64 (stmt, 1, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 2, args->id);
}

gboolean
tb_ledger_receipt_retry_now (TbLedger  *self,
                             gint64     receipt_id,
                             GError   **error)
{
  /* `unknown` is kept: a lost answer must still be looked up before creating again. */
  static const char sql[] =
    "UPDATE receipts SET state = 'PENDING', next_attempt_us = NULL, updated_us = ?1 WHERE id = ?2";
  ReceiptArgs args = { receipt_id, NULL, NULL, NULL, NULL, 0, FALSE, NULL };
  g_autofree char *detail = g_strdup_printf ("receipt=%" G_GINT64_FORMAT, receipt_id);

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);
  return change_receipt (self, receipt_id, "PENDING,ERROR,SKIPPED", sql, bind_retry, &args,
                         "receipt.retry", detail, error);
}

static void
bind_copy (TbLedger      *self,
           sqlite3_stmt  *stmt,
           gconstpointer  data)
{
  const ReceiptArgs *args = data;

  sqlite3_bind_int64 (stmt, 1, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 2, args->id);
}

int
tb_ledger_receipt_note_copy (TbLedger  *self,
                             gint64     receipt_id,
                             GError   **error)
{
  static const char sql[] =
    "UPDATE receipts SET copies = copies + 1, updated_us = ?1 WHERE id = ?2";
  ReceiptArgs args = { receipt_id, NULL, NULL, NULL, NULL, 0, FALSE, NULL };
  g_autoptr(TbReceipt) before = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (TB_IS_LEDGER (self), -1);

  TB_LEDGER_LOCK (self);

  before = get_receipt_locked (self, TB_LEDGER_WRITER, receipt_id, FALSE, error);
  if (before == NULL)
    return -1;

  detail = g_strdup_printf ("receipt=%" G_GINT64_FORMAT " copy=%d", receipt_id, before->copies + 1);
  if (!change_receipt (self, receipt_id, "REGISTERED,CANCELLED", sql, bind_copy, &args,
                       "receipt.reprint", detail, error))
    return -1;
  return before->copies + 1;
}

static void
bind_choices (TbLedger      *self,
              sqlite3_stmt  *stmt,
              gconstpointer  data)
{
  const ReceiptArgs *args = data;

  _tb_ledger_bind_text (stmt, 1, args->a);
  _tb_ledger_bind_sealed (self, stmt, 2, args->b);
  _tb_ledger_bind_text (stmt, 3, args->c);
  _tb_ledger_bind_text (stmt, 4, args->d);
  sqlite3_bind_int64 (stmt, 5, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 6, args->id);
}

static const char *
empty_to_null (const char *text)
{
  return text != NULL && *text != '\0' ? text : NULL;
}

/* Checked here so that a bad value never reaches QPay, with the same rules as everywhere
 * else (tb-rules.c). @args holds the choices (empty strings already made NULL); the phone is
 * replaced by its digits in *@out_digits. */
static gboolean
validate_choices (const ReceiptArgs  *args,
                  char              **out_digits,
                  GError            **error)
{
  g_autofree char *district = NULL;
  g_autofree char *classification = NULL;

  if (args->a != NULL && g_strcmp0 (args->a, "CITIZEN") != 0 && g_strcmp0 (args->a, "COMPANY") != 0)
    {
      g_set_error_literal (error, TB_RULES_ERROR, TB_RULE_FIELD_RECEIVER_TYPE,
                           _("The receipt is for a citizen or a company."));
      return FALSE;
    }
  return tb_rules_phone (args->b, FALSE, out_digits, error) &&
         tb_rules_district_code (args->c, FALSE, &district, error) &&
         tb_rules_classification_code (args->d, FALSE, &classification, error);
}

static gboolean
set_choices_in_transaction (TbLedger  *self,
                            gpointer   data,
                            GError   **error)
{
  static const char sql[] =
    "UPDATE bills SET receipt_receiver_type = ?1, receipt_phone_sealed = ?2, "
    "receipt_district_code = ?3, receipt_classification_code = ?4, updated_us = ?5 WHERE id = ?6";
  const ReceiptArgs *args = data;
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_choices (self, stmt, args);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "bill receipt");
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                   _("There is no bill number %" PRId64 "."), args->id);
      return FALSE;
    }
  return _tb_ledger_audit (self, "bill.receipt_choices", "bill", args->id,
                           args->a != NULL ? args->a : "default", error);
}

gboolean
tb_ledger_set_bill_receipt (TbLedger    *self,
                            gint64       bill_id,
                            const char  *receiver_type,
                            const char  *phone,
                            const char  *district_code,
                            const char  *classification_code,
                            GError     **error)
{
  g_autofree char *digits = NULL;
  ReceiptArgs args = { bill_id, empty_to_null (receiver_type), empty_to_null (phone),
                       empty_to_null (district_code), empty_to_null (classification_code),
                       0, FALSE, NULL };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  if (!validate_choices (&args, &digits, error))
    return FALSE;
  args.b = digits;   /* the phone is stored as its digits, sealed */

  return _tb_ledger_write (self, set_choices_in_transaction, &args, error);
}
