/* test-cli-kill.c: tulbur-cli killed with SIGKILL at random points of the QPay flow
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <sqlite3.h>

#include "tb-cli-sim.h"
#include "tb-test-utils.h"

/* Rounds of the flow; each is one bill. TULBUR_KILL_ROUNDS overrides (for soak runs). */
#define DEFAULT_ROUNDS 25
/* Kills land anywhere in the first 80 ms of a run: before the ledger is open, between the
 * intent's commit and the create request, while QPay is answering, between two settlements… */
#define MAX_KILL_DELAY_US 80000
/* Every simulated QPay answer is this much late, so that those windows are wide enough to
 * be hit often. */
#define SIM_LATENCY_MS 10

typedef enum
{
  PAY_NONE,
  PAY_FULL,
  PAY_TWICE,         /* the customer pays the same QR twice */
  PAY_PARTIAL,
  PAY_PARTIAL_REST,  /* in two parts */
  N_PAY_MODES
} PayMode;

typedef struct
{
  char      *number;
  gint64     price;
  gint64     intent;
  char      *invoice_id;
  char      *sender_invoice_no;
  GPtrArray *payment_ids;  /* what the simulator says it paid, one id per payment */
  gint64     paid;         /* their sum */
} Round;

typedef struct
{
  char                *tmpdir;
  char                *db;
  TbCliSim            *sim;
  GSubprocessLauncher *launcher;
  GPtrArray           *rounds;
  guint                killed;     /* runs that the kill ended */
  guint                finished;   /* runs that were done before the kill */
  guint                found[3];   /* after the killed `qpay invoice`: no intent, NEW, PENDING */
} Fixture;

static void
round_free (Round *round)
{
  g_free (round->number);
  g_free (round->invoice_id);
  g_free (round->sender_invoice_no);
  g_clear_pointer (&round->payment_ids, g_ptr_array_unref);
  g_free (round);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *config = g_strdup_printf ("{\"latency_ms\": %d}", SIM_LATENCY_MS);

  f->tmpdir = tb_test_tmpdir_new ();
  f->db = g_build_filename (f->tmpdir, "ledger.db", NULL);
  f->sim = tb_cli_sim_start ();
  reply = tb_cli_sim_call (f->sim, "POST", "/sim/config", config);
  f->launcher = tb_cli_launcher_new (f->tmpdir, f->sim, NULL);
  f->rounds = g_ptr_array_new_with_free_func ((GDestroyNotify) round_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->rounds, g_ptr_array_unref);
  g_clear_object (&f->launcher);
  g_clear_pointer (&f->sim, tb_cli_sim_stop);
  tb_test_tmpdir_free (g_steal_pointer (&f->tmpdir));
  g_clear_pointer (&f->db, g_free);
}

static TbCliRun *
cli_argv (Fixture            *f,
          const char * const *argv)
{
  return tb_cli_run (f->launcher, f->db, argv);
}

/* Runs @argv and SIGKILLs it after a random delay. A run that finished first must have
 * succeeded. */
static void
cli_killed (Fixture            *f,
            const char * const *argv)
{
  g_autoptr(GSubprocess) process = tb_cli_spawn (f->launcher, f->db, argv);
  g_autoptr(TbCliRun) run = NULL;

  g_usleep (g_test_rand_int_range (0, MAX_KILL_DELAY_US));
  g_subprocess_force_exit (process);
  run = tb_cli_collect (process);

  if (run->status == -1)
    {
      g_assert_cmpint (run->signal, ==, SIGKILL);
      f->killed++;
    }
  else
    {
      tb_cli_assert_ok (run);
      f->finished++;
    }
}

/* ---- reading the ledger file directly ---- */

static sqlite3 *
open_ledger (Fixture *f)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

