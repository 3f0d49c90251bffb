/* tb-ledger-settle.c: idempotent settlement (DESIGN.md §4.2)
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

static gboolean
find_existing_payment (TbLedger               *self,
                       const TbSettleRequest  *request,
                       const char             *txn_id,
                       gint64                 *out_payment_id,
                       gint64                 *out_bill_id,
                       GError                **error)
{
  static const char sql[] =
    "SELECT id, bill_id FROM payments WHERE method = ? AND provider_txn_id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  _tb_ledger_bind_text (stmt, 1, tb_payment_method_to_string (request->method));
  _tb_ledger_bind_text (stmt, 2, txn_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, "find payment");
    }
  *out_payment_id = sqlite3_column_int64 (stmt, 0);
  *out_bill_id = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
settle_in_transaction (TbLedger               *self,
                       const TbSettleRequest  *request,
                       const char             *txn_id,
                       TbSettleResult         *result,
                       GError                **error)
{
  static const char insert_sql[] =
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, reference, intent_id, "
    "tendered, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (method, provider_txn_id) DO NOTHING RETURNING id";
  static const char bill_sql[] =
    "UPDATE bills SET paid = ?, status = ?, overpaid = ?, updated_us = ? WHERE id = ?";
  /* An intent is PAID once its payments cover its amount; a partial payment leaves it open for
   * the rest. A late payment on a CANCELLED or EXPIRED intent that covers it marks it PAID: the
   * money did arrive. */
  static const char intent_sql[] =
    "UPDATE payment_intents SET updated_us = ?1, state = CASE "
    "  WHEN (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE intent_id = ?2) >= amount THEN 'PAID' "
    "  WHEN state = 'NEW' THEN 'PENDING' ELSE state END "
    "WHERE id = ?2 AND bill_id = ?3";
  static const char receipt_sql[] =
    "INSERT INTO receipts (payment_id, state, created_us, updated_us) VALUES (?, ?, ?, ?)";
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  TbLedgerBillState state;
  gint64 now = _tb_ledger_now_us ();
  gint64 payment_id = 0;
  gint64 paid;
  TbBillStatus status;
  gboolean overpaid;
  int rc;

  if (!_tb_ledger_read_bill_state (self, request->bill_id, &state, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, insert_sql, error);
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

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    payment_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, "insert payment");
    }
  /* RETURNING rows are only final once the statement has run to completion. */
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "insert payment");

  if (payment_id == 0)
    {
      gint64 existing_bill = 0;

      /* Already recorded: report it and change nothing (the caller rolls back). */
      if (!find_existing_payment (self, request, txn_id, &payment_id, &existing_bill, error))
        return FALSE;
      if (existing_bill != request->bill_id && !_tb_ledger_read_bill_state (self, existing_bill, &state, error))
        return FALSE;

      result->payment_id = payment_id;
      result->already_settled = TRUE;
      result->status = state.status;
      result->paid = state.paid;
      result->due = state.status == TB_BILL_VOID ? 0 : MAX (state.total - state.paid, 0);
      result->overpaid = _tb_ledger_is_overpaid (state.status, state.total, state.paid);
      return TRUE;
    }

  paid = state.paid + request->amount;
  status = _tb_ledger_status_for (state.status, state.total, paid);
  overpaid = _tb_ledger_is_overpaid (status, state.total, paid);

  stmt = _tb_ledger_stmt (self, bill_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, paid);
  _tb_ledger_bind_text (stmt, 2, tb_bill_status_to_string (status));
  sqlite3_bind_int (stmt, 3, overpaid ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, request->bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "update bill");

  if (request->intent_id > 0)
    {
      stmt = _tb_ledger_stmt (self, intent_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, now);
      sqlite3_bind_int64 (stmt, 2, request->intent_id);
      sqlite3_bind_int64 (stmt, 3, request->bill_id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return _tb_ledger_fail (self, error, "update intent");
    }

  /* Ebarimt through QPay covers QPay payments (DESIGN.md §7): queue it with the payment, so a
   * crash between the two can never leave a paid sale without its receipt job. */
  if (request->method == TB_METHOD_QPAY)
    {
      stmt = _tb_ledger_stmt (self, receipt_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, payment_id);
      _tb_ledger_bind_text (stmt, 2, request->skip_receipt ? "SKIPPED" : "PENDING");
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return _tb_ledger_fail (self, error, "queue receipt");
    }

  detail = g_strdup_printf ("payment=%" G_GINT64_FORMAT " method=%s amount=%" G_GINT64_FORMAT "%s",
                            payment_id, tb_payment_method_to_string (request->method),
                            request->amount, overpaid ? " overpaid" : "");
  if (!_tb_ledger_audit (self, "payment.settle", "bill", request->bill_id, detail, error))
    return FALSE;

  result->payment_id = payment_id;
  result->already_settled = FALSE;
  result->status = status;
  result->paid = paid;
  result->due = status == TB_BILL_VOID ? 0 : MAX (state.total - paid, 0);
  result->overpaid = overpaid;
  return TRUE;
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
