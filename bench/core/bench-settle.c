/* bench-settle.c: Tulbur's settle path against a raw SQLite insert + commit loop
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/tb-ledger.h"

/* Both sides use the same durability: WAL, synchronous=FULL, one transaction per payment.
 * The baseline does only what any durable payment write must do (one INSERT, one COMMIT);
 * Tulbur's settle also reads the bill, deduplicates on (method, provider_txn_id), updates the
 * bill, queues the receipt and writes the audit row, all in that one transaction.
 * Rounds alternate between the two so that machine noise hits both alike. */

static double
bench_raw (const char *path,
           int         n,
           int         round)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 start;

  sqlite3_open (path, &db);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                    "CREATE TABLE IF NOT EXISTS p (id INTEGER PRIMARY KEY, bill INTEGER, amount INTEGER, txn TEXT)",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO p (bill, amount, txn) VALUES (?, ?, ?)", -1, &stmt, NULL);

  start = g_get_monotonic_time ();
  for (int i = 0; i < n; i++)
    {
      char txn[64];

      g_snprintf (txn, sizeof txn, "raw-%d-%d", round, i);
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, 1 + i % 100);
      sqlite3_bind_int64 (stmt, 2, 100 + i);
      sqlite3_bind_text (stmt, 3, txn, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("raw insert failed: %s", sqlite3_errmsg (db));
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  start = g_get_monotonic_time () - start;

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n / (start / 1e6);
}

static double
bench_tulbur (TbLedger *ledger,
              int       n,
              int       round)
{
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      char txn[64];
      TbSettleRequest req = { 0 };
      TbSettleResult result;

      g_snprintf (txn, sizeof txn, "qpay-%d-%d", round, i);
      req.bill_id = 1 + i % 100;
      req.method = TB_METHOD_QPAY;
      req.amount = 100 + i;
      req.provider_txn_id = txn;
      if (!tb_ledger_settle (ledger, &req, &result, &error))
        g_error ("settle failed: %s", error->message);
    }
  start = g_get_monotonic_time () - start;
  return n / (start / 1e6);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tulbur-bench-XXXXXX", &error);
  g_autofree char *ledger_path = g_build_filename (dir, "ledger.db", NULL);
  g_autofree char *raw_path = g_build_filename (dir, "raw.db", NULL);
  g_autoptr(TbLedger) ledger = NULL;
  int n = argc > 1 ? atoi (argv[1]) : 1000;
  enum { ROUNDS = 5 };
  double raw[ROUNDS], ours[ROUNDS], ratios[ROUNDS];

  ledger = tb_ledger_open (ledger_path, &error);
  if (ledger == NULL)
    g_error ("%s", error->message);

  for (int i = 0; i < 100; i++)
    {
      TbLineInput line = { "Service", 1000, 100000000, NULL, TRUE, FALSE };
      gint64 id;

      tb_ledger_create_bill (ledger, 0, NULL, &id, NULL, NULL);
      tb_ledger_add_line (ledger, id, &line, NULL, NULL);
    }

  printf ("settlement benchmark: %d payments per round, %d rounds, WAL + synchronous=FULL\n", n, ROUNDS);
  for (int r = 0; r < ROUNDS; r++)
    {
      raw[r] = bench_raw (raw_path, n, r);
      ours[r] = bench_tulbur (ledger, n, r);
      ratios[r] = ours[r] / raw[r];
      printf ("  round %d: raw %8.0f/s   tulbur %8.0f/s   ratio %.2f\n", r + 1, raw[r], ours[r], ratios[r]);
    }

  qsort (raw, ROUNDS, sizeof (double), compare_double);
  qsort (ours, ROUNDS, sizeof (double), compare_double);
  qsort (ratios, ROUNDS, sizeof (double), compare_double);
  printf ("median: raw insert+commit %.0f/s, tulbur settle %.0f/s, ratio %.2fx (goal >= 0.5x)\n",
          raw[ROUNDS / 2], ours[ROUNDS / 2], ratios[ROUNDS / 2]);

  g_clear_object (&ledger);
  g_unlink (ledger_path);
  {
    const char *suffixes[] = { "", "-wal", "-shm", ".key" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *a = g_strconcat (ledger_path, suffixes[i], NULL);
        g_autofree char *b = g_strconcat (raw_path, suffixes[i], NULL);
        g_unlink (a);
        g_unlink (b);
      }
  }
  g_rmdir (dir);
  return 0;
}