/* The single integer @sql returns, with @text bound to ?1 when not NULL. */
static gint64
query_int (Fixture    *f,
           const char *sql,
           const char *text)
{
  sqlite3 *db = open_ledger (f);
  sqlite3_stmt *stmt = prepare (db, sql);
  gint64 value;

  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The intent the ledger has for bill @number, if any: at most one may exist here. */
static gboolean
committed_intent (Fixture     *f,
                  const char  *number,
                  gint64      *out_id,
                  char       **out_sender_invoice_no)
{
  sqlite3 *db = open_ledger (f);
  sqlite3_stmt *stmt = prepare (db, "SELECT i.id, i.sender_invoice_no, i.state "
                                    "FROM payment_intents i "
                                    "JOIN bills b ON b.id = i.bill_id WHERE b.number = ?1");
  gboolean found = FALSE;

  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *state = (const char *) sqlite3_column_text (stmt, 2);

      found = TRUE;
      *out_id = sqlite3_column_int64 (stmt, 0);
      *out_sender_invoice_no = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      /* Killed between the commit and the provider's answer, or after it. */
      if (g_strcmp0 (state, "NEW") == 0)
        f->found[1]++;
      else
        {
          g_assert_cmpstr (state, ==, "PENDING");
          f->found[2]++;
        }
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    }
  else
    f->found[0]++;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

/* ---- the flow ---- */

static char *
new_bill (Fixture *f,
          gint64   price)
{
  g_autofree char *price_text = g_strdup_printf ("%" G_GINT64_FORMAT, price / 100);
  const char *create[] = { "bill", "new", NULL };
  g_autoptr(TbCliRun) created = cli_argv (f, create);
  g_autoptr(TbCliRun) line = NULL;
  char *number;

  tb_cli_assert_ok (created);
  number = g_strstrip (g_strdup (created->out));
  {
    const char *add[] = { "bill", "add-line", number, "--desc", "Эмчилгээ", "--qty", "1",
                          "--price", price_text, NULL };

    line = cli_argv (f, add);
  }
  tb_cli_assert_ok (line);
  return number;
}

static void
pay (Fixture *f,
     Round   *round,
     gint64   amount)
{
  char *payment_id = tb_cli_sim_pay (f->sim, round->invoice_id, amount);

  g_ptr_array_add (round->payment_ids, payment_id);
}

static void
play_round (Fixture *f,
            guint    index)
{
  Round *round = g_new0 (Round, 1);
  g_autofree char *committed_sender = NULL;
  g_autofree char *intent_text = NULL;
  g_autoptr(TbCliRun) opened = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  gint64 committed_id = 0;
  gboolean had_intent;
  PayMode mode;

  g_ptr_array_add (f->rounds, round);
  round->payment_ids = g_ptr_array_new_with_free_func (g_free);
  /* 100 ₮ to 50 000 ₮, whole tögrög (what QPay takes). */
  round->price = (gint64) g_test_rand_int_range (100, 50001) * 100;
  round->number = new_bill (f, round->price);

  /* 1. `qpay invoice`, killed somewhere. */
  {
    const char *argv[] = { "qpay", "invoice", round->number, "--json", NULL };

    cli_killed (f, argv);
  }
  had_intent = committed_intent (f, round->number, &committed_id, &committed_sender);

  /* 2. Run again to the end: the committed intent is reused, with its number, or made now. */
  {
    const char *argv[] = { "qpay", "invoice", round->number, "--json", NULL };

    opened = cli_argv (f, argv);
  }
  tb_cli_assert_ok (opened);
  node = tb_cli_parse_json (opened->out);
  object = json_node_get_object (node);
  round->intent = json_object_get_int_member (object, "intent");
  round->invoice_id = g_strdup (json_object_get_string_member (object, "invoice_id"));
  round->sender_invoice_no = g_strdup (json_object_get_string_member (object, "sender_invoice_no"));
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "PENDING");
  g_assert_cmpint (json_object_get_int_member (object, "amount"), ==, round->price);
  if (had_intent)
    {
      g_assert_cmpint (round->intent, ==, committed_id);
      g_assert_cmpstr (round->sender_invoice_no, ==, committed_sender);
      g_assert_true (json_object_get_boolean_member (object, "reused"));
    }
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM payment_intents i JOIN bills b "
                                 "ON b.id = i.bill_id WHERE b.number = ?1", round->number), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM payment_intents i JOIN bills b "
                                 "ON b.id = i.bill_id WHERE b.number = ?1 AND i.state = 'PENDING'",
                              round->number), ==, 1);

  /* 3. The customer pays (or not) in the bank app. */
  mode = (PayMode) g_test_rand_int_range (0, N_PAY_MODES);
  switch (mode)
    {
    case PAY_NONE:
      break;
    case PAY_FULL:
      pay (f, round, 0);
      round->paid = round->price;
      break;
    case PAY_TWICE:
      pay (f, round, 0);
      pay (f, round, 0);
      round->paid = 2 * round->price;
      break;
    case PAY_PARTIAL:
      pay (f, round, (round->price / 200) * 100);
      round->paid = (round->price / 200) * 100;
      break;
    case PAY_PARTIAL_REST:
      pay (f, round, (round->price / 200) * 100);
      pay (f, round, 0);
      round->paid = round->price;
      break;
    case N_PAY_MODES:
    default:
      g_assert_not_reached ();
    }

  /* 4. `qpay check`, killed somewhere (perhaps between two settlements). */
  intent_text = g_strdup_printf ("%" G_GINT64_FORMAT, round->intent);
  {
    const char *argv[] = { "qpay", "check", intent_text, "--json", NULL };

    cli_killed (f, argv);
  }

  /* 5. Now and then a whole reconciliation pass, killed too. */
  if (g_test_rand_int_range (0, 3) == 0)
    {
      const char *argv[] = { "reconcile", "--once", NULL };

      cli_killed (f, argv);
    }

  g_test_message ("round %u: bill %s, %" G_GINT64_FORMAT " paid of %" G_GINT64_FORMAT
                  " in %u payments, intent %s before the rerun",
                  index, round->number, round->paid, round->price, round->payment_ids->len,
                  had_intent ? "committed" : "absent");
}

