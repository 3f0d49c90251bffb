/* tb-ledger-lines.c: bill lines and bill totals
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-ledger-private.h"
#include "tb-money.h"
#include "tb-tax.h"

static gboolean
validate_line (const TbLineInput  *input,
               char              **out_description,
               TbLineTax          *out_tax,
               GError            **error)
{
  g_autofree char *description = NULL;

  if (input->description == NULL || !g_utf8_validate (input->description, -1, NULL))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Describe what is being sold."));
      return FALSE;
    }

  description = g_strstrip (g_strdup (input->description));
  if (*description == '\0')
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Describe what is being sold."));
      return FALSE;
    }
  if (strlen (description) > 255)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The description is too long: use at most 255 bytes (about 120 Cyrillic letters)."));
      return FALSE;
    }

  if (input->quantity_milli <= 0)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The quantity must be more than zero."));
      return FALSE;
    }
  if (input->unit_price < 0 || input->unit_price > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The price must be zero or more."));
      return FALSE;
    }

  if (input->classification_code != NULL && *input->classification_code != '\0')
    {
      gboolean ok = strlen (input->classification_code) == 7;

      for (const char *p = input->classification_code; ok && *p != '\0'; p++)
        ok = g_ascii_isdigit (*p);
      if (!ok)
        {
          g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                               _("A classification code has 7 digits, for example 6743000."));
          return FALSE;
        }
    }

  if (!tb_tax_line (input->quantity_milli, input->unit_price, input->vat, input->city_tax, out_tax))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The line amount is too large."));
      return FALSE;
    }

  *out_description = g_steal_pointer (&description);
  return TRUE;
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
  static const char sql[] =
    "SELECT EXISTS (SELECT 1 FROM receipts r JOIN payments p ON p.id = r.payment_id "
    "WHERE p.bill_id = ? AND r.state = 'REGISTERED')";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, "registered receipt");
    }
  *out_registered = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
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

gboolean
tb_ledger_add_line (TbLedger           *self,
                    gint64              bill_id,
                    const TbLineInput  *input,
                    gint64             *out_line_id,
                    GError            **error)
{
  static const char sql[] =
    "INSERT INTO bill_lines (bill_id, position, description, quantity_milli, unit_price, amount, "
    "classification_code, vat, city_tax, vat_e4, city_tax_e4, created_us) "
    "VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM bill_lines WHERE bill_id = ?1), "
    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
  g_autofree char *description = NULL;
  g_autofree char *detail = NULL;
  TbLineTax tax;
  TbLedgerBillState state;
  sqlite3_stmt *stmt;
  gint64 line_id;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_line (input, &description, &tax, error))
    return FALSE;

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  if (!check_lines_editable (self, bill_id, &state, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, bill_id);
  _tb_ledger_bind_text (stmt, 2, description);
  sqlite3_bind_int64 (stmt, 3, input->quantity_milli);
  sqlite3_bind_int64 (stmt, 4, input->unit_price);
  sqlite3_bind_int64 (stmt, 5, tax.amount);
  _tb_ledger_bind_text (stmt, 6, input->classification_code != NULL && *input->classification_code != '\0'
                                   ? input->classification_code : NULL);
  sqlite3_bind_int (stmt, 7, input->vat ? 1 : 0);
  sqlite3_bind_int (stmt, 8, input->city_tax ? 1 : 0);
  sqlite3_bind_int64 (stmt, 9, tax.vat_e4);
  sqlite3_bind_int64 (stmt, 10, tax.city_tax_e4);
  sqlite3_bind_int64 (stmt, 11, _tb_ledger_now_us ());

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "add line");
      _tb_ledger_rollback (self);
      return FALSE;
    }
  line_id = sqlite3_last_insert_rowid (self->db);

  detail = g_strdup_printf ("line=%" G_GINT64_FORMAT " amount=%" G_GINT64_FORMAT, line_id, tax.amount);
  if (!refresh_bill_totals (self, bill_id, error) ||
      !_tb_ledger_audit (self, "bill.add_line", "bill", bill_id, detail, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (out_line_id != NULL)
    *out_line_id = line_id;
  return TRUE;
}

gboolean
tb_ledger_remove_line (TbLedger  *self,
                       gint64     line_id,
                       GError   **error)
{
  static const char find_sql[] = "SELECT bill_id FROM bill_lines WHERE id = ?";
  static const char delete_sql[] = "DELETE FROM bill_lines WHERE id = ?";
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  gint64 bill_id;
  gint64 n_payments = 0;
  TbLedgerBillState state;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, find_sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, line_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                           _("That line is no longer on the bill."));
      return FALSE;
    }
  bill_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (!check_lines_editable (self, bill_id, &state, error) ||
      !_tb_ledger_count_payments (self, bill_id, &n_payments, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (n_payments > 0)
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("Lines cannot be removed once a payment has been taken on the bill."));
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, delete_sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, line_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "remove line");
      _tb_ledger_rollback (self);
      return FALSE;
    }

  detail = g_strdup_printf ("line=%" G_GINT64_FORMAT, line_id);
  if (!refresh_bill_totals (self, bill_id, error) ||
      !_tb_ledger_audit (self, "bill.remove_line", "bill", bill_id, detail, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
}
