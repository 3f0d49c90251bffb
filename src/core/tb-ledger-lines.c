/* tb-ledger-lines.c: bill lines and bill totals
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-ledger-private.h"
#include "tb-rules.h"
#include "tb-money.h"
#include "tb-tax.h"

/* The line rules live in tb-rules.c; the ledger checks them again so that nothing reaches
 * the book that another part of Tulbur (or QPay) would refuse later. */
static gboolean
validate_line (const TbLineInput  *input,
               char              **out_description,
               TbLineTax          *out_tax,
               GError            **error)
{
  g_autofree char *classification = NULL;

  return tb_rules_classification_code (input->classification_code, FALSE, &classification, error) &&
         tb_rules_line (input->description, input->quantity_milli, input->unit_price,
                        input->vat, input->city_tax, out_description, out_tax, error);
}

/* Recomputes a bill's totals as exact sums of its lines and moves its status to match. */
static gboolean
refresh_bill_totals (TbLedger  *self,
                     gint64     bill_id,
                     GError   **error)
{
  static const char sql[] =
    "UPDATE bills SET "
    "  total = (SELECT COALESCE(SUM(amount), 0) FROM bill_lines WHERE bill_id = ?1), "
    "  vat_e4 = (SELECT COALESCE(SUM(vat_e4), 0) FROM bill_lines WHERE bill_id = ?1), "
    "  city_tax_e4 = (SELECT COALESCE(SUM(city_tax_e4), 0) FROM bill_lines WHERE bill_id = ?1), "
    "  updated_us = ?2 "
    "WHERE id = ?1";
  static const char status_sql[] =
    "UPDATE bills SET status = ?, overpaid = ? WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  TbLedgerBillState state;
  TbBillStatus status;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "bill totals");

  if (!_tb_ledger_read_bill_state (self, bill_id, &state, error))
    return FALSE;

  if (state.total > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The bill total is too large."));
      return FALSE;
    }

  status = _tb_ledger_status_for (state.status, state.total, state.paid);
  stmt = _tb_ledger_stmt (self, status_sql, error);
  if (stmt == NULL)
    return FALSE;
  _tb_ledger_bind_text (stmt, 1, tb_bill_status_to_string (status));
  sqlite3_bind_int (stmt, 2, _tb_ledger_is_overpaid (status, state.total, state.paid));
  sqlite3_bind_int64 (stmt, 3, bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "bill status");
  return TRUE;
}

static gboolean
has_registered_receipt (TbLedger  *self,
                        gint64     bill_id,
                        gboolean  *out_registered,
                        GError   **error)
{
  gint64 registered = 0;

  if (!_tb_ledger_query_int64 (self,
                               "SELECT EXISTS (SELECT 1 FROM receipts r JOIN payments p ON p.id = r.payment_id "
                               "WHERE p.bill_id = ? AND r.state = 'REGISTERED')",
                               bill_id, "registered receipt", &registered, error))
    return FALSE;
  *out_registered = registered != 0;
  return TRUE;
}

/* Lines are locked once the bill is VOID, fully paid, or has a registered e-receipt: what was
 * paid and declared to the tax authority must stay what the bill says. Further items go on a
 * new bill. Inside the caller's write transaction. */
static gboolean
check_lines_editable (TbLedger           *self,
                      gint64              bill_id,
                      TbLedgerBillState  *state,
                      GError            **error)
{
  gboolean registered = FALSE;

  if (!_tb_ledger_read_bill_state (self, bill_id, state, error))
    return FALSE;

  if (state->status == TB_BILL_VOID)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill is void: open a new bill instead."));
      return FALSE;
    }
  if (state->status == TB_BILL_PAID)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill is fully paid, so its lines are locked. Put further items on a new bill."));
      return FALSE;
    }
  if (!has_registered_receipt (self, bill_id, &registered, error))
    return FALSE;
  if (registered)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill has an issued e-receipt, so its lines are locked. Put further items on a new bill."));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64             bill_id;
  const TbLineInput *input;
  const char        *description;
  TbLineTax          tax;
  gint64             line_id;      /* out */
} AddLine;

