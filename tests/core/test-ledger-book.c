/* test-ledger-book.c: the append-only tables refuse rewrites; the audit hash chain
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "core/tb-ledger.h"
#include "tb-test-utils.h"

typedef struct
{
  char     *dir;
  char     *path;
  TbLedger *ledger;
  gint64    bill_id;
} Fixture;

static void
settle (Fixture         *f,
        TbPaymentMethod  method,
        gint64           amount,
        const char      *txn)
{
  g_autoptr(GError) error = NULL;
  TbSettleRequest request = { f->bill_id, method, amount, txn, NULL, 0, 0 };
  TbSettleResult result;

  request.allow_overpay = TRUE;
  g_assert_true (tb_ledger_settle (f->ledger, &request, &result, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TbLineInput line = { "Үзлэг", 1000, 500000, NULL, TRUE, FALSE };

  f->dir = tb_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "ledger.db", NULL);
  f->ledger = tb_ledger_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (tb_ledger_create_bill (f->ledger, 0, NULL, &f->bill_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tb_ledger_add_line (f->ledger, f->bill_id, &line, NULL, &error));
  g_assert_no_error (error);
  settle (f, TB_METHOD_CASH, 100000, "cash-1");
  settle (f, TB_METHOD_QPAY, 200000, "qpay-1");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->ledger);
  g_free (f->path);
  tb_test_tmpdir_free (f->dir);
}

/* A second connection, the way any SQLite tool would open the file: none of the ledger's own
 * pragmas (recursive_triggers and foreign_keys are off). */
static int
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

#define PAYMENTS_SNAPSHOT \
  "SELECT group_concat(id || '|' || bill_id || '|' || method || '|' || amount || '|' || " \
  "provider_txn_id || '|' || created_us, ';') FROM (SELECT * FROM payments ORDER BY id)"
#define AUDIT_SNAPSHOT \
  "SELECT group_concat(id || '|' || at_us || '|' || action || '|' || COALESCE(detail, ''), ';') " \
  "FROM (SELECT * FROM audit_log ORDER BY id)"
#define BILLS_SNAPSHOT \
  "SELECT group_concat(id || '|' || number || '|' || status || '|' || paid, ';') " \
  "FROM (SELECT * FROM bills ORDER BY id)"

/* Every form of rewrite SQLite has, on a connection of its own: each is refused and leaves the
 * tables as they were. REPLACE deletes the row in its way without firing DELETE triggers when
 * recursive_triggers is off, as it is in any other tool. */
static void
test_no_rewrite (Fixture       *f,
                 gconstpointer  data)
{
  static const char *rewrites[] = {
    "INSERT OR REPLACE INTO payments (id, bill_id, method, amount, provider_txn_id, created_us) "
    "VALUES (1, 1, 'CASH', 1, 'cash-1', 0)",
    "REPLACE INTO payments (id, bill_id, method, amount, provider_txn_id, created_us) "
    "VALUES (2, 1, 'QPAY', 1, 'forged', 0)",
    /* a new id, but the settlement key of an existing payment */
    "INSERT OR REPLACE INTO payments (id, bill_id, method, amount, provider_txn_id, created_us) "
    "VALUES (100, 1, 'QPAY', 1, 'qpay-1', 0)",
    "REPLACE INTO payments (bill_id, method, amount, provider_txn_id, created_us) "
    "VALUES (1, 'CASH', 1, 'cash-1', 0)",
    "INSERT INTO payments (id, bill_id, method, amount, provider_txn_id, created_us) "
    "VALUES (1, 1, 'CASH', 1, 'x', 0) ON CONFLICT (id) DO UPDATE SET amount = 1",
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, created_us) "
    "VALUES (1, 'CASH', 1, 'cash-1', 0) ON CONFLICT DO UPDATE SET amount = excluded.amount",
    "INSERT OR REPLACE INTO audit_log (id, at_us, actor, action, entity) "
    "VALUES (1, 0, 'x', 'forged', 'bill')",
    "REPLACE INTO audit_log (id, at_us, actor, action, entity) VALUES (2, 0, 'x', 'forged', 'bill')",
    "INSERT INTO audit_log (id, at_us, actor, action, entity) VALUES (1, 0, 'x', 'forged', 'bill') "
    "ON CONFLICT DO UPDATE SET detail = 'forged'",
    /* bills are never deleted: REPLACE would delete one */
    "INSERT OR REPLACE INTO bills (id, number, created_us, updated_us) VALUES (1, '1', 0, 0)",
    "REPLACE INTO bills (id, number, created_us, updated_us) VALUES (99, '1', 0, 0)",
  };
  g_autofree char *payments = raw_text (f->path, PAYMENTS_SNAPSHOT);
  g_autofree char *audit = raw_text (f->path, AUDIT_SNAPSHOT);
  g_autofree char *bills = raw_text (f->path, BILLS_SNAPSHOT);

  for (guint i = 0; i < G_N_ELEMENTS (rewrites); i++)
    {
      g_autofree char *payments_after = NULL;
      g_autofree char *audit_after = NULL;
      g_autofree char *bills_after = NULL;
      int rc = raw_exec (f->path, rewrites[i]);

      if (rc == SQLITE_OK)
        g_error ("not refused: %s", rewrites[i]);
      payments_after = raw_text (f->path, PAYMENTS_SNAPSHOT);
      audit_after = raw_text (f->path, AUDIT_SNAPSHOT);
      bills_after = raw_text (f->path, BILLS_SNAPSHOT);
      g_assert_cmpstr (payments_after, ==, payments);
      g_assert_cmpstr (audit_after, ==, audit);
      g_assert_cmpstr (bills_after, ==, bills);
    }

  /* The ledger itself still settles, and a repeat is still reported, not refused. */
  settle (f, TB_METHOD_CASH, 100, "cash-2");
  settle (f, TB_METHOD_CASH, 100, "cash-2");
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 3);
}

