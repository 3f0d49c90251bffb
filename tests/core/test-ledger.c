/* test-ledger.c: migrations, customers, bills, idempotent settlement, lists, export
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "core/tb-ledger.h"
#include "core/tb-rules.h"
#include "core/tb-money.h"
#include "core/tb-seal.h"
#include "tb-test-utils.h"

typedef struct
{
  char     *dir;
  char     *path;
  TbLedger *ledger;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = tb_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "sub", "ledger.db", NULL);
  f->ledger = tb_ledger_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->ledger);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->ledger);
  g_free (f->path);
  tb_test_tmpdir_free (f->dir);
}

static int
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

/* The journal mode as the file has it, read (never set) on a read-only connection: WAL is
 * recorded in the database header, so any later connection sees what the ledger chose. */
static char *
journal_mode (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *mode = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return mode;
}

static gint64
new_bill_with_lines (TbLedger   *ledger,
                     gint64      customer_id,
                     const gint64 *prices,
                     guint        n_prices)
{
  g_autoptr(GError) error = NULL;
  gint64 bill_id = 0;

  g_assert_true (tb_ledger_create_bill (ledger, customer_id, NULL, &bill_id, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n_prices; i++)
    {
      TbLineInput line = { "Үзлэг", 1000, prices[i], NULL, TRUE, FALSE };

      g_assert_true (tb_ledger_add_line (ledger, bill_id, &line, NULL, &error));
      g_assert_no_error (error);
    }
  return bill_id;
}

static void
settle_ok (TbLedger        *ledger,
           gint64           bill_id,
           TbPaymentMethod  method,
           gint64           amount,
           const char      *txn,
           TbSettleResult  *result)
{
  g_autoptr(GError) error = NULL;
  TbSettleRequest request = { bill_id, method, amount, txn, NULL, 0, 0 };

  g_assert_true (tb_ledger_settle (ledger, &request, result, &error));
  g_assert_no_error (error);
}

static void
test_open_and_migrate (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strconcat (f->path, ".key", NULL);
  struct stat st;
  TbLedger *again;

  g_assert_cmpint (tb_ledger_get_schema_version (f->ledger), ==, 6);
  g_assert_cmpint (tb_test_sql_int (f->path, "PRAGMA user_version"), ==, 6);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE action = 'ledger.migrate'"), ==, 6);

  /* The database and its key are private to the user. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 64);

  /* Opening again runs no migration twice. */
  again = tb_ledger_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tb_ledger_get_schema_version (again), ==, 6);
  g_assert_finalize_object (again);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE action = 'ledger.migrate'"), ==, 6);

  /* The ledger itself put the file in WAL mode. (This used to run "PRAGMA journal_mode =
   * WAL" on the test's own connection, which sets WAL rather than checking it, and compared
   * the text answer as an integer.) */
  {
    g_autofree char *mode = journal_mode (f->path);

    g_assert_cmpstr (mode, ==, "wal");
  }
}

static void
test_too_new (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "l.db", NULL);
  g_autoptr(GError) error = NULL;
  TbLedger *ledger = tb_ledger_open (path, &error);

  g_assert_no_error (error);
  g_assert_finalize_object (ledger);
  g_assert_cmpint (raw_exec (path, "PRAGMA user_version = 99"), ==, SQLITE_OK);

  ledger = tb_ledger_open (path, &error);
  g_assert_null (ledger);
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_TOO_NEW);

  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + strlen (needle) <= len; i++)
    if (memcmp (contents + i, needle, strlen (needle)) == 0)
      return TRUE;
  return FALSE;
}

