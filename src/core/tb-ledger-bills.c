/* tb-ledger-bills.c: bills: create, read, state, customer, void
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "tb-ledger-private.h"

/* The trimmed note (NULL when empty) in *@out_note; FALSE with @error when it is not valid. */
static gboolean
clean_note (const char  *note,
            char       **out_note,
            GError     **error)
{
  *out_note = NULL;
  if (note == NULL)
    return TRUE;

  if (!g_utf8_validate (note, -1, NULL) || strlen (note) > 1000)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The note is too long: use at most 1000 characters."));
      return FALSE;
    }
  *out_note = g_strstrip (g_strdup (note));
  if (**out_note == '\0')
    g_clear_pointer (out_note, g_free);
  return TRUE;
}

typedef struct
{
  gint64      customer_id;
  const char *note;
  gint64      id;       /* out */
  char       *number;   /* out */
} CreateBill;

static gboolean
create_bill_in_transaction (TbLedger  *self,
                            gpointer   data,
                            GError   **error)
{
  /* Bills are never deleted, so MAX(id) + 1 is a gap-free, typeable sequence. */
  static const char sql[] =
    "INSERT INTO bills (id, number, customer_id, currency, note, created_us, updated_us) "
    "SELECT n, CAST(n AS TEXT), ?1, 'MNT', ?2, ?3, ?3 "
    "FROM (SELECT COALESCE(MAX(id), 0) + 1 AS n FROM bills) RETURNING id, number";
  CreateBill *op = data;
  sqlite3_stmt *stmt;

  if (op->customer_id > 0 && !_tb_ledger_check_customer (self, op->customer_id, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  if (op->customer_id > 0)
    sqlite3_bind_int64 (stmt, 1, op->customer_id);
  _tb_ledger_bind_text (stmt, 2, op->note);
  sqlite3_bind_int64 (stmt, 3, _tb_ledger_now_us ());

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _tb_ledger_fail (self, error, "create bill");
      sqlite3_reset (stmt);
      return FALSE;
    }
  op->id = sqlite3_column_int64 (stmt, 0);
  op->number = _tb_ledger_column_text (stmt, 1);
  sqlite3_reset (stmt);

  return _tb_ledger_audit (self, "bill.create", "bill", op->id, NULL, error);
}

gboolean
tb_ledger_create_bill (TbLedger    *self,
                       gint64       customer_id,
                       const char  *note,
                       gint64      *out_bill_id,
                       char       **out_number,
                       GError     **error)
{
  g_autofree char *clean = NULL;
  CreateBill op = { customer_id, NULL, 0, NULL };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!clean_note (note, &clean, error))
    return FALSE;
  op.note = clean;

  if (!_tb_ledger_write (self, create_bill_in_transaction, &op, error))
    {
      g_free (op.number);
      return FALSE;
    }

  if (out_bill_id != NULL)
    *out_bill_id = op.id;
  if (out_number != NULL)
    *out_number = g_steal_pointer (&op.number);
  g_free (op.number);
  return TRUE;
}


gboolean
_tb_ledger_read_bill_state (TbLedger          *self,
                            gint64             bill_id,
                            TbLedgerBillState *state,
                            GError           **error)
{
  static const char sql[] = "SELECT status, total, paid FROM bills WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (!tb_bill_status_from_string ((const char *) sqlite3_column_text (stmt, 0), &state->status))
        state->status = TB_BILL_OPEN;
      state->total = sqlite3_column_int64 (stmt, 1);
      state->paid = sqlite3_column_int64 (stmt, 2);
      sqlite3_reset (stmt);
      return TRUE;
    }

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "bill lookup");

  g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
               _("There is no bill number %" PRId64 "."), bill_id);
  return FALSE;
}

/* OPEN → PARTIAL → PAID follows the sums; VOID stays VOID whatever arrives. */
TbBillStatus
_tb_ledger_status_for (TbBillStatus  current,
                       gint64        total,
                       gint64        paid)
{
  if (current == TB_BILL_VOID)
    return TB_BILL_VOID;
  if (paid > 0 && paid >= total)
    return TB_BILL_PAID;
  if (paid > 0)
    return TB_BILL_PARTIAL;
  return TB_BILL_OPEN;
}

gboolean
_tb_ledger_is_overpaid (TbBillStatus  status,
                        gint64        total,
                        gint64        paid)
{
  if (status == TB_BILL_VOID)
    return paid > 0;
  return paid > total;
}

typedef struct
{
  gint64 bill_id;
  gint64 customer_id;
} SetCustomer;

static gboolean
set_customer_in_transaction (TbLedger  *self,
                             gpointer   data,
                             GError   **error)
{
  static const char sql[] = "UPDATE bills SET customer_id = ?, updated_us = ? WHERE id = ?";
  const SetCustomer *op = data;
  TbLedgerBillState state;
  sqlite3_stmt *stmt;

  if (!_tb_ledger_read_bill_state (self, op->bill_id, &state, error) ||
      (op->customer_id > 0 && !_tb_ledger_check_customer (self, op->customer_id, error)))
    return FALSE;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  if (op->customer_id > 0)
    sqlite3_bind_int64 (stmt, 1, op->customer_id);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 3, op->bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "set customer");

  return _tb_ledger_audit (self, "bill.customer", "bill", op->bill_id, NULL, error);
}

