/* test-cli-intents.c: two tulbur-cli processes press "Generate QR" on one bill at once; a
 * cancel whose answer cannot be read
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "tb-cli-sim.h"
#include "tb-test-utils.h"

/* Rounds; each is one bill and two simultaneous `qpay invoice` runs. */
#define ROUNDS 15
/* Every simulated QPay answer is this much late, so that the two runs overlap. */
#define SIM_LATENCY_MS 15

typedef struct
{
  char                *tmpdir;
  char                *db;
  TbCliSim            *sim;
  GSubprocessLauncher *launcher;
} Fixture;

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
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->launcher);
  g_clear_pointer (&f->sim, tb_cli_sim_stop);
  tb_test_tmpdir_free (g_steal_pointer (&f->tmpdir));
  g_clear_pointer (&f->db, g_free);
}

static TbCliRun *
cli (Fixture            *f,
     const char * const *argv)
{
  return tb_cli_run (f->launcher, f->db, argv);
}

static char *
new_bill (Fixture *f,
          guint    round)
{
  g_autofree char *price = g_strdup_printf ("%u.00", 1000 + round * 10);
  const char * const create[] = { "bill", "new", NULL };
  g_autoptr(TbCliRun) created = cli (f, create);
  g_autoptr(TbCliRun) line = NULL;
  char *number;

  tb_cli_assert_ok (created);
  number = g_strstrip (g_strdup (created->out));
  {
    const char * const add[] = { "bill", "add-line", number, "--desc", "Үзлэг", "--qty", "1",
                                 "--price", price, NULL };
    line = cli (f, add);
  }
  tb_cli_assert_ok (line);
  return number;
}

/* ---- reading the ledger file directly ---- */

static gint64
ledger_int (Fixture    *f,
            const char *sql,
            const char *arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The simulator's invoices whose sender number belongs to bill @number (ours are
 * "TB<number>X<intent>R…"). */
static GPtrArray *
sim_invoices_of (Fixture    *f,
                 const char *number)
{
  g_autoptr(JsonNode) invoices = tb_cli_sim_invoices (f->sim);
  g_autofree char *prefix = g_strdup_printf ("TB%sX", number);
  JsonArray *array = json_node_get_array (invoices);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_str_has_prefix (json_object_get_string_member (object, "sender_invoice_no"), prefix))
        g_ptr_array_add (out, json_object_ref (object));
    }
  return out;
}

/* Both runs succeeded and show the same QR. */
static void
assert_same_qr (TbCliRun *a,
                TbCliRun *b)
{
  g_autoptr(JsonNode) ja = NULL;
  g_autoptr(JsonNode) jb = NULL;
  JsonObject *oa, *ob;

  tb_cli_assert_ok (a);
  tb_cli_assert_ok (b);
  ja = tb_cli_parse_json (a->out);
  jb = tb_cli_parse_json (b->out);
  oa = json_node_get_object (ja);
  ob = json_node_get_object (jb);
  g_assert_cmpint (json_object_get_int_member (oa, "intent"), ==, json_object_get_int_member (ob, "intent"));
  g_assert_cmpstr (json_object_get_string_member (oa, "invoice_id"), ==,
                   json_object_get_string_member (ob, "invoice_id"));
}

/* Every invoice the simulator made for this bill is on record, and at most one is live. */
static guint
check_invoices (Fixture    *f,
                const char *number,
                GPtrArray  *sim)
{
  guint live = 0;

  for (guint i = 0; i < sim->len; i++)
    {
      JsonObject *invoice = sim->pdata[i];
      const char *id = json_object_get_string_member (invoice, "invoice_id");

      g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM intent_invoices WHERE provider_invoice_id = ?", id), ==, 1);
      if (g_str_equal (json_object_get_string_member (invoice, "status"), "OPEN"))
        live++;
    }
  g_assert_cmpuint (live, ==, 1);
  return live;
}