static void
test_customers_sealed (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbCustomer) c = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  gint64 id = 0, id2 = 0;

  g_assert_true (tb_ledger_add_customer (f->ledger, "Бат-Эрдэнэ", "9911-2233", "УБ99112233", &id, &error));
  g_assert_no_error (error);
  g_assert_true (tb_ledger_add_customer (f->ledger, "Acme LLC", "88776655", "1234567", &id2, &error));
  g_assert_no_error (error);

  c = tb_ledger_get_customer (f->ledger, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->name, ==, "Бат-Эрдэнэ");
  g_assert_cmpstr (c->phone, ==, "99112233");
  g_assert_cmpstr (c->register_no, ==, "УБ99112233");

  /* Neither the phone nor the register number is anywhere in the database files. */
  g_assert_false (file_contains (f->path, "99112233"));
  g_assert_false (file_contains (wal, "99112233"));
  g_assert_false (file_contains (wal, "88776655"));
  g_assert_false (file_contains (wal, "1234567"));
  g_assert_true (file_contains (wal, "Acme LLC"));   /* the search proves we read the right file */

  /* Case-insensitive prefix in Cyrillic, and the whole phone number. */
  found = tb_ledger_find_customers (f->ledger, "бат", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((TbCustomer *) found->pdata[0])->id, ==, id);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = tb_ledger_find_customers (f->ledger, "88776655", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((TbCustomer *) found->pdata[0])->id, ==, id2);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = tb_ledger_find_customers (f->ledger, "8877", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Bad input: a clear error and nothing written. */
  g_assert_false (tb_ledger_add_customer (f->ledger, "  ", NULL, NULL, NULL, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  /* Field rules say which field is wrong (tb-rules.h). */
  g_assert_false (tb_ledger_add_customer (f->ledger, "X", "99-abc", NULL, NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_PHONE);
  g_clear_error (&error);
  g_assert_false (tb_ledger_add_customer (f->ledger, "X", NULL, "12345", NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_REGISTER_NO);
  g_clear_error (&error);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM customers"), ==, 2);

  /* The audit log never holds personal data. */
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%9911%' OR detail LIKE '%1234567%'"), ==, 0);

  g_assert_true (tb_ledger_update_customer (f->ledger, id2, "Acme", NULL, "12345678901", &error));
  g_assert_no_error (error);
  g_clear_pointer (&c, tb_customer_free);
  c = tb_ledger_get_customer (f->ledger, id2, &error);
  g_assert_null (c->phone);
  g_assert_cmpstr (c->register_no, ==, "12345678901");
}

static void
test_bill_lines_and_totals (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autofree char *number = NULL;
  g_autofree char *number2 = NULL;
  gint64 bill_id = 0, bill2 = 0, line_id = 0;
  TbLineInput a = { "  Consultation  ", 1000, 1100000, "8610000", TRUE, FALSE };
  TbLineInput b = { "Parking", 2000, 50000, NULL, TRUE, TRUE };
  TbLineInput bad = { "", 1000, 100, NULL, TRUE, FALSE };

  g_assert_true (tb_ledger_create_bill (f->ledger, 0, "walk-in", &bill_id, &number, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (number, ==, "1");
  g_assert_true (tb_ledger_create_bill (f->ledger, 0, NULL, &bill2, &number2, &error));
  g_assert_cmpstr (number2, ==, "2");
  g_assert_cmpint (tb_ledger_lookup_bill (f->ledger, "#2", &error), ==, bill2);

  g_assert_true (tb_ledger_add_line (f->ledger, bill_id, &a, &line_id, &error));
  g_assert_no_error (error);
  g_assert_true (tb_ledger_add_line (f->ledger, bill_id, &b, NULL, &error));
  g_assert_no_error (error);

  bill = tb_ledger_get_bill (f->ledger, bill_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bill->lines->len, ==, 2);
  g_assert_cmpstr (((TbBillLine *) bill->lines->pdata[0])->description, ==, "Consultation");
  /* 11 000 + 2 × 500 = 12 000 ₮; VAT 1000.0000 + 1000 × 10/112 = 89.2857; city 17.8571 */
  g_assert_cmpint (bill->total, ==, 1200000);
  g_assert_cmpint (bill->vat_e4, ==, 10000000 + 892857);
  g_assert_cmpint (bill->city_tax_e4, ==, 178571);
  g_assert_cmpint (bill->status, ==, TB_BILL_OPEN);
  g_assert_cmpint (tb_bill_get_due (bill), ==, 1200000);
  g_assert_cmpstr (bill->note, ==, "walk-in");

  /* Bad lines change nothing. */
  g_assert_false (tb_ledger_add_line (f->ledger, bill_id, &bad, NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_DESCRIPTION);
  g_clear_error (&error);
  bad.description = "x";
  bad.classification_code = "12ab";
  g_assert_false (tb_ledger_add_line (f->ledger, bill_id, &bad, NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_CLASSIFICATION);
  g_clear_error (&error);
  g_assert_false (tb_ledger_add_line (f->ledger, 999, &a, NULL, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM bill_lines"), ==, 2);

  /* Remove a line: the totals follow. */
  g_assert_true (tb_ledger_remove_line (f->ledger, line_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&bill, tb_bill_free);
  bill = tb_ledger_get_bill (f->ledger, bill_id, &error);
  g_assert_cmpint (bill->total, ==, 100000);
  g_assert_cmpint (bill->vat_e4, ==, 892857);
}

static void
test_settle_idempotent_and_status (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbBill) bill = NULL;
  const gint64 prices[] = { 1000000, 250000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 2);   /* 12 500 ₮ */
  TbSettleResult r1, r2, r3, r4;

  settle_ok (f->ledger, bill_id, TB_METHOD_CARD, 500000, "slip-001", &r1);
  g_assert_false (r1.already_settled);
  g_assert_cmpint (r1.status, ==, TB_BILL_PARTIAL);
  g_assert_cmpint (r1.paid, ==, 500000);
  g_assert_cmpint (r1.due, ==, 750000);

  /* The same slip again: nothing changes, and we are told so. */
  settle_ok (f->ledger, bill_id, TB_METHOD_CARD, 500000, "slip-001", &r2);
  g_assert_true (r2.already_settled);
  g_assert_cmpint (r2.payment_id, ==, r1.payment_id);
  g_assert_cmpint (r2.paid, ==, 500000);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 1);

  /* The same id under another method is another payment. */
  settle_ok (f->ledger, bill_id, TB_METHOD_CASH, 750000, "slip-001", &r3);
  g_assert_false (r3.already_settled);
  g_assert_cmpint (r3.status, ==, TB_BILL_PAID);
  g_assert_cmpint (r3.due, ==, 0);
  g_assert_false (r3.overpaid);

  /* More than due is recorded and flagged, never dropped. */
  settle_ok (f->ledger, bill_id, TB_METHOD_QPAY, 10000, "493622150113497", &r4);
  g_assert_true (r4.overpaid);
  g_assert_cmpint (r4.paid, ==, 1260000);
  g_assert_cmpint (r4.status, ==, TB_BILL_PAID);

  bill = tb_ledger_get_bill (f->ledger, bill_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bill->payments->len, ==, 3);
  g_assert_true (bill->overpaid);
  g_assert_cmpint (bill->paid, ==, tb_test_sql_int (f->path, "SELECT SUM(amount) FROM payments"));

  /* A QPay payment queues its receipt in the same transaction. */
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM receipts WHERE state = 'PENDING'"), ==, 1);

  /* Payments and the audit log are append-only. */
  g_assert_cmpint (raw_exec (f->path, "UPDATE payments SET amount = 1"), !=, SQLITE_OK);
  g_assert_cmpint (raw_exec (f->path, "DELETE FROM payments"), !=, SQLITE_OK);
  g_assert_cmpint (raw_exec (f->path, "DELETE FROM audit_log"), !=, SQLITE_OK);
  g_assert_cmpint (raw_exec (f->path, "DELETE FROM bills"), !=, SQLITE_OK);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE action = 'payment.settle'"), ==, 3);

  /* Without an idempotency key every call is a new payment (on a bill that still owes: cash
   * beyond what is due is refused, see settle-staff-amount-rules). */
  bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  settle_ok (f->ledger, bill_id, TB_METHOD_CASH, 100, NULL, &r1);
  settle_ok (f->ledger, bill_id, TB_METHOD_CASH, 100, NULL, &r2);
  g_assert_cmpint (r1.payment_id, !=, r2.payment_id);
}

static void
assert_settle_refused (TbLedger        *ledger,
                       gint64           bill_id,
                       TbPaymentMethod  method,
                       gint64           amount,
                       int              code)
{
  g_autoptr(GError) error = NULL;
  TbSettleRequest request = { bill_id, method, amount, NULL, NULL, 0, 0 };
  TbSettleResult result;

  g_assert_false (tb_ledger_settle (ledger, &request, &result, &error));
  g_assert_error (error, TB_LEDGER_ERROR, code);
}

static void
test_settle_staff_amount_rules (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const gint64 prices[] = { 100000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  gint64 void_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  TbSettleRequest over = { bill_id, TB_METHOD_CASH, 150000, "over", NULL, 0, 0 };
  TbSettleResult r;

  /* Cash or card beyond what is due, or on a paid or void bill, is refused. */
  assert_settle_refused (f->ledger, bill_id, TB_METHOD_CASH, 100001, TB_LEDGER_ERROR_INVALID);
  settle_ok (f->ledger, bill_id, TB_METHOD_CARD, 60000, "slip-1", &r);
  assert_settle_refused (f->ledger, bill_id, TB_METHOD_CARD, 40001, TB_LEDGER_ERROR_INVALID);
  settle_ok (f->ledger, bill_id, TB_METHOD_CASH, 40000, "cash-1", &r);
  g_assert_cmpint (r.status, ==, TB_BILL_PAID);
  assert_settle_refused (f->ledger, bill_id, TB_METHOD_CASH, 1, TB_LEDGER_ERROR_STATE);
  g_assert_true (tb_ledger_void_bill (f->ledger, void_id, "mistake", &error));
  assert_settle_refused (f->ledger, void_id, TB_METHOD_CARD, 100, TB_LEDGER_ERROR_STATE);

  /* A repeat of a recorded payment is still reported, not refused. */
  settle_ok (f->ledger, bill_id, TB_METHOD_CARD, 60000, "slip-1", &r);
  g_assert_true (r.already_settled);

  /* Staff may record more on purpose (tulbur-cli --allow-overpay); a provider's payment is
   * always recorded. */
  over.allow_overpay = TRUE;
  g_assert_true (tb_ledger_settle (f->ledger, &over, &r, &error));
  g_assert_no_error (error);
  g_assert_true (r.overpaid);
  settle_ok (f->ledger, void_id, TB_METHOD_QPAY, 100000, "200000000000001", &r);
  g_assert_true (r.overpaid);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 4);
}

static void
test_settle_many_parts (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const gint64 prices[] = { 1000000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  g_autofree char *count_sql = g_strdup_printf ("SELECT COUNT(*) FROM payments WHERE bill_id = %"
                                                G_GINT64_FORMAT, bill_id);
  TbSettleRequest too_much[2] = {
    { bill_id, TB_METHOD_CASH, 600000, "press-1:cash", NULL, 0, 700000 },
    { bill_id, TB_METHOD_CARD, 500000, "press-1:card", NULL, 0, 0 },
  };
  TbSettleRequest pair[2] = {
    { bill_id, TB_METHOD_CASH, 600000, "press-2:cash", NULL, 0, 700000 },
    { bill_id, TB_METHOD_CARD, 400000, "press-2:card", NULL, 0, 0 },
  };
  TbSettleResult results[2];

  /* Each part fits what is due, together they do not: the second part fails inside the
   * transaction and neither is recorded. */
  g_assert_false (tb_ledger_settle_many (f->ledger, too_much, 2, results, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (tb_test_sql_int (f->path, count_sql), ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 0);

  g_assert_true (tb_ledger_settle_many (f->ledger, pair, 2, results, &error));
  g_assert_no_error (error);
  g_assert_cmpint (results[0].status, ==, TB_BILL_PARTIAL);
  g_assert_cmpint (results[1].status, ==, TB_BILL_PAID);
  g_assert_cmpint (results[1].due, ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, count_sql), ==, 2);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 1000000);

  /* The same press again (a retry after a lost answer) changes nothing. */
  g_assert_true (tb_ledger_settle_many (f->ledger, pair, 2, results, &error));
  g_assert_true (results[0].already_settled && results[1].already_settled);
  g_assert_cmpint (tb_test_sql_int (f->path, count_sql), ==, 2);
}

static void
assert_lines_locked (TbLedger *ledger,
                     gint64    bill_id,
                     gint64    line_id)
{
  g_autoptr(GError) error = NULL;
  TbLineInput line = { "Эм", 1000, 100, NULL, TRUE, FALSE };

  g_assert_false (tb_ledger_add_line (ledger, bill_id, &line, NULL, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "new bill"));
  g_clear_error (&error);
  g_assert_false (tb_ledger_remove_line (ledger, line_id, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "new bill"));
}

static void
test_locked_lines (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(TbBill) bill = NULL;
  const gint64 prices[] = { 1000000 };
  gint64 paid_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  gint64 receipt_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  gint64 partial_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  TbReceiptRegistration reg = { "uuid-2", "030101065006000090690000210005596", "CK 59114204",
                                "123456789012345678901234567891", "30101065006", 400000, 363636, 0 };
  TbLineInput line = { "Эм", 1000, 5000, NULL, TRUE, FALSE };
  TbSettleResult r;
  gint64 line_id;

  /* Fully paid. */
  settle_ok (f->ledger, paid_id, TB_METHOD_CASH, 1000000, "cash-paid", &r);
  bill = tb_ledger_get_bill (f->ledger, paid_id, &error);
  assert_lines_locked (f->ledger, paid_id, ((TbBillLine *) bill->lines->pdata[0])->id);
  g_clear_pointer (&bill, tb_bill_free);

  /* Partly paid, with a registered e-receipt for that part. */
  settle_ok (f->ledger, receipt_id, TB_METHOD_QPAY, 400000, "300000000000001", &r);
  due = tb_ledger_due_receipts (f->ledger, G_MAXINT64, 10, &error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_true (tb_ledger_receipt_registered (f->ledger, ((TbReceipt *) due->pdata[0])->id, &reg, &error));
  g_assert_no_error (error);
  bill = tb_ledger_get_bill (f->ledger, receipt_id, &error);
  g_assert_cmpint (bill->status, ==, TB_BILL_PARTIAL);
  assert_lines_locked (f->ledger, receipt_id, ((TbBillLine *) bill->lines->pdata[0])->id);
  g_clear_pointer (&bill, tb_bill_free);

  /* Partly paid without a registered receipt: still takes lines. */
  settle_ok (f->ledger, partial_id, TB_METHOD_CARD, 400000, "slip-partial", &r);
  g_assert_true (tb_ledger_add_line (f->ledger, partial_id, &line, &line_id, &error));
  g_assert_no_error (error);
  bill = tb_ledger_get_bill (f->ledger, partial_id, &error);
  g_assert_cmpint (bill->total, ==, 1005000);
  g_assert_cmpint (bill->status, ==, TB_BILL_PARTIAL);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM bill_lines"), ==, 4);
}

static void
test_settle_bad_input (Fixture       *f,
                       gconstpointer  data)
{
  const gint64 prices[] = { 100000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  struct { TbSettleRequest req; int code; } cases[] = {
    { { bill_id, TB_METHOD_CASH, 0, NULL, NULL, 0, 0 }, TB_LEDGER_ERROR_INVALID },
    { { bill_id, TB_METHOD_CASH, -100, NULL, NULL, 0, 0 }, TB_LEDGER_ERROR_INVALID },
    { { bill_id, TB_METHOD_CASH, G_GINT64_CONSTANT (1000000000000001), NULL, NULL, 0, 0 }, TB_LEDGER_ERROR_INVALID },
    { { bill_id, TB_METHOD_CASH, 100, "", NULL, 0, 0 }, TB_LEDGER_ERROR_INVALID },
    { { bill_id, (TbPaymentMethod) 17, 100, NULL, NULL, 0, 0 }, TB_LEDGER_ERROR_INVALID },
    { { 4242, TB_METHOD_CASH, 100, NULL, NULL, 0, 0 }, TB_LEDGER_ERROR_NOT_FOUND },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      TbSettleResult result = { 0 };

      g_assert_false (tb_ledger_settle (f->ledger, &cases[i].req, &result, &error));
      g_assert_error (error, TB_LEDGER_ERROR, cases[i].code);
    }
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 0);
}

static void
test_void (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbBill) bill = NULL;
  const gint64 prices[] = { 100000 };
  gint64 paid_bill = new_bill_with_lines (f->ledger, 0, prices, 1);
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  TbLineInput line = { "x", 1000, 100, NULL, TRUE, FALSE };
  TbSettleResult r;

  settle_ok (f->ledger, paid_bill, TB_METHOD_CASH, 100, NULL, &r);
  g_assert_false (tb_ledger_void_bill (f->ledger, paid_bill, "mistake", &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
  g_clear_error (&error);

  g_assert_false (tb_ledger_void_bill (f->ledger, bill_id, "   ", &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (tb_ledger_void_bill (f->ledger, bill_id, "Customer left", &error));
  g_assert_no_error (error);
  g_assert_false (tb_ledger_add_line (f->ledger, bill_id, &line, NULL, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
  g_clear_error (&error);

  /* A payment that arrives after the bill was voided is still recorded, and flagged. */
  settle_ok (f->ledger, bill_id, TB_METHOD_QPAY, 100000, "late-payment-1", &r);
  g_assert_false (r.already_settled);
  g_assert_cmpint (r.status, ==, TB_BILL_VOID);
  g_assert_true (r.overpaid);

  bill = tb_ledger_get_bill (f->ledger, bill_id, &error);
  g_assert_cmpint (bill->status, ==, TB_BILL_VOID);
  g_assert_cmpstr (bill->void_reason, ==, "Customer left");
  g_assert_cmpint (bill->paid, ==, 100000);
  g_assert_cmpint (tb_bill_get_due (bill), ==, 0);
}

static void
test_list_and_search (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  gint64 dorj = 0, other = 0;
  const gint64 prices[] = { 100000 };
  TbSettleResult r;

  g_assert_true (tb_ledger_add_customer (f->ledger, "Дорж", "99001122", NULL, &dorj, &error));
  g_assert_true (tb_ledger_add_customer (f->ledger, "Oyuna", NULL, NULL, &other, &error));

  for (int i = 0; i < 25; i++)
    {
      gint64 id = new_bill_with_lines (f->ledger, i % 5 == 0 ? dorj : (i % 5 == 1 ? other : 0), prices, 1);
      if (i % 3 == 0)
        settle_ok (f->ledger, id, TB_METHOD_CASH, 100000, NULL, &r);
    }

  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, NULL, &error), ==, 25);
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_PAID, NULL, &error), ==, 9);
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_OPEN, NULL, &error), ==, 16);
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_TODAY, NULL, &error), ==, 25);

  /* Newest first, pages join up. */
  page = tb_ledger_list_bills (f->ledger, TB_BILL_FILTER_ALL, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 10);
  g_assert_cmpstr (((TbBill *) page->pdata[0])->number, ==, "25");
  g_clear_pointer (&page, g_ptr_array_unref);
  page = tb_ledger_list_bills (f->ledger, TB_BILL_FILTER_ALL, NULL, 20, 10, &error);
  g_assert_cmpuint (page->len, ==, 5);
  g_assert_cmpstr (((TbBill *) page->pdata[0])->number, ==, "5");
  g_assert_cmpstr (((TbBill *) page->pdata[4])->number, ==, "1");
  g_clear_pointer (&page, g_ptr_array_unref);

  page = tb_ledger_list_bills (f->ledger, TB_BILL_FILTER_PAID, NULL, 0, 100, &error);
  g_assert_cmpuint (page->len, ==, 9);
  for (guint i = 0; i < page->len; i++)
    g_assert_cmpint (((TbBill *) page->pdata[i])->status, ==, TB_BILL_PAID);
  g_clear_pointer (&page, g_ptr_array_unref);

  /* Number prefix "2" → 2, 20..25 */
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, "2", &error), ==, 7);
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, "#19", &error), ==, 1);
  /* Name prefix, any case, Cyrillic */
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, "дор", &error), ==, 5);
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, "OYU", &error), ==, 5);
  /* Whole phone number */
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, "99001122", &error), ==, 5);
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, "nobody", &error), ==, 0);

  page = tb_ledger_list_bills (f->ledger, TB_BILL_FILTER_OPEN, "Дорж", 0, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < page->len; i++)
    {
      TbBill *bill = page->pdata[i];
      g_assert_cmpstr (bill->customer_name, ==, "Дорж");
      g_assert_cmpint (bill->status, !=, TB_BILL_PAID);
    }
  g_assert_cmpuint (page->len, ==, tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_OPEN, "Дорж", NULL));
  g_assert_cmpuint (page->len, >, 0);

  /* A hostile search is just text. */
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, "'; DROP TABLE bills; --", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (tb_ledger_count_bills (f->ledger, TB_BILL_FILTER_ALL, NULL, &error), ==, 25);
}