static gint64
qpay_payments_recorded (Fixture *f)
{
  return query_int (f, "SELECT COUNT(*) FROM payments WHERE method = 'QPAY'", NULL);
}

static void
assert_ledger_matches (Fixture *f)
{
  g_autoptr(JsonNode) invoices = tb_cli_sim_invoices (f->sim);
  JsonArray *array = json_node_get_array (invoices);
  sqlite3 *db = open_ledger (f);
  sqlite3_stmt *stmt;
  guint n_payments = 0;

  /* No invoice at QPay that the ledger does not know: a rerun after a kill reused the
   * committed sender_invoice_no instead of creating another. */
  g_assert_cmpuint (json_array_get_length (array), ==, f->rounds->len);

  for (guint i = 0; i < f->rounds->len; i++)
    {
      Round *round = g_ptr_array_index (f->rounds, i);
      JsonObject *sim_invoice = NULL;

      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonObject *object = json_array_get_object_element (array, j);

          if (g_strcmp0 (json_object_get_string_member (object, "invoice_id"), round->invoice_id) == 0)
            sim_invoice = object;
        }
      g_assert_nonnull (sim_invoice);
      g_assert_cmpstr (json_object_get_string_member (sim_invoice, "sender_invoice_no"), ==,
                       round->sender_invoice_no);
      /* What the simulator says was paid is what the test paid … */
      g_assert_cmpint (tb_cli_sim_money (sim_invoice, "paid_amount"), ==, round->paid);

      /* … and the ledger has each of those payments exactly once, nothing else. */
      stmt = prepare (db, "SELECT COALESCE(SUM(p.amount), 0), COUNT(*) FROM payments p "
                          "JOIN bills b ON b.id = p.bill_id "
                          "WHERE b.number = ?1 AND p.method = 'QPAY'");
      sqlite3_bind_text (stmt, 1, round->number, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, round->paid);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, round->payment_ids->len);
      sqlite3_finalize (stmt);

      for (guint k = 0; k < round->payment_ids->len; k++)
        {
          const char *payment_id = g_ptr_array_index (round->payment_ids, k);

          stmt = prepare (db, "SELECT COUNT(*), MIN(p.intent_id) FROM payments p "
                              "WHERE p.method = 'QPAY' AND p.provider_txn_id = ?1");
          sqlite3_bind_text (stmt, 1, payment_id, -1, SQLITE_TRANSIENT);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 1);
          g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, round->intent);
          sqlite3_finalize (stmt);
          n_payments++;
        }
    }

  g_assert_cmpint (qpay_payments_recorded (f), ==, n_payments);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) - COUNT(DISTINCT provider_txn_id) FROM payments "
                                 "WHERE method = 'QPAY'", NULL), ==, 0);

  /* The ledger agrees with itself: bill totals, bill states and intent states follow from the
   * payment rows. */
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM bills b WHERE b.paid <> "
                                 "(SELECT COALESCE(SUM(amount), 0) FROM payments p "
                                 "WHERE p.bill_id = b.id)", NULL), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM bills WHERE status <> CASE "
                                 "WHEN paid >= total THEN 'PAID' WHEN paid > 0 THEN 'PARTIAL' "
                                 "ELSE 'OPEN' END", NULL), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM bills WHERE overpaid <> (paid > total)",
                              NULL), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM payment_intents i WHERE state <> CASE "
                                 "WHEN (SELECT COALESCE(SUM(amount), 0) FROM payments p "
                                 "WHERE p.intent_id = i.id) >= amount THEN 'PAID' "
                                 "ELSE 'PENDING' END", NULL), ==, 0);

  stmt = prepare (db, "PRAGMA integrity_check");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  stmt = prepare (db, "PRAGMA foreign_key_check");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  sqlite3_close (db);
}

