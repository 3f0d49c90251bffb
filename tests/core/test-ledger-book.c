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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/tulbur/ledger-book/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("no-rewrite", test_no_rewrite);
#undef ADD

  return g_test_run ();
}