static void
test_two_processes_one_qr (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) payments = g_ptr_array_new_with_free_func (g_free);
  const char * const reconcile[] = { "reconcile", "--once", NULL };
  g_autoptr(TbCliRun) reconciled = NULL;

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autofree char *number = new_bill (f, round);
      const char * const argv[] = { "qpay", "invoice", number, "--json", NULL };
      g_autoptr(GSubprocess) first = tb_cli_spawn (f->launcher, f->db, argv);
      g_autoptr(GSubprocess) second = tb_cli_spawn (f->launcher, f->db, argv);
      g_autoptr(TbCliRun) a = tb_cli_collect (first);
      g_autoptr(TbCliRun) b = tb_cli_collect (second);
      g_autoptr(GPtrArray) sim = sim_invoices_of (f, number);
      g_autofree char *bill_sql = g_strdup_printf ("SELECT COUNT(*) FROM payment_intents i JOIN bills b "
                                                   "ON b.id = i.bill_id WHERE b.number = ?");

      assert_same_qr (a, b);
      g_assert_cmpint (ledger_int (f, bill_sql, number), ==, 1);
      check_invoices (f, number, sim);

      /* The customer pays whatever QR is live at QPay. */
      for (guint i = 0; i < sim->len; i++)
        if (g_str_equal (json_object_get_string_member (sim->pdata[i], "status"), "OPEN"))
          g_ptr_array_add (payments,
                           tb_cli_sim_pay (f->sim, json_object_get_string_member (sim->pdata[i], "invoice_id"), 0));
    }

  /* Every payment the provider took is recorded, once. */
  reconciled = cli (f, reconcile);
  g_assert_cmpint (reconciled->status, ==, 0);
  for (guint i = 0; i < payments->len; i++)
    g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE provider_txn_id = ?",
                                 payments->pdata[i]), ==, 1);
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments", NULL), ==, ROUNDS);
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM bills WHERE status <> 'PAID'", NULL), ==, 0);
}

/* 13.2: a cancel answered 200 with a login page leaves the QR open, listed and checked. */
static void
test_cancel_unreadable_listed (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *number = new_bill (f, 0);
  const char * const create[] = { "qpay", "invoice", number, "--json", NULL };
  const char * const list[] = { "qpay", "list", "--json", NULL };
  const char * const reconcile[] = { "reconcile", "--once", NULL };
  g_autoptr(TbCliRun) created = cli (f, create);
  g_autoptr(TbCliRun) cancelled = NULL;
  g_autoptr(TbCliRun) listed = NULL;
  g_autoptr(TbCliRun) reconciled = NULL;
  g_autoptr(JsonNode) intent = NULL;
  g_autoptr(JsonNode) open = NULL;
  g_autoptr(JsonNode) fault = NULL;
  g_autofree char *intent_id = NULL;
  g_autofree char *payment = NULL;
  const char *invoice_id;
  JsonArray *rows;

  tb_cli_assert_ok (created);
  intent = tb_cli_parse_json (created->out);
  intent_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (intent), "intent"));
  invoice_id = json_object_get_string_member (json_node_get_object (intent), "invoice_id");

  fault = tb_cli_sim_call (f->sim, "POST", "/sim/faults",
                           "{\"path\": \"/v2/invoice/\", \"status\": 200, \"body\": \"malformed\", \"count\": 1}");
  {
    const char * const cancel[] = { "qpay", "cancel", intent_id, NULL };
    cancelled = cli (f, cancel);
  }
  /* Not "cancelled": an error that says so, exit 1. */
  tb_cli_assert_error (cancelled);

  listed = cli (f, list);
  tb_cli_assert_ok (listed);
  open = tb_cli_parse_json (listed->out);
  rows = json_node_get_array (open);
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "state"), ==, "PENDING");
  g_assert_false (json_object_get_null_member (json_array_get_object_element (rows, 0), "last_error"));

  /* QPay never cancelled it: the customer pays, the reconciler records it. */
  payment = tb_cli_sim_pay (f->sim, invoice_id, 0);
  reconciled = cli (f, reconcile);
  g_assert_cmpint (reconciled->status, ==, 0);
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE provider_txn_id = ?", payment), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tulbur/cli/intents/two-processes-one-qr", Fixture, NULL, fixture_setup,
              test_two_processes_one_qr, fixture_teardown);
  g_test_add ("/tulbur/cli/intents/cancel-unreadable-listed", Fixture, NULL, fixture_setup,
              test_cancel_unreadable_listed, fixture_teardown);

  return g_test_run ();
}