gboolean
tb_ledger_set_bill_customer (TbLedger  *self,
                             gint64     bill_id,
                             gint64     customer_id,
                             GError   **error)
{
  SetCustomer op = { bill_id, customer_id };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  return _tb_ledger_write (self, set_customer_in_transaction, &op, error);
}

gint64
tb_ledger_lookup_bill (TbLedger    *self,
                       const char  *number,
                       GError     **error)
{
  static const char sql[] = "SELECT id FROM bills WHERE number = ?";
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), 0);

  clean = g_strstrip (g_strdup (number != NULL ? number : ""));
  if (clean[0] == '#')
    memmove (clean, clean + 1, strlen (clean));

  TB_LEDGER_READ_LOCK (self);

  stmt = _tb_ledger_read_stmt (self, sql, error);
  if (stmt == NULL)
    return 0;

  _tb_ledger_bind_text (stmt, 1, clean);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    _tb_ledger_read_fail (self, error, "lookup bill");
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                 _("There is no bill “%s”."), clean);
  sqlite3_reset (stmt);
  return id;
}

TbBill *
_tb_ledger_read_bill_row (sqlite3_stmt *stmt)
{
  TbBill *bill = g_new0 (TbBill, 1);

  bill->id = sqlite3_column_int64 (stmt, 0);
  bill->number = _tb_ledger_column_text (stmt, 1);
  bill->customer_id = sqlite3_column_int64 (stmt, 2);
  bill->customer_name = _tb_ledger_column_text (stmt, 3);
  bill->currency = _tb_ledger_column_text (stmt, 4);
  if (!tb_bill_status_from_string ((const char *) sqlite3_column_text (stmt, 5), &bill->status))
    bill->status = TB_BILL_OPEN;
  bill->total = sqlite3_column_int64 (stmt, 6);
  bill->vat_e4 = sqlite3_column_int64 (stmt, 7);
  bill->city_tax_e4 = sqlite3_column_int64 (stmt, 8);
  bill->paid = sqlite3_column_int64 (stmt, 9);
  bill->overpaid = sqlite3_column_int (stmt, 10) != 0;
  bill->note = _tb_ledger_column_text (stmt, 11);
  bill->void_reason = _tb_ledger_column_text (stmt, 12);
  bill->created_us = sqlite3_column_int64 (stmt, 13);
  bill->updated_us = sqlite3_column_int64 (stmt, 14);
  return bill;
}

static gboolean
read_lines (TbLedger   *self,
            TbBill     *bill,
            GError    **error)
{
  static const char sql[] =
    "SELECT id, position, description, quantity_milli, unit_price, amount, classification_code, "
    "vat, city_tax, vat_e4, city_tax_e4 FROM bill_lines WHERE bill_id = ? ORDER BY position";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bill->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_bill_line_free);
  sqlite3_bind_int64 (stmt, 1, bill->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TbBillLine *line = g_new0 (TbBillLine, 1);

      line->id = sqlite3_column_int64 (stmt, 0);
      line->bill_id = bill->id;
      line->position = sqlite3_column_int (stmt, 1);
      line->description = _tb_ledger_column_text (stmt, 2);
      line->quantity_milli = sqlite3_column_int64 (stmt, 3);
      line->unit_price = sqlite3_column_int64 (stmt, 4);
      line->amount = sqlite3_column_int64 (stmt, 5);
      line->classification_code = _tb_ledger_column_text (stmt, 6);
      line->vat = sqlite3_column_int (stmt, 7) != 0;
      line->city_tax = sqlite3_column_int (stmt, 8) != 0;
      line->vat_e4 = sqlite3_column_int64 (stmt, 9);
      line->city_tax_e4 = sqlite3_column_int64 (stmt, 10);
      g_ptr_array_add (bill->lines, line);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return _tb_ledger_read_fail (self, error, "read lines");
  return TRUE;
}

static gboolean
read_payments (TbLedger  *self,
               TbBill    *bill,
               GError   **error)
{
  static const char sql[] =
    "SELECT id, method, amount, provider_txn_id, reference, intent_id, refund_of, tendered, "
    "created_us FROM payments WHERE bill_id = ? ORDER BY id";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bill->payments = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_payment_free);
  sqlite3_bind_int64 (stmt, 1, bill->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TbPayment *payment = g_new0 (TbPayment, 1);

      payment->id = sqlite3_column_int64 (stmt, 0);
      payment->bill_id = bill->id;
      if (!tb_payment_method_from_string ((const char *) sqlite3_column_text (stmt, 1), &payment->method))
        payment->method = TB_METHOD_CASH;
      payment->amount = sqlite3_column_int64 (stmt, 2);
      payment->provider_txn_id = _tb_ledger_column_text (stmt, 3);
      payment->reference = _tb_ledger_column_text (stmt, 4);
      payment->intent_id = sqlite3_column_int64 (stmt, 5);
      payment->refund_of = sqlite3_column_int64 (stmt, 6);
      payment->tendered = sqlite3_column_int64 (stmt, 7);
      payment->created_us = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (bill->payments, payment);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return _tb_ledger_read_fail (self, error, "read payments");
  return TRUE;
}