static void
test_export_csv (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GString) none = g_string_new (NULL);
  const gint64 prices[] = { 1000000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  TbSettleRequest req = { bill_id, TB_METHOD_CARD, 250050, "slip, \"7\"\nb", "Ref, with \"quotes\"", 0, 0 };
  TbSettleResult r;
  g_auto(GStrv) rows = NULL;

  g_assert_true (tb_ledger_settle (f->ledger, &req, &r, &error));
  g_assert_no_error (error);

  g_assert_true (tb_ledger_export_payments_csv (f->ledger, 0, 0, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv->str, "payment_id,created_utc,bill,customer,method,amount,currency,reference,provider_txn_id,intent_id,refund_of\r\n"));
  g_assert_nonnull (strstr (csv->str, ",1,,CARD,2500.50,MNT,\"Ref, with \"\"quotes\"\"\",\"slip, \"\"7\"\"\nb\",,\r\n"));
  rows = g_strsplit (csv->str, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 3);   /* header, one row, trailing empty */

  /* A range in the future has only the header. */
  g_assert_true (tb_ledger_export_payments_csv (f->ledger, g_get_real_time () + (gint64) G_USEC_PER_SEC * 3600, 0, none, &error));
  g_assert_cmpstr (none->str, ==, "payment_id,created_utc,bill,customer,method,amount,currency,reference,provider_txn_id,intent_id,refund_of\r\n");
}

