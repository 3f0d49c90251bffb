/* tb-ledger-export.c: CSV export of payments
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-ledger-private.h"
#include "tb-money.h"

/* "-12500.00", "42": what a spreadsheet reads as a number, never as a formula. */
static gboolean
is_plain_number (const char *value)
{
  const char *p = value;
  gboolean digits = FALSE;

  if (*p == '-')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits = TRUE;
  if (*p == '.' && digits)
    {
      p++;
      digits = FALSE;
      for (; g_ascii_isdigit (*p); p++)
        digits = TRUE;
    }
  return digits && *p == '\0';
}

/* OWASP "CSV injection": a cell a spreadsheet would take for a formula or a DDE call. */
static gboolean
looks_like_formula (const char *value)
{
  return value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL && !is_plain_number (value);
}

/* RFC 4180: quote a field when it holds a comma, a quote or a line break; double the quotes.
 * In the spreadsheet form a formula-like cell gets a leading single quote, inside quotes. */
static void
append_csv_field (GString    *out,
                  TbCsvForm   form,
                  const char *value)
{
  gboolean neutralise;

  if (value == NULL)
    return;

  neutralise = form == TB_CSV_SPREADSHEET && looks_like_formula (value);
  if (!neutralise && strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }

  g_string_append_c (out, '"');
  if (neutralise)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static char *
format_utc (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

/* One CSV row for the payment @stmt is on (columns as in tb_ledger_export_payments_csv). */
static void
append_payment_row (GString      *out,
                    TbCsvForm     form,
                    sqlite3_stmt *stmt)
{
  g_autofree char *created = format_utc (sqlite3_column_int64 (stmt, 1));
  g_autofree char *amount = tb_money_format_decimal (sqlite3_column_int64 (stmt, 4));

  g_string_append_printf (out, "%" G_GINT64_FORMAT ",", (gint64) sqlite3_column_int64 (stmt, 0));
  append_csv_field (out, form, created);
  g_string_append_c (out, ',');
  append_csv_field (out, form, (const char *) sqlite3_column_text (stmt, 2));
  g_string_append_c (out, ',');
  append_csv_field (out, form, (const char *) sqlite3_column_text (stmt, 10));
  g_string_append_c (out, ',');
  append_csv_field (out, form, (const char *) sqlite3_column_text (stmt, 3));
  g_string_append_c (out, ',');
  append_csv_field (out, form, amount);
  g_string_append_c (out, ',');
  append_csv_field (out, form, (const char *) sqlite3_column_text (stmt, 5));
  g_string_append_c (out, ',');
  append_csv_field (out, form, (const char *) sqlite3_column_text (stmt, 6));
  g_string_append_c (out, ',');
  append_csv_field (out, form, (const char *) sqlite3_column_text (stmt, 7));
  g_string_append_c (out, ',');
  if (sqlite3_column_type (stmt, 8) != SQLITE_NULL)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 8));
  g_string_append_c (out, ',');
  if (sqlite3_column_type (stmt, 9) != SQLITE_NULL)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 9));
  g_string_append (out, "\r\n");
}

gboolean
tb_ledger_export_payments_csv (TbLedger  *self,
                               gint64     from_us,
                               gint64     to_us,
                               GString   *out,
                               GError   **error)
{
  return tb_ledger_export_payments_csv_form (self, from_us, to_us, TB_CSV_PLAIN, out, error);
}

gboolean
tb_ledger_export_payments_csv_form (TbLedger  *self,
                                    gint64     from_us,
                                    gint64     to_us,
                                    TbCsvForm  form,
                                    GString   *out,
                                    GError   **error)
{
  static const char sql[] =
    "SELECT p.id, p.created_us, b.number, p.method, p.amount, b.currency, p.reference, "
    "p.provider_txn_id, p.intent_id, p.refund_of, c.name "
    "FROM payments p JOIN bills b ON b.id = p.bill_id LEFT JOIN customers c ON c.id = b.customer_id "
    "WHERE p.created_us >= ?1 AND (?2 = 0 OR p.created_us < ?2) ORDER BY p.id";
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  TB_LEDGER_READ_LOCK (self);

  stmt = _tb_ledger_read_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, from_us);
  sqlite3_bind_int64 (stmt, 2, to_us);

  /* The BOM tells Excel the file is UTF-8; without it Cyrillic reads as mojibake. */
  if (form == TB_CSV_SPREADSHEET)
    g_string_append (out, "\xef\xbb\xbf");
  g_string_append (out, "payment_id,created_utc,bill,customer,method,amount,currency,reference,"
                        "provider_txn_id,intent_id,refund_of\r\n");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    append_payment_row (out, form, stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return _tb_ledger_read_fail (self, error, "export");
  return TRUE;
}

gboolean
tb_ledger_export_payments_file (TbLedger   *self,
                                gint64      from_us,
                                gint64      to_us,
                                TbCsvForm   form,
                                const char *path,
                                GError    **error)
{
  g_autoptr(GString) csv = g_string_new (NULL);

  g_return_val_if_fail (path != NULL, FALSE);

  if (!tb_ledger_export_payments_csv_form (self, from_us, to_us, form, csv, error))
    return FALSE;
  return g_file_set_contents_full (path, csv->str, csv->len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}