static void
verify (TbLedger     *ledger,
        TbAuditCheck *check)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tb_ledger_audit_verify (ledger, check, &error));
  g_assert_no_error (error);
}

/* A ledger as Tulbur writes it verifies, up to its head; every payment (a reversal too) is
 * recorded by exactly one audit row. */
static void
test_chain_clean (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(TbAuditCheck) check = { 0 };
  g_autofree char *head = NULL;
  gint64 head_id = 0;

  g_assert_true (tb_ledger_reverse_provider_payment (f->ledger, TB_METHOD_QPAY, "qpay-1", "REFUNDED",
                                                     NULL, NULL, &error));
  g_assert_no_error (error);

  verify (f->ledger, &check);
  g_assert_true (check.intact);
  g_assert_null (check.problem);
  g_assert_cmpint (check.rows, ==, tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log"));
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments p WHERE "
                                             "(SELECT COUNT(*) FROM audit_log a WHERE a.payment_id = p.id) = 1"),
                   ==, 3);

  g_assert_true (tb_ledger_audit_head (f->ledger, &head_id, &head, &error));
  g_assert_no_error (error);
  g_assert_cmpint (head_id, ==, check.head_id);
  g_assert_cmpint (head_id, ==, check.rows);
  g_assert_cmpstr (head, ==, check.head_hash);
  g_assert_cmpuint (strlen (head), ==, 64);

  /* Another write moves the head. */
  settle (f, TB_METHOD_CARD, 100, "card-1");
  {
    g_autofree char *next = NULL;

    g_assert_true (tb_ledger_audit_head (f->ledger, NULL, &next, &error));
    g_assert_cmpstr (next, !=, head);
  }
}

static gint64
audit_row_of (Fixture    *f,
              const char *txn)
{
  g_autofree char *sql = g_strdup_printf ("SELECT a.id FROM audit_log a JOIN payments p ON p.id = a.payment_id "
                                          "WHERE p.provider_txn_id = '%s'", txn);

  return tb_test_sql_int (f->path, sql);
}

static void
assert_broken (Fixture    *f,
               const char *table,
               gint64      id)
{
  g_auto(TbAuditCheck) check = { 0 };

  verify (f->ledger, &check);
  g_assert_false (check.intact);
  g_assert_cmpstr (check.broken_table, ==, table);
  g_assert_cmpint (check.broken_id, ==, id);
  g_assert_nonnull (check.problem);
  g_test_message ("%s %" G_GINT64_FORMAT ": %s", table, id, check.problem);
}

/* An attacker with the file: drops the trigger, edits one audit row's detail. */
static void
test_chain_edit_audit (Fixture       *f,
                       gconstpointer  data)
{
  gint64 row = audit_row_of (f, "cash-1");

  settle (f, TB_METHOD_CARD, 100, "card-1");
  g_assert_cmpint (raw_exec (f->path, "DROP TRIGGER audit_log_append_only_update"), ==, SQLITE_OK);
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE audit_log SET detail = 'payment=1 method=CASH amount=1' "
                                            "WHERE id = %" G_GINT64_FORMAT, row);

    g_assert_cmpint (raw_exec (f->path, sql), ==, SQLITE_OK);
  }
  assert_broken (f, "audit_log", row);
}

/* The payment itself edited: the audit row that records it breaks. */
static void
test_chain_edit_payment (Fixture       *f,
                         gconstpointer  data)
{
  settle (f, TB_METHOD_CARD, 100, "card-1");
  g_assert_cmpint (raw_exec (f->path, "DROP TRIGGER payments_append_only_update; "
                                      "UPDATE payments SET amount = 1 WHERE provider_txn_id = 'qpay-1'"),
                   ==, SQLITE_OK);
  assert_broken (f, "audit_log", audit_row_of (f, "qpay-1"));
}

