/* tb-ledger-settle.c: idempotent settlement (docs/data-flow.md)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-ledger-private.h"
#include "tb-money.h"

static gboolean
validate_settle (const TbSettleRequest  *request,
                 GError                **error)
{
  if (request->amount <= 0 || request->amount > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The amount must be more than zero."));
      return FALSE;
    }
  if ((guint) request->method > TB_METHOD_KHQR)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Unknown payment method."));
      return FALSE;
    }
  if (request->provider_txn_id != NULL &&
      (*request->provider_txn_id == '\0' || strlen (request->provider_txn_id) > 128 ||
       !g_utf8_validate (request->provider_txn_id, -1, NULL)))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The payment reference must be 1 to 128 characters."));
      return FALSE;
    }
  if (request->reference != NULL &&
      (strlen (request->reference) > 255 || !g_utf8_validate (request->reference, -1, NULL)))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The payment reference is too long: use at most 255 bytes."));
      return FALSE;
    }
  if (request->tendered < 0 || request->tendered > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The amount handed over is not valid."));
      return FALSE;
    }
  return TRUE;
}

/* The desk types cash and card amounts; a provider reports money that already arrived. */
static gboolean
is_provider_method (TbPaymentMethod method)
{
  return method == TB_METHOD_QPAY || method == TB_METHOD_KHQR;
}

/* The amount rules, checked against the bill as this transaction sees it (so two desks, or the
 * parts of one settle_many, can never both fit the same amount due). */
static gboolean
check_amount (const TbSettleRequest    *request,
              const TbLedgerBillState  *state,
              GError                  **error)
{
  gint64 due = MAX (state->total - state->paid, 0);

  if (is_provider_method (request->method))
    return TRUE;

  if (state->status == TB_BILL_VOID)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill is void: it takes no payments."));
      return FALSE;
    }
  if (request->allow_overpay)
    return TRUE;
  if (state->status == TB_BILL_PAID)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill is already paid."));
      return FALSE;
    }
  if (request->amount > due)
    {
      g_autofree char *text = tb_money_format (due, "MNT");

      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                   _("The amount is more than the %s still due on this bill."), text);
      return FALSE;
    }
  return TRUE;
}

static void
fill_result (TbSettleResult          *result,
             gint64                   payment_id,
             gboolean                 already_settled,
             const TbLedgerBillState *state)
{
  result->payment_id = payment_id;
  result->already_settled = already_settled;
  result->status = state->status;
  result->paid = state->paid;
  result->due = state->status == TB_BILL_VOID ? 0 : MAX (state->total - state->paid, 0);
  result->overpaid = _tb_ledger_is_overpaid (state->status, state->total, state->paid);
}

/* The payment already recorded under (method, txn_id), if any: *out_payment_id is 0 when
 * there is none. Looked up inside the write transaction, so no other writer can add it before
 * the insert that follows; the ledger refuses an insert that meets an existing key
 * (006-book.sql), so this look-up is what makes a repeat a no-op. */
static gboolean
find_existing (TbLedger    *self,
               const char  *method,
               const char  *txn_id,
               gint64      *out_payment_id,
               gint64      *out_bill_id,
               GError     **error)
{
  static const char sql[] =
    "SELECT id, bill_id FROM payments WHERE method = ? AND provider_txn_id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  *out_payment_id = *out_bill_id = 0;
  if (stmt == NULL)
    return FALSE;

  _tb_ledger_bind_text (stmt, 1, method);
  _tb_ledger_bind_text (stmt, 2, txn_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_payment_id = sqlite3_column_int64 (stmt, 0);
      *out_bill_id = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "find payment");
  return TRUE;
}

static gboolean
insert_payment (TbLedger               *self,
                const TbSettleRequest  *request,
                const char             *txn_id,
                gint64                  now,
                gint64                 *out_payment_id,
                GError                **error)
{
  static const char sql[] =
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, reference, intent_id, "
    "tendered, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  *out_payment_id = 0;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, request->bill_id);
  _tb_ledger_bind_text (stmt, 2, tb_payment_method_to_string (request->method));
  sqlite3_bind_int64 (stmt, 3, request->amount);
  _tb_ledger_bind_text (stmt, 4, txn_id);
  _tb_ledger_bind_text (stmt, 5, request->reference);
  if (request->intent_id > 0)
    sqlite3_bind_int64 (stmt, 6, request->intent_id);
  sqlite3_bind_int64 (stmt, 7, request->tendered);
  sqlite3_bind_int64 (stmt, 8, now);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "insert payment");
  *out_payment_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* Already recorded: report that payment and its bill, and change nothing. */
static gboolean
report_existing (TbLedger               *self,
                 const TbSettleRequest  *request,
                 gint64                  payment_id,
                 gint64                  bill_id,
                 TbLedgerBillState      *state,
                 TbSettleResult         *result,
                 GError                **error)
{
  if (bill_id != request->bill_id && !_tb_ledger_read_bill_state (self, bill_id, state, error))
    return FALSE;
  fill_result (result, payment_id, TRUE, state);
  return TRUE;
}

static gboolean
update_bill (TbLedger                *self,
             gint64                   bill_id,
             const TbLedgerBillState *state,
             gint64                   now,
             GError                 **error)
{
  static const char sql[] =
    "UPDATE bills SET paid = ?, status = ?, overpaid = ?, updated_us = ? WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, state->paid);
  _tb_ledger_bind_text (stmt, 2, tb_bill_status_to_string (state->status));
  sqlite3_bind_int (stmt, 3, _tb_ledger_is_overpaid (state->status, state->total, state->paid));
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "update bill");
  return TRUE;
}