static void
test_kill (Fixture       *f,
           gconstpointer  data)
{
  const char *rounds_env = g_getenv ("TULBUR_KILL_ROUNDS");
  guint rounds = DEFAULT_ROUNDS;
  const char *reconcile[] = { "reconcile", "--once", "--json", NULL };
  g_autoptr(TbCliRun) reconciled = NULL;
  g_autoptr(JsonNode) stats = NULL;
  gint64 expected = 0;
  gint64 after_reconcile;

  if (rounds_env != NULL)
    rounds = (guint) CLAMP (g_ascii_strtoull (rounds_env, NULL, 10), 1, 10000);

  for (guint i = 0; i < rounds; i++)
    play_round (f, i);

  for (guint i = 0; i < f->rounds->len; i++)
    expected += ((Round *) g_ptr_array_index (f->rounds, i))->payment_ids->len;

  /* Restarted for good: one reconciliation pass to the end … */
  reconciled = cli_argv (f, reconcile);
  tb_cli_assert_ok (reconciled);
  stats = tb_cli_parse_json (reconciled->out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "failed"), ==, 0);
  after_reconcile = qpay_payments_recorded (f);
  g_test_message ("%u runs killed, %u finished before the kill; after the killed "
                  "`qpay invoice`: %u bills without an intent, %u NEW, %u PENDING; %"
                  G_GINT64_FORMAT " of %" G_GINT64_FORMAT " payments recorded after the "
                  "reconciliation pass",
                  f->killed, f->finished, f->found[0], f->found[1], f->found[2],
                  after_reconcile, expected);

  /* … then `qpay check` of every intent: a QR that was paid twice is PAID after its first
   * payment and no longer open, so only an explicit check is sure to see the second. */
  for (guint i = 0; i < f->rounds->len; i++)
    {
      Round *round = g_ptr_array_index (f->rounds, i);
      g_autofree char *intent_text = g_strdup_printf ("%" G_GINT64_FORMAT, round->intent);
      const char *argv[] = { "qpay", "check", intent_text, "--json", NULL };
      g_autoptr(TbCliRun) checked = cli_argv (f, argv);
      g_autoptr(JsonNode) outcome = NULL;

      tb_cli_assert_ok (checked);
      outcome = tb_cli_parse_json (checked->out);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (outcome), "due"), ==,
                       MAX (round->price - round->paid, 0));
    }

  assert_ledger_matches (f);

  /* The kills really landed mid-run, not only after the end. */
  g_assert_cmpuint (f->killed, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tulbur/cli/kill/qpay-flow", Fixture, NULL, fixture_setup, test_kill,
              fixture_teardown);

  return g_test_run ();
}
