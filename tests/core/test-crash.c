/* test-crash.c: SIGKILL a settling process at random points; the ledger must stay whole
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/tb-ledger.h"
#include "tb-test-utils.h"

/* The parent starts this same program with --child: it settles payments in a loop and prints
 * each provider transaction id once tb_ledger_settle() has returned (so: committed). The parent
 * kills it with SIGKILL after a random delay, then checks that
 *   - the file opens, and PRAGMA integrity_check says ok;
 *   - every id the child reported as committed is in the ledger (nothing lost);
 *   - every bill's paid total equals the sum of its payments, and its status matches;
 *   - no provider payment is recorded twice.
 * Children also re-settle ids from earlier runs, which must be no-ops. */

#define N_BILLS 12
#define BILL_TOTAL 1000000

static int
run_child (const char *path,
           int         run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);

  if (ledger == NULL)
    {
      g_printerr ("child: %s\n", error->message);
      return 1;
    }

  for (int n = 0; ; n++)
    {
      g_autofree char *txn = NULL;
      TbSettleRequest req = { 0 };
      TbSettleResult result;
      int replay_run = run > 0 ? n % run : -1;

      /* Every third call replays a payment an earlier (killed) child may have recorded. */
      if (n % 3 == 2 && replay_run >= 0)
        txn = g_strdup_printf ("qpay-%d-%d", replay_run, n / 3);
      else
        txn = g_strdup_printf ("qpay-%d-%d", run, n);

      req.bill_id = 1 + (n % N_BILLS);
      req.method = TB_METHOD_QPAY;
      req.amount = 100 + (n * 37) % 5000;
      req.provider_txn_id = txn;

      if (!tb_ledger_settle (ledger, &req, &result, &error))
        {
          g_printerr ("child: %s\n", error->message);
          return 1;
        }
      if (!result.already_settled)
        {
          printf ("%s\n", txn);
          fflush (stdout);
        }
    }
  return 0;
}

static void
check_ledger (const char *path,
              GHashTable *committed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer key;

  g_assert_no_error (error);
  g_assert_nonnull (ledger);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  /* Each bill's paid total is exactly the sum of its payments, and its status follows. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "SELECT COUNT(*) FROM bills b WHERE b.paid <> (SELECT COALESCE(SUM(amount), 0) FROM payments p WHERE p.bill_id = b.id)"
    " OR b.status <> CASE WHEN b.paid >= b.total AND b.paid > 0 THEN 'PAID' WHEN b.paid > 0 THEN 'PARTIAL' ELSE 'OPEN' END"
    " OR b.overpaid <> (b.paid > b.total)",
    -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);

  /* One receipt job per QPay payment: queued in the same transaction. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "SELECT (SELECT COUNT(*) FROM payments), (SELECT COUNT(*) FROM receipts), "
    "(SELECT COUNT(DISTINCT provider_txn_id) FROM payments)", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, sqlite3_column_int (stmt, 1));
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, sqlite3_column_int (stmt, 2));
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, g_hash_table_size (committed));
  sqlite3_finalize (stmt);

  /* Nothing a child saw committed is missing. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM payments WHERE method = 'QPAY' AND provider_txn_id = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_hash_table_iter_init (&iter, committed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      if (sqlite3_column_int (stmt, 0) != 1)
        g_error ("committed payment %s is missing", (const char *) key);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_kill_during_settlement (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(GHashTable) committed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  const char *self_exe = g_getenv ("TULBUR_TEST_SELF");
  int runs = g_test_slow () ? 100 : 40;
  guint total_seen = 0;

  g_assert_no_error (error);
  for (int i = 0; i < N_BILLS; i++)
    {
      gint64 id;
      TbLineInput line = { "Service", 1000, BILL_TOTAL, NULL, TRUE, FALSE };

      g_assert_true (tb_ledger_create_bill (ledger, 0, NULL, &id, NULL, &error));
      g_assert_true (tb_ledger_add_line (ledger, id, &line, NULL, &error));
      g_assert_no_error (error);
    }
  g_clear_object (&ledger);

  for (int run = 0; run < runs; run++)
    {
      g_autofree char *run_text = g_strdup_printf ("%d", run);
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GBytes) out = NULL;
      g_auto(GStrv) lines = NULL;
      const char *argv[] = { self_exe, "--child", path, run_text, NULL };
      guint delay_ms = (guint) g_test_rand_int_range (1, 60);

      child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
      g_assert_no_error (error);

      g_usleep (delay_ms * 1000);
      g_subprocess_force_exit (child);
      g_assert_true (g_subprocess_communicate (child, NULL, NULL, &out, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child) || g_subprocess_get_exit_status (child) == 0);

      lines = g_strsplit (g_bytes_get_data (out, NULL) != NULL ? g_bytes_get_data (out, NULL) : "", "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          /* A last line cut by the kill has no newline after it: the payment may or may not be in. */
          if (lines[i + 1] == NULL || *lines[i] == '\0')
            continue;
          g_assert_true (g_hash_table_add (committed, g_strdup (lines[i])));
          total_seen++;
        }

      check_ledger (path, committed);
    }

  g_test_message ("%d kills, %u committed payments verified", runs, total_seen);
  g_assert_cmpuint (total_seen, >, 0);

  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_kill_during_creation (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  const char *self_exe = g_getenv ("TULBUR_TEST_SELF");

  /* Kill children while they create and migrate a brand-new ledger: whatever point the kill
   * lands on, the next open must succeed and find a complete schema. */
  for (int run = 0; run < 15; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("fresh-%d.db", run);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(TbLedger) ledger = NULL;
      g_autoptr(GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);
      const char *argv[] = { self_exe, "--child-create", path, NULL };

      child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
      g_assert_no_error (error);
      g_usleep ((gulong) g_test_rand_int_range (0, 4000));
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, NULL);

      ledger = tb_ledger_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tb_ledger_get_schema_version (ledger), ==, 6);
      g_clear_object (&ledger);
      check_ledger (path, none);
    }

  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2], atoi (argv[3]));
  if (argc == 3 && g_str_equal (argv[1], "--child-create"))
    {
      g_autoptr(TbLedger) ledger = tb_ledger_open (argv[2], NULL);
      return ledger != NULL ? 0 : 1;
    }

  g_test_init (&argc, &argv, NULL);
  {
    g_autofree char *self_exe = g_canonicalize_filename (argv[0], NULL);
    g_setenv ("TULBUR_TEST_SELF", self_exe, TRUE);
  }

  g_test_add_func ("/tulbur/crash/kill-during-settlement", test_kill_during_settlement);
  g_test_add_func ("/tulbur/crash/kill-during-creation", test_kill_during_creation);

  return g_test_run ();
}
