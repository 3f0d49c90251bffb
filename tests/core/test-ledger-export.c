/* test-ledger-export.c: the payments CSV as a spreadsheet file
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/tb-ledger.h"
#include "tb-test-utils.h"

/* What the window's Export Payments… writes: BOM, neutralised formulas, numbers kept, 0600. */
static void
test_spreadsheet_file (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *db = g_build_filename (dir, "ledger.db", NULL);
  g_autofree char *out = g_build_filename (dir, "payments.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (db, &error);
  TbLineInput line = { "Үзлэг", 1000, 1000000, NULL, TRUE, FALSE };
  gint64 bill_id = 0;
  TbSettleRequest request = { 0, TB_METHOD_CARD, 250050, "txn-1", "=1+2", 0, 0 };
  TbSettleResult result;
  g_autofree char *data = NULL;
  struct stat st;

  g_assert_no_error (error);
  g_assert_true (tb_ledger_create_bill (ledger, 0, NULL, &bill_id, NULL, &error));
  g_assert_true (tb_ledger_add_line (ledger, bill_id, &line, NULL, &error));
  request.bill_id = bill_id;
  g_assert_true (tb_ledger_settle (ledger, &request, &result, &error));
  g_assert_no_error (error);

  g_assert_true (tb_ledger_export_payments_file (ledger, 0, 0, TB_CSV_SPREADSHEET, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &data, NULL, NULL));
  g_assert_true (g_str_has_prefix (data, "\xef\xbb\xbfpayment_id,"));
  g_assert_nonnull (strstr (data, ",CARD,2500.50,MNT,\"'=1+2\",txn-1,,\r\n"));
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_clear_object (&ledger);
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tulbur/ledger-export/spreadsheet-file", test_spreadsheet_file);
  return g_test_run ();
}