/* A row removed from the middle: the row after it no longer follows. */
static void
test_chain_delete_row (Fixture       *f,
                       gconstpointer  data)
{
  gint64 row = audit_row_of (f, "cash-1");
  g_autofree char *sql = g_strdup_printf ("DROP TRIGGER audit_log_append_only_delete; "
                                          "DELETE FROM audit_log WHERE id = %" G_GINT64_FORMAT, row);

  g_assert_cmpint (raw_exec (f->path, sql), ==, SQLITE_OK);
  assert_broken (f, "audit_log", row + 1);
}

/* A payment removed (with the triggers dropped), or one added behind Tulbur's back. */
static void
test_chain_payment_removed_or_added (Fixture       *f,
                                     gconstpointer  data)
{
  gint64 cash_row = audit_row_of (f, "cash-1");

  g_assert_cmpint (raw_exec (f->path, "INSERT INTO payments (bill_id, method, amount, provider_txn_id, created_us) "
                                      "VALUES (1, 'CASH', -100000, 'forged-refund', 0)"), ==, SQLITE_OK);
  assert_broken (f, "payments", tb_test_sql_int (f->path, "SELECT id FROM payments WHERE provider_txn_id = 'forged-refund'"));

  g_assert_cmpint (raw_exec (f->path, "DROP TRIGGER payments_append_only_delete; "
                                      "DELETE FROM payments WHERE provider_txn_id = 'cash-1'"), ==, SQLITE_OK);
  assert_broken (f, "audit_log", cash_row);
}

static void
run_script (sqlite3    *db,
            const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "resources", "sql", name, NULL);
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &sql, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

/* A ledger written before the chain (version 4): the migration links the settlement and
 * reversal rows to their payments, records the payment no row recorded, and chains it all. */
static void
test_chain_migration (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(TbAuditCheck) check = { 0 };
  g_autoptr(TbLedger) ledger = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  run_script (db, "001-initial.sql");
  run_script (db, "002-receipts.sql");
  run_script (db, "003-open-index.sql");
  run_script (db, "004-intent-invoices.sql");
  g_assert_cmpint (sqlite3_exec (db,
    "INSERT INTO audit_log (at_us, actor, action, entity, entity_id) VALUES "
    "  (1, 'old', 'ledger.migrate', 'ledger', 1);"
    "INSERT INTO bills (id, number, total, created_us, updated_us) VALUES (1, '1', 500000, 2, 2);"
    "INSERT INTO audit_log (at_us, actor, action, entity, entity_id) VALUES (2, 'old', 'bill.create', 'bill', 1);"
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, created_us) VALUES (1, 'CASH', 1000, 'a', 3);"
    "INSERT INTO audit_log (at_us, actor, action, entity, entity_id, detail) VALUES "
    "  (3, 'old', 'payment.settle', 'bill', 1, 'payment=1 method=CASH amount=1000');"
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, created_us) VALUES (1, 'QPAY', 2000, 'q', 4);"
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, refund_of, created_us) "
    "  VALUES (1, 'QPAY', -2000, 'reversal:q', 2, 5);"
    "INSERT INTO audit_log (at_us, actor, action, entity, entity_id, detail) VALUES "
    "  (5, 'old', 'payment.reverse', 'bill', 1, 'payment=2 reversal=3 status=REFUNDED amount=2000');"
    "PRAGMA user_version = 4;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  ledger = tb_ledger_open (path, &error);
  g_assert_no_error (error);

  g_assert_cmpint (tb_test_sql_int (path, "SELECT payment_id FROM audit_log WHERE action = 'payment.settle'"), ==, 1);
  g_assert_cmpint (tb_test_sql_int (path, "SELECT payment_id FROM audit_log WHERE action = 'payment.reverse'"), ==, 3);
  g_assert_cmpint (tb_test_sql_int (path, "SELECT payment_id FROM audit_log WHERE action = 'payment.adopt'"), ==, 2);
  g_assert_cmpint (tb_test_sql_int (path, "SELECT COUNT(*) FROM audit_log WHERE hash IS NULL"), ==, 0);

  verify (ledger, &check);
  g_assert_true (check.intact);
  g_assert_cmpint (check.rows, ==, tb_test_sql_int (path, "SELECT COUNT(*) FROM audit_log"));

  /* And the rows it chained can no longer change. */
  g_assert_cmpint (raw_exec (path, "UPDATE audit_log SET hash = NULL WHERE id = 1"), !=, SQLITE_OK);
  g_assert_cmpint (raw_exec (path, "UPDATE audit_log SET detail = 'x' WHERE id = 1"), !=, SQLITE_OK);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/tulbur/ledger-book/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("no-rewrite", test_no_rewrite);
  ADD ("chain-clean", test_chain_clean);
  ADD ("chain-edit-audit", test_chain_edit_audit);
  ADD ("chain-edit-payment", test_chain_edit_payment);
  ADD ("chain-delete-row", test_chain_delete_row);
  ADD ("chain-payment-removed-or-added", test_chain_payment_removed_or_added);
#undef ADD
  g_test_add_func ("/tulbur/ledger-book/chain-migration", test_chain_migration);

  return g_test_run ();
}