static void
test_intents (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbIntent) again = NULL;
  g_autoptr(TbIntent) none = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) open_list = NULL;
  const gint64 prices[] = { 1250000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  TbSettleRequest req = { bill_id, TB_METHOD_QPAY, 500000, "100000000000001", NULL, 0, 0 };
  TbSettleResult r;

  /* More than due, or nothing, is refused and writes nothing. */
  g_assert_null (tb_ledger_create_intent (f->ledger, bill_id, "QPAY", "sim", 1250001, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (tb_ledger_create_intent (f->ledger, bill_id, "QPAY", "sim", 0, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payment_intents"), ==, 0);

  intent = tb_ledger_create_intent (f->ledger, bill_id, "QPAY", "sim", 1250000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (intent->state, ==, TB_INTENT_NEW);
  g_assert_true (g_str_has_prefix (intent->sender_invoice_no, "TB1X1R"));
  g_assert_cmpuint (strlen (intent->sender_invoice_no), <=, 45);
  for (const char *p = intent->sender_invoice_no; *p; p++)
    g_assert_true (g_ascii_isalnum (*p));

  /* The committed NEW intent is found again (a retry reuses its number). */
  again = tb_ledger_find_open_intent (f->ledger, bill_id, "QPAY", "sim", 1250000, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->sender_invoice_no, ==, intent->sender_invoice_no);
  none = tb_ledger_find_open_intent (f->ledger, bill_id, "QPAY", "live", 0, &error);
  g_assert_null (none);
  g_assert_no_error (error);

  g_assert_true (tb_ledger_intent_set_invoice (f->ledger, intent->id, "d50f49f2-9032-4a74-8929-530531f28f63",
                                               "0002010102121531...", "https://s.qpay.mn/x", "[]",
                                               g_get_real_time () + G_USEC_PER_SEC * 60, &error));
  g_assert_no_error (error);
  g_assert_true (tb_ledger_intent_note_check (f->ledger, intent->id, NULL, &error));
  g_clear_pointer (&again, tb_intent_free);
  again = tb_ledger_get_intent (f->ledger, intent->id, &error);
  g_assert_cmpint (again->state, ==, TB_INTENT_PENDING);
  g_assert_cmpint (again->check_count, ==, 1);
  g_assert_cmpstr (again->provider_invoice_id, ==, "d50f49f2-9032-4a74-8929-530531f28f63");

  /* Due for the reconciler only when not checked recently. */
  due = tb_ledger_due_intents (f->ledger, "QPAY", "sim", 0, g_get_real_time () - G_USEC_PER_SEC * 120,
                               0, 20, &error);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = tb_ledger_due_intents (f->ledger, "QPAY", "sim", 0, g_get_real_time () + 1, 0, 20, &error);
  g_assert_cmpuint (due->len, ==, 1);

  /* A partial payment leaves the intent open; the rest, even after a cancel, closes it. */
  req.intent_id = intent->id;
  g_assert_true (tb_ledger_settle (f->ledger, &req, &r, &error));
  g_clear_pointer (&again, tb_intent_free);
  again = tb_ledger_get_intent (f->ledger, intent->id, &error);
  g_assert_cmpint (again->state, ==, TB_INTENT_PENDING);
  g_assert_cmpint (again->paid, ==, 500000);

  g_assert_true (tb_ledger_intent_set_state (f->ledger, intent->id, TB_INTENT_CANCELLED, "cancelled by staff", &error));
  req.provider_txn_id = "100000000000002";
  req.amount = 750000;
  g_assert_true (tb_ledger_settle (f->ledger, &req, &r, &error));
  g_assert_cmpint (r.status, ==, TB_BILL_PAID);
  g_clear_pointer (&again, tb_intent_free);
  again = tb_ledger_get_intent (f->ledger, intent->id, &error);
  g_assert_cmpint (again->state, ==, TB_INTENT_PAID);

  /* PAID is final. */
  g_assert_true (tb_ledger_intent_set_state (f->ledger, intent->id, TB_INTENT_EXPIRED, NULL, &error));
  g_clear_pointer (&again, tb_intent_free);
  again = tb_ledger_get_intent (f->ledger, intent->id, &error);
  g_assert_cmpint (again->state, ==, TB_INTENT_PAID);

  /* A paid bill takes no new intent. */
  g_assert_null (tb_ledger_create_intent (f->ledger, bill_id, "QPAY", "sim", 100, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
  g_clear_error (&error);

  open_list = tb_ledger_list_intents (f->ledger, TB_INTENT_FILTER_ALL, 0, 10, &error);
  g_assert_cmpuint (open_list->len, ==, 1);
  g_clear_pointer (&open_list, g_ptr_array_unref);
  open_list = tb_ledger_list_intents (f->ledger, TB_INTENT_FILTER_OPEN, 0, 10, &error);
  g_assert_cmpuint (open_list->len, ==, 0);
}

static void
test_settle_many_is_atomic (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const gint64 prices[] = { 1000000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  TbSettleRequest batch[3] = {
    { bill_id, TB_METHOD_QPAY, 400000, "200000000000001", NULL, 0, 0, FALSE },
    { bill_id, TB_METHOD_QPAY, 600000, "200000000000002", NULL, 0, 0, FALSE },
    { 999999, TB_METHOD_QPAY, 100, "200000000000003", NULL, 0, 0, FALSE },
  };
  TbSettleResult results[3];

  /* One bad row: nothing of the batch is recorded. */
  g_assert_false (tb_ledger_settle_many (f->ledger, batch, 3, results, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 0);

  g_assert_true (tb_ledger_settle_many (f->ledger, batch, 2, results, &error));
  g_assert_no_error (error);
  g_assert_false (results[0].already_settled);
  g_assert_cmpint (results[1].status, ==, TB_BILL_PAID);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 1000000);

  /* The same answer again changes nothing. */
  g_assert_true (tb_ledger_settle_many (f->ledger, batch, 2, results, &error));
  g_assert_true (results[0].already_settled && results[1].already_settled);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 2);
}

static void
test_receipts (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(TbReceipt) r = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  const gint64 prices[] = { 1000000 };
  gint64 bill_id = new_bill_with_lines (f->ledger, 0, prices, 1);
  TbSettleRequest qpay = { bill_id, TB_METHOD_QPAY, 600000, "100000000000011", NULL, 0, 0, FALSE };
  TbSettleRequest off = { bill_id, TB_METHOD_QPAY, 400000, "100000000000012", NULL, 0, 0, TRUE };
  TbReceiptRegistration reg = { "uuid-1", "030101065006000090690000210005595", "CK 59114203",
                                "123456789012345678901234567890", "30101065006", 600000, 545454, 0 };
  gint64 receipt_id;
  TbSettleResult res;

  g_assert_true (tb_ledger_settle (f->ledger, &qpay, &res, &error));
  g_assert_true (tb_ledger_settle (f->ledger, &off, &res, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM receipts WHERE state = 'SKIPPED'"), ==, 1);

  due = tb_ledger_due_receipts (f->ledger, g_get_real_time (), 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 1);
  receipt_id = ((TbReceipt *) due->pdata[0])->id;
  g_assert_cmpstr (((TbReceipt *) due->pdata[0])->provider_txn_id, ==, "100000000000011");
  g_clear_pointer (&due, g_ptr_array_unref);

  /* The receiver is sealed at rest. */
  g_assert_true (tb_ledger_receipt_begin_attempt (f->ledger, receipt_id, "CITIZEN", "88614450", "3505", "6743000", &error));
  g_assert_no_error (error);
  g_assert_false (file_contains (wal, "88614450"));
  r = tb_ledger_get_receipt (f->ledger, receipt_id, TRUE, &error);
  g_assert_cmpstr (r->receiver, ==, "88614450");
  g_assert_true (r->unknown);
  g_assert_cmpint (r->attempts, ==, 1);
  g_clear_pointer (&r, tb_receipt_free);

  /* A failure waits for its next attempt. */
  g_assert_true (tb_ledger_receipt_failed (f->ledger, receipt_id, "EBARIMT_NOT_ENABLED", "not enabled",
                                           g_get_real_time () + 60 * G_USEC_PER_SEC, FALSE, &error));
  due = tb_ledger_due_receipts (f->ledger, g_get_real_time (), 10, &error);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  g_assert_true (tb_ledger_receipt_retry_now (f->ledger, receipt_id, &error));
  due = tb_ledger_due_receipts (f->ledger, g_get_real_time (), 10, &error);
  g_assert_cmpuint (due->len, ==, 1);

  g_assert_true (tb_ledger_receipt_registered (f->ledger, receipt_id, &reg, &error));
  g_assert_no_error (error);
  r = tb_ledger_get_receipt (f->ledger, receipt_id, FALSE, &error);
  g_assert_cmpint (r->state, ==, TB_RECEIPT_REGISTERED);
  g_assert_null (r->receiver);
  g_assert_cmpstr (r->lottery, ==, "CK 59114203");
  g_assert_false (r->unknown);

  /* REGISTERED is final: never requested again. */
  g_assert_false (tb_ledger_receipt_begin_attempt (f->ledger, receipt_id, "CITIZEN", NULL, NULL, NULL, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (tb_ledger_receipt_retry_now (f->ledger, receipt_id, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
  g_clear_error (&error);

  g_assert_cmpint (tb_ledger_receipt_note_copy (f->ledger, receipt_id, &error), ==, 1);
  g_assert_cmpint (tb_ledger_receipt_note_copy (f->ledger, receipt_id, &error), ==, 2);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE action = 'receipt.reprint'"), ==, 2);
  g_assert_true (tb_ledger_receipt_cancelled (f->ledger, receipt_id, "bill voided", &error));
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%88614450%'"), ==, 0);

  /* Bill choices: validated, phone sealed. */
  g_assert_false (tb_ledger_set_bill_receipt (f->ledger, bill_id, "COMPANY", NULL, "350", NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_DISTRICT);
  g_clear_error (&error);
  g_assert_false (tb_ledger_set_bill_receipt (f->ledger, bill_id, "CITIZEN", "12345", NULL, NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_PHONE);
  g_clear_error (&error);
  g_assert_false (tb_ledger_set_bill_receipt (f->ledger, bill_id, "BUSINESS", NULL, NULL, NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_RECEIVER_TYPE);
  g_clear_error (&error);
  g_assert_true (tb_ledger_set_bill_receipt (f->ledger, bill_id, "CITIZEN", "9988-7766", "0101", "0111100", &error));
  g_assert_no_error (error);
  g_assert_false (file_contains (wal, "99887766"));
  bill = tb_ledger_get_bill (f->ledger, bill_id, &error);
  g_assert_cmpstr (bill->receipt_receiver_type, ==, "CITIZEN");
  g_assert_cmpstr (bill->receipt_phone, ==, "99887766");
  g_assert_cmpstr (bill->receipt_district_code, ==, "0101");
  g_assert_cmpstr (bill->receipt_classification_code, ==, "0111100");
}

typedef struct
{
  const char *path;
  gint64      bill_id;
  int         succeeded;
  int         duplicates;
  GMutex      lock;
} RaceData;

static gpointer
race_thread (gpointer user_data)
{
  RaceData *race = user_data;
  g_autoptr(GError) error = NULL;
  /* Each thread has its own connection, like two processes would. */
  g_autoptr(TbLedger) ledger = tb_ledger_open (race->path, &error);

  g_assert_no_error (error);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *txn = g_strdup_printf ("qpay-%d", i);
      TbSettleRequest req = { race->bill_id, TB_METHOD_QPAY, 100, txn, NULL, 0, 0 };
      TbSettleResult r;

      g_assert_true (tb_ledger_settle (ledger, &req, &r, &error));
      g_assert_no_error (error);
      g_mutex_lock (&race->lock);
      if (r.already_settled)
        race->duplicates++;
      else
        race->succeeded++;
      g_mutex_unlock (&race->lock);
    }
  return NULL;
}

/* Six desks record the full amount due at the same moment, each with its own key. */
typedef struct
{
  const char *path;
  gint64      bill_id;
  gint64      amount;
  int         waiting;
  int         recorded;
  int         refused;
  GMutex      lock;
  GCond       go;
} FullDueRace;

static gpointer
full_due_thread (gpointer user_data)
{
  FullDueRace *race = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (race->path, &error);
  TbSettleRequest request = { race->bill_id, TB_METHOD_CASH, race->amount, NULL, NULL, 0, 0 };
  TbSettleResult result;
  gboolean ok;

  g_assert_no_error (error);
  g_mutex_lock (&race->lock);
  race->waiting--;
  g_cond_broadcast (&race->go);
  while (race->waiting > 0)
    g_cond_wait (&race->go, &race->lock);
  g_mutex_unlock (&race->lock);

  ok = tb_ledger_settle (ledger, &request, &result, &error);
  g_mutex_lock (&race->lock);
  if (ok)
    race->recorded++;
  else if (g_error_matches (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE) ||
           g_error_matches (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID))
    race->refused++;
  g_mutex_unlock (&race->lock);
  return NULL;
}

static void
test_settle_race_full_due (Fixture       *f,
                           gconstpointer  data)
{
  const gint64 prices[] = { 1000000 };

  for (int round = 0; round < 5; round++)
    {
      FullDueRace race = { f->path, new_bill_with_lines (f->ledger, 0, prices, 1), 1000000, 6, 0, 0 };
      g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM payments WHERE bill_id = %"
                                              G_GINT64_FORMAT, race.bill_id);
      g_autofree char *paid_sql = g_strdup_printf ("SELECT paid FROM bills WHERE id = %"
                                                   G_GINT64_FORMAT, race.bill_id);
      GThread *threads[6];

      g_mutex_init (&race.lock);
      g_cond_init (&race.go);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("desk", full_due_thread, &race);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
      g_mutex_clear (&race.lock);
      g_cond_clear (&race.go);

      g_assert_cmpint (race.recorded, ==, 1);
      g_assert_cmpint (race.refused, ==, 5);
      g_assert_cmpint (tb_test_sql_int (f->path, sql), ==, 1);
      g_assert_cmpint (tb_test_sql_int (f->path, paid_sql), ==, 1000000);
    }
}

static void
test_concurrent_settle (Fixture       *f,
                        gconstpointer  data)
{
  const gint64 prices[] = { 1000000 };
  RaceData race = { f->path, new_bill_with_lines (f->ledger, 0, prices, 1), 0, 0 };
  GThread *threads[4];

  g_mutex_init (&race.lock);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("race", race_thread, &race);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&race.lock);

  /* Four connections each reported the same 20 provider payments: 20 recorded, 60 duplicates. */
  g_assert_cmpint (race.succeeded, ==, 20);
  g_assert_cmpint (race.duplicates, ==, 60);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 20);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 2000);
}

typedef struct
{
  const char *path;
  int         waiting;
  int         opened;
  GMutex      lock;
  GCond       go;
} FirstOpen;

static gpointer
first_open_thread (gpointer user_data)
{
  FirstOpen *race = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = NULL;

  g_mutex_lock (&race->lock);
  race->waiting--;
  g_cond_broadcast (&race->go);
  while (race->waiting > 0)
    g_cond_wait (&race->go, &race->lock);
  g_mutex_unlock (&race->lock);

  ledger = tb_ledger_open (race->path, &error);
  g_mutex_lock (&race->lock);
  if (ledger != NULL)
    race->opened++;
  else
    g_test_message ("open failed: %s", error->message);
  g_mutex_unlock (&race->lock);
  return NULL;
}

/* Desks starting together on a brand-new ledger all open it, with one key. */
static void
test_concurrent_first_open (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();

  for (int round = 0; round < 30; round++)
    {
      g_autofree char *name = g_strdup_printf ("fresh-%d.db", round);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      FirstOpen race = { path, 6, 0 };
      GThread *threads[6];

      g_mutex_init (&race.lock);
      g_cond_init (&race.go);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("desk", first_open_thread, &race);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
      g_mutex_clear (&race.lock);
      g_cond_clear (&race.go);
      g_assert_cmpint (race.opened, ==, 6);
    }

  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_seal (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *key = g_build_filename (dir, "k", NULL);
  g_autofree char *key2 = g_build_filename (dir, "k2", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbSeal) seal = tb_seal_open (key, &error);
  g_autoptr(TbSeal) other = tb_seal_open (key2, NULL);
  g_autoptr(GBytes) blob = tb_seal_encrypt (seal, "99112233");
  g_autofree char *plain = NULL;
  g_autofree char *masked = tb_seal_mask ("99112233");
  g_autofree char *h1 = tb_seal_hash (seal, "99112233");
  g_autofree char *h2 = tb_seal_hash (other, "99112233");
  g_autofree guint8 *tampered = NULL;
  gsize len;

  g_assert_no_error (error);
  len = g_bytes_get_size (blob);
  plain = tb_seal_decrypt (seal, g_bytes_get_data (blob, NULL), len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, "99112233");
  g_assert_cmpstr (masked, ==, "99****33");
  g_assert_cmpstr (h1, !=, h2);

  /* A wrong key or one flipped bit is refused. */
  g_assert_null (tb_seal_decrypt (other, g_bytes_get_data (blob, NULL), len, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  tampered = g_memdup2 (g_bytes_get_data (blob, NULL), len);
  tampered[len - 20] ^= 1;
  g_assert_null (tb_seal_decrypt (seal, tampered, len, &error));
  g_assert_nonnull (error);

  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/tulbur/ledger/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("open-and-migrate", test_open_and_migrate);
  ADD ("customers-sealed", test_customers_sealed);
  ADD ("bill-lines-and-totals", test_bill_lines_and_totals);
  ADD ("settle-idempotent-and-status", test_settle_idempotent_and_status);
  ADD ("settle-bad-input", test_settle_bad_input);
  ADD ("void", test_void);
  ADD ("list-and-search", test_list_and_search);
  ADD ("export-csv", test_export_csv);
  ADD ("concurrent-settle", test_concurrent_settle);
  ADD ("intents", test_intents);
  ADD ("receipts", test_receipts);
  ADD ("settle-many-is-atomic", test_settle_many_is_atomic);
  ADD ("settle-staff-amount-rules", test_settle_staff_amount_rules);
  ADD ("settle-race-full-due", test_settle_race_full_due);
  ADD ("settle-many-parts", test_settle_many_parts);
  ADD ("locked-lines", test_locked_lines);
#undef ADD
  g_test_add_func ("/tulbur/ledger/too-new", test_too_new);
  g_test_add_func ("/tulbur/ledger/seal", test_seal);
  g_test_add_func ("/tulbur/ledger/concurrent-first-open", test_concurrent_first_open);

  return g_test_run ();
}