/* An intent is PAID once its payments cover its amount; a partial payment leaves it open for
 * the rest. A late payment on a CANCELLED or EXPIRED intent that covers it marks it PAID: the
 * money did arrive. */
static gboolean
update_intent (TbLedger               *self,
               const TbSettleRequest  *request,
               gint64                  now,
               GError                **error)
{
  static const char sql[] =
    "UPDATE payment_intents SET updated_us = ?1, state = CASE "
    "  WHEN (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE intent_id = ?2) >= amount THEN 'PAID' "
    "  WHEN state = 'NEW' THEN 'PENDING' ELSE state END "
    "WHERE id = ?2 AND bill_id = ?3";
  sqlite3_stmt *stmt;

  if (request->intent_id <= 0)
    return TRUE;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, request->intent_id);
  sqlite3_bind_int64 (stmt, 3, request->bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "update intent");
  return TRUE;
}

/* Ebarimt through QPay covers QPay payments (docs/data-flow.md): queue it with the payment, so a
 * crash between the two can never leave a paid sale without its receipt job. */
static gboolean
queue_receipt (TbLedger               *self,
               const TbSettleRequest  *request,
               gint64                  payment_id,
               gint64                  now,
               GError                **error)
{
  static const char sql[] =
    "INSERT INTO receipts (payment_id, state, created_us, updated_us) VALUES (?, ?, ?, ?)";
  sqlite3_stmt *stmt;

  if (request->method != TB_METHOD_QPAY)
    return TRUE;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, payment_id);
  _tb_ledger_bind_text (stmt, 2, request->skip_receipt ? "SKIPPED" : "PENDING");
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "queue receipt");
  return TRUE;
}

static gboolean
settle_in_transaction (TbLedger               *self,
                       const TbSettleRequest  *request,
                       const char             *txn_id,
                       TbSettleResult         *result,
                       GError                **error)
{
  g_autofree char *detail = NULL;
  TbLedgerBillState state;
  gint64 now = _tb_ledger_now_us ();
  gint64 payment_id;
  gint64 existing_bill_id;

  if (!_tb_ledger_read_bill_state (self, request->bill_id, &state, error) ||
      !find_existing (self, tb_payment_method_to_string (request->method), txn_id,
                      &payment_id, &existing_bill_id, error))
    return FALSE;

  /* A repeat is reported before any rule: the payment it repeats already passed them. */
  if (payment_id != 0)
    return report_existing (self, request, payment_id, existing_bill_id, &state, result, error);

  if (!check_amount (request, &state, error) ||
      !insert_payment (self, request, txn_id, now, &payment_id, error))
    return FALSE;

  state.paid += request->amount;
  state.status = _tb_ledger_status_for (state.status, state.total, state.paid);
  fill_result (result, payment_id, FALSE, &state);

  detail = g_strdup_printf ("payment=%" G_GINT64_FORMAT " method=%s amount=%" G_GINT64_FORMAT "%s",
                            payment_id, tb_payment_method_to_string (request->method),
                            request->amount, result->overpaid ? " overpaid" : "");
  return update_bill (self, request->bill_id, &state, now, error) &&
         update_intent (self, request, now, error) &&
         queue_receipt (self, request, payment_id, now, error) &&
         _tb_ledger_audit_payment (self, "payment.settle", "bill", request->bill_id, detail,
                                   payment_id, error);
}

gboolean
tb_ledger_settle (TbLedger               *self,
                  const TbSettleRequest  *request,
                  TbSettleResult         *out_result,
                  GError                **error)
{
  g_autofree char *generated = NULL;
  TbSettleResult result = { 0 };
  const char *txn_id;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_settle (request, error))
    return FALSE;

  txn_id = request->provider_txn_id;
  if (txn_id == NULL)
    txn_id = generated = g_uuid_string_random ();

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  if (!settle_in_transaction (self, request, txn_id, &result, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (result.already_settled)
    _tb_ledger_rollback (self);
  else if (!_tb_ledger_commit (self, error))
    return FALSE;

  if (out_result != NULL)
    *out_result = result;
  return TRUE;
}

gboolean
tb_ledger_settle_many (TbLedger               *self,
                       const TbSettleRequest  *requests,
                       guint                   n_requests,
                       TbSettleResult         *out_results,
                       GError                **error)
{
  g_autofree TbSettleResult *results = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gboolean changed = FALSE;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (n_requests == 0 || requests != NULL, FALSE);

  for (guint i = 0; i < n_requests; i++)
    {
      if (!validate_settle (&requests[i], error))
        return FALSE;
      g_ptr_array_add (ids, requests[i].provider_txn_id != NULL ? g_strdup (requests[i].provider_txn_id)
                                                                 : g_uuid_string_random ());
    }

  results = g_new0 (TbSettleResult, MAX (n_requests, 1));

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n_requests; i++)
    {
      if (!settle_in_transaction (self, &requests[i], ids->pdata[i], &results[i], error))
        {
          _tb_ledger_rollback (self);
          return FALSE;
        }
      changed |= !results[i].already_settled;
    }

  if (!changed)
    _tb_ledger_rollback (self);
  else if (!_tb_ledger_commit (self, error))
    return FALSE;

  if (out_results != NULL && n_requests > 0)
    memcpy (out_results, results, n_requests * sizeof (TbSettleResult));
  return TRUE;
}