static gboolean
read_receipt_choices (TbLedger  *self,
                      TbBill    *bill,
                      GError   **error)
{
  static const char sql[] =
    "SELECT receipt_receiver_type, receipt_phone_sealed, receipt_district_code, "
    "receipt_classification_code FROM bills WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill->id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      bill->receipt_receiver_type = _tb_ledger_column_text (stmt, 0);
      bill->receipt_phone = _tb_ledger_column_unsealed (self, stmt, 1);
      bill->receipt_district_code = _tb_ledger_column_text (stmt, 2);
      bill->receipt_classification_code = _tb_ledger_column_text (stmt, 3);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* The bill row alone, on the read connection. */
static TbBill *
read_bill (TbLedger  *self,
           gint64     bill_id,
           GError   **error)
{
  static const char sql[] =
    "SELECT " TB_LEDGER_BILL_COLUMNS TB_LEDGER_BILL_FROM " WHERE b.id = ?";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, error);
  TbBill *bill = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bill = _tb_ledger_read_bill_row (stmt);
  else if (rc != SQLITE_DONE)
    _tb_ledger_read_fail (self, error, "get bill");
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                 _("There is no bill number %" PRId64 "."), bill_id);
  sqlite3_reset (stmt);
  return bill;
}

TbBill *
tb_ledger_get_bill (TbLedger  *self,
                    gint64     bill_id,
                    GError   **error)
{
  g_autoptr(TbBill) bill = NULL;
  gboolean ok;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_READ_LOCK (self);

  /* One read transaction so the lines and payments match the totals we return. */
  if (!_tb_ledger_read_begin (self, error))
    return NULL;

  bill = read_bill (self, bill_id, error);
  ok = bill != NULL &&
       read_lines (self, bill, error) &&
       read_payments (self, bill, error) &&
       read_receipt_choices (self, bill, error);
  _tb_ledger_read_end (self);

  return ok ? g_steal_pointer (&bill) : NULL;
}

gboolean
_tb_ledger_query_int64 (TbLedger    *self,
                        const char  *sql,
                        gint64       id,
                        const char  *what,
                        gint64      *out_value,
                        GError     **error)
{
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, what);
    }
  *out_value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_tb_ledger_count_payments (TbLedger *self,
                           gint64    bill_id,
                           gint64   *out_count,
                           GError  **error)
{
  return _tb_ledger_query_int64 (self, "SELECT COUNT(*) FROM payments WHERE bill_id = ?", bill_id,
                                 "count payments", out_count, error);
}

/* The trimmed reason in *@out_reason; FALSE with @error when empty or too long. */
static gboolean
clean_reason (const char  *reason,
              char       **out_reason,
              GError     **error)
{
  g_autofree char *clean = NULL;

  clean = g_strstrip (g_strdup (reason != NULL && g_utf8_validate (reason, -1, NULL) ? reason : ""));
  if (*clean == '\0')
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Say why the bill is void."));
      return FALSE;
    }
  if (strlen (clean) > 500)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The reason is too long: use at most 500 bytes."));
      return FALSE;
    }
  *out_reason = g_steal_pointer (&clean);
  return TRUE;
}

typedef struct
{
  gint64      bill_id;
  const char *reason;
} VoidBill;

/* Only while nothing has been paid: a bill with money on it is refunded, not voided. */
static gboolean
check_voidable (TbLedger  *self,
                gint64     bill_id,
                GError   **error)
{
  TbLedgerBillState state;
  gint64 n_payments = 0;

  if (!_tb_ledger_read_bill_state (self, bill_id, &state, error) ||
      !_tb_ledger_count_payments (self, bill_id, &n_payments, error))
    return FALSE;

  if (state.status == TB_BILL_VOID)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill is already void."));
      return FALSE;
    }
  if (n_payments > 0)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("A bill with payments cannot be voided. Refund the payments first."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
void_bill_in_transaction (TbLedger  *self,
                          gpointer   data,
                          GError   **error)
{
  static const char sql[] =
    "UPDATE bills SET status = 'VOID', void_reason = ?, updated_us = ? WHERE id = ?";
  const VoidBill *op = data;
  sqlite3_stmt *stmt;

  if (!check_voidable (self, op->bill_id, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  _tb_ledger_bind_text (stmt, 1, op->reason);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 3, op->bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "void bill");

  return _tb_ledger_audit (self, "bill.void", "bill", op->bill_id, op->reason, error);
}

gboolean
tb_ledger_void_bill (TbLedger    *self,
                     gint64       bill_id,
                     const char  *reason,
                     GError     **error)
{
  g_autofree char *clean = NULL;
  VoidBill op = { bill_id, NULL };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  if (!clean_reason (reason, &clean, error))
    return FALSE;
  op.reason = clean;

  return _tb_ledger_write (self, void_bill_in_transaction, &op, error);
}