static gboolean
insert_line (TbLedger  *self,
             AddLine   *op,
             GError   **error)
{
  static const char sql[] =
    "INSERT INTO bill_lines (bill_id, position, description, quantity_milli, unit_price, amount, "
    "classification_code, vat, city_tax, vat_e4, city_tax_e4, created_us) "
    "VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM bill_lines WHERE bill_id = ?1), "
    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
  const char *code = op->input->classification_code;
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, op->bill_id);
  _tb_ledger_bind_text (stmt, 2, op->description);
  sqlite3_bind_int64 (stmt, 3, op->input->quantity_milli);
  sqlite3_bind_int64 (stmt, 4, op->input->unit_price);
  sqlite3_bind_int64 (stmt, 5, op->tax.amount);
  _tb_ledger_bind_text (stmt, 6, code != NULL && *code != '\0' ? code : NULL);
  sqlite3_bind_int (stmt, 7, op->input->vat ? 1 : 0);
  sqlite3_bind_int (stmt, 8, op->input->city_tax ? 1 : 0);
  sqlite3_bind_int64 (stmt, 9, op->tax.vat_e4);
  sqlite3_bind_int64 (stmt, 10, op->tax.city_tax_e4);
  sqlite3_bind_int64 (stmt, 11, _tb_ledger_now_us ());

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "add line");
  op->line_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
add_line_in_transaction (TbLedger  *self,
                         gpointer   data,
                         GError   **error)
{
  AddLine *op = data;
  g_autofree char *detail = NULL;
  TbLedgerBillState state;

  if (!check_lines_editable (self, op->bill_id, &state, error) || !insert_line (self, op, error))
    return FALSE;

  detail = g_strdup_printf ("line=%" G_GINT64_FORMAT " amount=%" G_GINT64_FORMAT,
                            op->line_id, op->tax.amount);
  return refresh_bill_totals (self, op->bill_id, error) &&
         _tb_ledger_audit (self, "bill.add_line", "bill", op->bill_id, detail, error);
}

gboolean
tb_ledger_add_line (TbLedger           *self,
                    gint64              bill_id,
                    const TbLineInput  *input,
                    gint64             *out_line_id,
                    GError            **error)
{
  g_autofree char *description = NULL;
  AddLine op = { bill_id, input, NULL };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_line (input, &description, &op.tax, error))
    return FALSE;
  op.description = description;

  if (!_tb_ledger_write (self, add_line_in_transaction, &op, error))
    return FALSE;
  if (out_line_id != NULL)
    *out_line_id = op.line_id;
  return TRUE;
}

static gboolean
find_line_bill (TbLedger  *self,
                gint64     line_id,
                gint64    *out_bill_id,
                GError   **error)
{
  static const char sql[] = "SELECT bill_id FROM bill_lines WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, line_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_bill_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "find line");
  g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                       _("That line is no longer on the bill."));
  return FALSE;
}

static gboolean
delete_line (TbLedger  *self,
             gint64     line_id,
             GError   **error)
{
  static const char sql[] = "DELETE FROM bill_lines WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, line_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "remove line");
  return TRUE;
}

static gboolean
remove_line_in_transaction (TbLedger  *self,
                            gpointer   data,
                            GError   **error)
{
  gint64 line_id = *(const gint64 *) data;
  g_autofree char *detail = NULL;
  TbLedgerBillState state;
  gint64 bill_id = 0;
  gint64 n_payments = 0;

  if (!find_line_bill (self, line_id, &bill_id, error) ||
      !check_lines_editable (self, bill_id, &state, error) ||
      !_tb_ledger_count_payments (self, bill_id, &n_payments, error))
    return FALSE;

  if (n_payments > 0)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("Lines cannot be removed once a payment has been taken on the bill."));
      return FALSE;
    }

  detail = g_strdup_printf ("line=%" G_GINT64_FORMAT, line_id);
  return delete_line (self, line_id, error) &&
         refresh_bill_totals (self, bill_id, error) &&
         _tb_ledger_audit (self, "bill.remove_line", "bill", bill_id, detail, error);
}

gboolean
tb_ledger_remove_line (TbLedger  *self,
                       gint64     line_id,
                       GError   **error)
{
  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  return _tb_ledger_write (self, remove_line_in_transaction, &line_id, error);
}
