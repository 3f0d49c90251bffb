/* test-cli-qpay.c: tulbur-cli qpay … and reconcile against tulbur-sim, both real processes
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tb-cli-sim.h"
#include "tb-test-utils.h"

/* What tb_money_format prints between groups of digits: a no-break space. */
#define NBSP_UTF8 "\xc2\xa0"

typedef struct
{
  char                *tmpdir;
  char                *db;
  TbCliSim            *sim;
  GSubprocessLauncher *launcher;   /* QPAY_* set for the simulator */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmpdir = tb_test_tmpdir_new ();
  f->db = g_build_filename (f->tmpdir, "ledger.db", NULL);
  f->sim = tb_cli_sim_start ();
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

/* tulbur-cli --db <fixture db> ARGS…, with the simulator's QPAY_* */
G_GNUC_NULL_TERMINATED static TbCliRun *
cli (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  return tb_cli_run (f->launcher, f->db, (const char * const *) argv->pdata);
}

/* Like cli () with @env on top (KEY, VALUE pairs; a NULL VALUE unsets KEY). */
G_GNUC_NULL_TERMINATED static TbCliRun *
cli_env (Fixture            *f,
         const char * const *env,
         const char         *first,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = tb_cli_launcher_new (f->tmpdir, f->sim, env);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  return tb_cli_run (launcher, f->db, (const char * const *) argv->pdata);
}

static JsonObject *
object_of (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static JsonArray *
array_of (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

static gint64
int_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    g_error ("member “%s” is missing or not an integer", member);
  return json_node_get_int (node);
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    g_error ("member “%s” is missing or not a string", member);
  return json_node_get_string (node);
}

static gboolean
member_is_null (JsonObject *object,
                const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node);
}

/* A bill with one line of @price (minor units, VAT-inclusive); returns its number. */
static char *
new_bill (Fixture *f,
          gint64   price)
{
  g_autofree char *price_text = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", price / 100,
                                                 (int) (price % 100));
  g_autoptr(TbCliRun) created = cli (f, "bill", "new", NULL);
  g_autoptr(TbCliRun) line = NULL;
  char *number;

  tb_cli_assert_ok (created);
  number = g_strstrip (g_strdup (created->out));
  line = cli (f, "bill", "add-line", number, "--desc", "Үзлэг", "--qty", "1",
              "--price", price_text, NULL);
  tb_cli_assert_ok (line);
  return number;
}

/* `qpay invoice BILL --json [--amount A]` that must succeed; returns its object. */
static JsonNode *
invoice (Fixture    *f,
         const char *bill,
         const char *amount)
{
  g_autoptr(TbCliRun) run = amount != NULL
    ? cli (f, "qpay", "invoice", bill, "--amount", amount, "--json", NULL)
    : cli (f, "qpay", "invoice", bill, "--json", NULL);

  tb_cli_assert_ok (run);
  return tb_cli_parse_json (run->out);
}

static JsonNode *
intent_json (Fixture    *f,
             const char *verb,
             gint64      intent_id)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, intent_id);
  g_autoptr(TbCliRun) run = cli (f, "qpay", verb, id, "--json", NULL);

  tb_cli_assert_ok (run);
  return tb_cli_parse_json (run->out);
}

static JsonNode *
bill_json (Fixture    *f,
           const char *number)
{
  g_autoptr(TbCliRun) run = cli (f, "bill", "show", number, "--json", NULL);

  tb_cli_assert_ok (run);
  return tb_cli_parse_json (run->out);
}

/* The simulator's record of @invoice_id, or NULL. */
static JsonObject *
find_sim_invoice (JsonNode   *invoices,
                  const char *invoice_id)
{
  JsonArray *array = array_of (invoices);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "invoice_id"), invoice_id) == 0)
        return object;
    }
  return NULL;
}

static gint64
ledger_int (Fixture    *f,
            const char *sql,
            const char *text_arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (text_arg != NULL)
    sqlite3_bind_text (stmt, 1, text_arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* ---- tests ---- */

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(TbCliRun) group = cli (f, "qpay", "--help", NULL);
  g_autoptr(TbCliRun) top = cli (f, "--help", NULL);
  g_autoptr(TbCliRun) check_help = cli (f, "qpay", "check", "--help", NULL);

  tb_cli_assert_ok (group);
  g_assert_nonnull (strstr (group->out, "qpay invoice"));
  g_assert_nonnull (strstr (group->out, "qpay check"));
  g_assert_nonnull (strstr (group->out, "qpay cancel"));
  g_assert_nonnull (strstr (group->out, "qpay list"));
  tb_cli_assert_ok (top);
  g_assert_nonnull (strstr (top->out, "reconcile"));
  tb_cli_assert_ok (check_help);
  g_assert_nonnull (strstr (check_help->out, "INTENT"));
  g_assert_nonnull (strstr (check_help->out, "settled"));
}

static void
test_invoice (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autoptr(JsonNode) first = invoice (f, bill, NULL);
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) invoices = NULL;
  g_autoptr(TbCliRun) text = NULL;
  JsonObject *object = object_of (first);
  JsonObject *sim_invoice;
  JsonArray *links;

  /* The shape scripts rely on. */
  g_assert_cmpint (int_member (object, "intent"), >, 0);
  g_assert_cmpstr (string_member (object, "bill"), ==, bill);
  g_assert_cmpuint (strlen (string_member (object, "invoice_id")), >, 0);
  g_assert_cmpuint (strlen (string_member (object, "sender_invoice_no")), >, 0);
  g_assert_cmpuint (strlen (string_member (object, "sender_invoice_no")), <=, 45);
  g_assert_cmpint (int_member (object, "amount"), ==, 1250000);
  g_assert_cmpint (int_member (object, "paid"), ==, 0);
  g_assert_cmpstr (string_member (object, "state"), ==, "PENDING");
  g_assert_cmpstr (string_member (object, "environment"), ==, "sim");
  g_assert_cmpuint (strlen (string_member (object, "qr_text")), >, 20);
  g_assert_true (g_str_has_suffix (string_member (object, "expires"), "Z"));
  g_assert_true (g_str_has_suffix (string_member (object, "created"), "Z"));
  g_assert_false (json_object_get_boolean_member (object, "reused"));
  links = json_object_get_array_member (object, "links");
  g_assert_cmpuint (json_array_get_length (links), >, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (links, 0),
                                                           "link"),
                            "://"));

  /* The simulator has exactly that invoice, for that amount and number. */
  invoices = tb_cli_sim_invoices (f->sim);
  g_assert_cmpuint (json_array_get_length (array_of (invoices)), ==, 1);
  sim_invoice = find_sim_invoice (invoices, string_member (object, "invoice_id"));
  g_assert_nonnull (sim_invoice);
  g_assert_cmpstr (string_member (sim_invoice, "sender_invoice_no"), ==,
                   string_member (object, "sender_invoice_no"));
  g_assert_cmpint (tb_cli_sim_money (sim_invoice, "amount"), ==, 1250000);
  g_clear_pointer (&invoices, json_node_unref);

  /* The same command again: the same QR, nothing new at QPay. */
  again = invoice (f, bill, "12 500");
  g_assert_cmpint (int_member (object_of (again), "intent"), ==, int_member (object, "intent"));
  g_assert_cmpstr (string_member (object_of (again), "invoice_id"), ==,
                   string_member (object, "invoice_id"));
  g_assert_cmpstr (string_member (object_of (again), "qr_text"), ==,
                   string_member (object, "qr_text"));
  g_assert_true (json_object_get_boolean_member (object_of (again), "reused"));
  invoices = tb_cli_sim_invoices (f->sim);
  g_assert_cmpuint (json_array_get_length (array_of (invoices)), ==, 1);

  /* Text: the facts a receptionist reads out, and the bank links. */
  text = cli (f, "qpay", "invoice", bill, NULL);
  tb_cli_assert_ok (text);
  g_assert_nonnull (strstr (text->out, string_member (object, "invoice_id")));
  g_assert_nonnull (strstr (text->out, string_member (object, "sender_invoice_no")));
  g_assert_nonnull (strstr (text->out, "12" NBSP_UTF8 "500"));
  g_assert_nonnull (strstr (text->out, "://q?qPay_QRcode="));
}

static void
test_invoice_new_amount (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autoptr(JsonNode) first = invoice (f, bill, NULL);
  g_autoptr(JsonNode) second = invoice (f, bill, "5000");
  g_autoptr(JsonNode) invoices = tb_cli_sim_invoices (f->sim);
  g_autoptr(TbCliRun) all = cli (f, "qpay", "list", "--state", "all", "--json", NULL);
  g_autoptr(JsonNode) listed = NULL;
  JsonObject *old_invoice;
  JsonArray *array;

  /* A different amount is a new QR, and the old one can no longer be paid. */
  g_assert_cmpint (int_member (object_of (second), "intent"), !=,
                   int_member (object_of (first), "intent"));
  g_assert_cmpint (int_member (object_of (second), "amount"), ==, 500000);
  g_assert_cmpuint (json_array_get_length (array_of (invoices)), ==, 2);
  old_invoice = find_sim_invoice (invoices, string_member (object_of (first), "invoice_id"));
  g_assert_cmpstr (string_member (old_invoice, "status"), ==, "CANCELLED");

  tb_cli_assert_ok (all);
  listed = tb_cli_parse_json (all->out);
  array = array_of (listed);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  /* Newest first. */
  g_assert_cmpint (int_member (json_array_get_object_element (array, 0), "intent"), ==,
                   int_member (object_of (second), "intent"));
  g_assert_cmpstr (string_member (json_array_get_object_element (array, 1), "state"), ==,
                   "CANCELLED");
}

static void
test_check_and_pay (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autoptr(JsonNode) opened = invoice (f, bill, NULL);
  gint64 intent = int_member (object_of (opened), "intent");
  g_autofree char *intent_text = g_strdup_printf ("%" G_GINT64_FORMAT, intent);
  g_autoptr(JsonNode) unpaid = intent_json (f, "check", intent);
  g_autoptr(JsonNode) paid = NULL;
  g_autoptr(JsonNode) repeat = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(TbCliRun) waiting = NULL;
  g_autoptr(TbCliRun) text = NULL;
  g_autofree char *payment_id = NULL;
  JsonObject *object;
  JsonArray *payments;

  /* Nothing paid yet: exit 0 all the same. */
  object = object_of (unpaid);
  g_assert_cmpint (int_member (object, "intent"), ==, intent);
  g_assert_cmpstr (string_member (object, "state"), ==, "PENDING");
  g_assert_cmpint (int_member (object, "settled"), ==, 0);
  g_assert_cmpint (int_member (object, "settled_amount"), ==, 0);
  g_assert_cmpint (int_member (object, "due"), ==, 1250000);
  g_assert_cmpstr (string_member (object, "bill"), ==, bill);
  g_assert_cmpstr (string_member (object, "bill_status"), ==, "OPEN");
  waiting = cli (f, "qpay", "check", intent_text, NULL);
  tb_cli_assert_ok (waiting);
  g_assert_nonnull (strstr (waiting->out, "Still waiting for payment"));

  payment_id = tb_cli_sim_pay (f->sim, string_member (object_of (opened), "invoice_id"), 0);

  paid = intent_json (f, "check", intent);
  object = object_of (paid);
  g_assert_cmpint (int_member (object, "settled"), ==, 1);
  g_assert_cmpint (int_member (object, "settled_amount"), ==, 1250000);
  g_assert_cmpstr (string_member (object, "state"), ==, "PAID");
  g_assert_cmpstr (string_member (object, "bill_status"), ==, "PAID");
  g_assert_cmpint (int_member (object, "due"), ==, 0);
  g_assert_cmpint (int_member (object, "paid"), ==, 1250000);
  g_assert_false (json_object_get_boolean_member (object, "overpaid"));

  /* Checking again records nothing new. */
  repeat = intent_json (f, "check", intent);
  g_assert_cmpint (int_member (object_of (repeat), "settled"), ==, 0);
  g_assert_cmpstr (string_member (object_of (repeat), "state"), ==, "PAID");
  text = cli (f, "qpay", "check", intent_text, NULL);
  tb_cli_assert_ok (text);
  g_assert_nonnull (strstr (text->out, "Already paid"));

  /* The ledger has the payment once, under QPay's id. */
  shown = bill_json (f, bill);
  g_assert_cmpstr (string_member (object_of (shown), "status"), ==, "PAID");
  payments = json_object_get_array_member (object_of (shown), "payments");
  g_assert_cmpuint (json_array_get_length (payments), ==, 1);
  g_assert_cmpstr (string_member (json_array_get_object_element (payments, 0), "method"), ==,
                   "QPAY");
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE provider_txn_id = ?1",
                               payment_id), ==, 1);
}

static void
test_partial (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autoptr(JsonNode) opened = invoice (f, bill, NULL);
  const char *invoice_id = string_member (object_of (opened), "invoice_id");
  gint64 intent = int_member (object_of (opened), "intent");
  g_autofree char *intent_text = g_strdup_printf ("%" G_GINT64_FORMAT, intent);
  g_autofree char *first_payment = tb_cli_sim_pay (f->sim, invoice_id, 500000);
  g_autoptr(TbCliRun) part = cli (f, "qpay", "check", intent_text, NULL);
  g_autoptr(JsonNode) rest = NULL;
  g_autofree char *second_payment = NULL;

  /* Part paid: recorded, and the QR stays open for the rest. */
  tb_cli_assert_ok (part);
  g_assert_nonnull (strstr (part->out, "5" NBSP_UTF8 "000"));
  g_assert_nonnull (strstr (part->out, "Partly paid"));
  g_assert_nonnull (strstr (part->out, "7" NBSP_UTF8 "500"));

  second_payment = tb_cli_sim_pay (f->sim, invoice_id, 0);
  rest = intent_json (f, "check", intent);
  g_assert_cmpint (int_member (object_of (rest), "settled"), ==, 1);
  g_assert_cmpint (int_member (object_of (rest), "settled_amount"), ==, 750000);
  g_assert_cmpstr (string_member (object_of (rest), "state"), ==, "PAID");
  g_assert_cmpstr (string_member (object_of (rest), "bill_status"), ==, "PAID");
  g_assert_cmpint (int_member (object_of (rest), "due"), ==, 0);
  g_assert_cmpint (ledger_int (f, "SELECT SUM(amount) FROM payments WHERE method = 'QPAY'", NULL),
                   ==, 1250000);
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *bill_a = new_bill (f, 1000000);
  g_autofree char *bill_b = new_bill (f, 2000000);
  g_autoptr(JsonNode) a = invoice (f, bill_a, NULL);
  g_autoptr(JsonNode) b = invoice (f, bill_b, NULL);
  g_autofree char *payment = tb_cli_sim_pay (f->sim, string_member (object_of (a), "invoice_id"), 0);
  g_autoptr(JsonNode) settled = intent_json (f, "check", int_member (object_of (a), "intent"));
  g_autoptr(TbCliRun) pending = cli (f, "qpay", "list", "--json", NULL);
  g_autoptr(TbCliRun) all = cli (f, "qpay", "list", "--json", "--state", "all", NULL);
  g_autoptr(TbCliRun) only_a = cli (f, "qpay", "list", "--json", "--state", "all",
                                    "--bill", bill_a, NULL);
  g_autoptr(TbCliRun) text = cli (f, "qpay", "list", "--state", "all", NULL);
  g_autoptr(TbCliRun) bad_state = cli (f, "qpay", "list", "--state", "paid", NULL);
  g_autoptr(TbCliRun) bad_bill = cli (f, "qpay", "list", "--bill", "9999", NULL);
  g_autoptr(TbCliRun) bad_limit = cli (f, "qpay", "list", "--limit", "0", NULL);
  g_autoptr(JsonNode) pending_json = NULL;
  g_autoptr(JsonNode) all_json = NULL;
  g_autoptr(JsonNode) a_json = NULL;
  JsonObject *row;

  g_assert_cmpint (int_member (object_of (settled), "settled"), ==, 1);

  tb_cli_assert_ok (pending);
  pending_json = tb_cli_parse_json (pending->out);
  g_assert_cmpuint (json_array_get_length (array_of (pending_json)), ==, 1);
  row = json_array_get_object_element (array_of (pending_json), 0);
  g_assert_cmpint (int_member (row, "intent"), ==, int_member (object_of (b), "intent"));
  g_assert_cmpstr (string_member (row, "bill"), ==, bill_b);
  g_assert_cmpstr (string_member (row, "invoice_id"), ==, string_member (object_of (b), "invoice_id"));
  g_assert_cmpstr (string_member (row, "sender_invoice_no"), ==,
                   string_member (object_of (b), "sender_invoice_no"));
  g_assert_cmpstr (string_member (row, "state"), ==, "PENDING");
  g_assert_cmpint (int_member (row, "amount"), ==, 2000000);
  g_assert_cmpint (int_member (row, "paid"), ==, 0);
  g_assert_cmpint (int_member (row, "checks"), ==, 0);
  g_assert_true (member_is_null (row, "last_error"));

  tb_cli_assert_ok (all);
  all_json = tb_cli_parse_json (all->out);
  g_assert_cmpuint (json_array_get_length (array_of (all_json)), ==, 2);
  row = json_array_get_object_element (array_of (all_json), 1);
  g_assert_cmpstr (string_member (row, "bill"), ==, bill_a);
  g_assert_cmpstr (string_member (row, "state"), ==, "PAID");
  g_assert_cmpint (int_member (row, "paid"), ==, 1000000);
  g_assert_cmpint (int_member (row, "checks"), ==, 1);

  tb_cli_assert_ok (only_a);
  a_json = tb_cli_parse_json (only_a->out);
  g_assert_cmpuint (json_array_get_length (array_of (a_json)), ==, 1);

  tb_cli_assert_ok (text);
  g_assert_nonnull (strstr (text->out, "Waiting for payment"));
  g_assert_nonnull (strstr (text->out, "20" NBSP_UTF8 "000"));

  tb_cli_assert_error (bad_state);
  g_assert_nonnull (strstr (bad_state->err, "--state"));
  tb_cli_assert_error (bad_bill);
  tb_cli_assert_error (bad_limit);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autofree char *paid_bill = new_bill (f, 300000);
  g_autoptr(JsonNode) opened = invoice (f, bill, NULL);
  g_autoptr(JsonNode) to_pay = invoice (f, paid_bill, NULL);
  g_autoptr(JsonNode) cancelled = intent_json (f, "cancel", int_member (object_of (opened), "intent"));
  g_autoptr(JsonNode) invoices = NULL;
  g_autoptr(JsonNode) raced = NULL;
  g_autoptr(TbCliRun) pending = NULL;
  g_autoptr(TbCliRun) again = NULL;
  g_autoptr(TbCliRun) unknown = NULL;
  g_autofree char *payment = NULL;
  g_autofree char *intent_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  int_member (object_of (opened), "intent"));

  g_assert_cmpstr (string_member (object_of (cancelled), "state"), ==, "CANCELLED");
  g_assert_cmpint (int_member (object_of (cancelled), "settled"), ==, 0);
  g_assert_cmpint (int_member (object_of (cancelled), "due"), ==, 1250000);
  invoices = tb_cli_sim_invoices (f->sim);
  g_assert_cmpstr (string_member (find_sim_invoice (invoices,
                                                    string_member (object_of (opened), "invoice_id")),
                                  "status"), ==, "CANCELLED");

  /* A second cancel changes nothing and says so. */
  again = cli (f, "qpay", "cancel", intent_text, NULL);
  tb_cli_assert_ok (again);
  g_assert_nonnull (strstr (again->out, "cancelled"));

  /* Paid before the cancel: recorded, not cancelled. */
  payment = tb_cli_sim_pay (f->sim, string_member (object_of (to_pay), "invoice_id"), 0);
  raced = intent_json (f, "cancel", int_member (object_of (to_pay), "intent"));
  g_assert_cmpstr (string_member (object_of (raced), "state"), ==, "PAID");
  g_assert_cmpint (int_member (object_of (raced), "settled"), ==, 1);
  g_assert_cmpstr (string_member (object_of (raced), "bill_status"), ==, "PAID");
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE provider_txn_id = ?1",
                               payment), ==, 1);

  pending = cli (f, "qpay", "list", NULL);
  tb_cli_assert_ok (pending);
  g_assert_nonnull (strstr (pending->out, "No QR payments are waiting."));

  unknown = cli (f, "qpay", "cancel", "4242", NULL);
  tb_cli_assert_error (unknown);
}

static void
test_config (Fixture       *f,
             gconstpointer  data)
{
  const char *secret = "s3cret-Value-99";
  const char *no_id[] = { "QPAY_CLIENT_ID", NULL, "QPAY_CLIENT_SECRET", secret, NULL };
  const char *no_secret[] = { "QPAY_CLIENT_SECRET", "  ", NULL };
  const char *no_code[] = { "QPAY_INVOICE_CODE", NULL, "QPAY_CLIENT_SECRET", secret, NULL };
  const char *bad_env[] = { "QPAY_ENV", "production", NULL };
  const char *no_url[] = { "QPAY_BASE_URL", NULL, NULL };
  const char *plain_http[] = { "QPAY_BASE_URL", "http://merchant.qpay.mn", NULL };
  const char *bad_timeout[] = { "QPAY_TIMEOUT_MS", "soon", NULL };
  const char *wrong_secret[] = { "QPAY_CLIENT_SECRET", secret, NULL };
  const char *unreachable[] = { "QPAY_BASE_URL", "http://127.0.0.1:9", NULL };
  struct {
    const char * const *env;
    const char         *needle;
  } cases[] = {
    { no_id, "QPAY_CLIENT_ID" },
    { no_secret, "QPAY_CLIENT_SECRET" },
    { no_code, "QPAY_INVOICE_CODE" },
    { bad_env, "QPAY_ENV" },
    { no_url, "QPAY_BASE_URL" },
    { plain_http, "https://" },
    { bad_timeout, "QPAY_TIMEOUT_MS" },
  };
  g_autofree char *bill = NULL;

  /* Configuration is read before the ledger: a refused run does not even create the file. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TbCliRun) invoice_run = cli_env (f, cases[i].env, "qpay", "invoice", "1", NULL);
      g_autoptr(TbCliRun) check_run = cli_env (f, cases[i].env, "qpay", "check", "1", NULL);
      g_autoptr(TbCliRun) reconcile_run = cli_env (f, cases[i].env, "reconcile", "--once", NULL);

      tb_cli_assert_error (invoice_run);
      g_assert_nonnull (strstr (invoice_run->err, cases[i].needle));
      g_assert_null (strstr (invoice_run->err, secret));
      tb_cli_assert_error (check_run);
      g_assert_nonnull (strstr (check_run->err, cases[i].needle));
      tb_cli_assert_error (reconcile_run);
      g_assert_nonnull (strstr (reconcile_run->err, cases[i].needle));
      g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
    }

  /* QPay refuses the login: a clear error, never the secret, and no intent is left behind as
   * if a QR existed. */
  bill = new_bill (f, 1250000);
  {
    g_autoptr(TbCliRun) refused = cli_env (f, wrong_secret, "qpay", "invoice", bill, NULL);
    g_autoptr(TbCliRun) down = cli_env (f, unreachable, "qpay", "invoice", bill, NULL);
    g_autoptr(JsonNode) invoices = tb_cli_sim_invoices (f->sim);

    tb_cli_assert_error (refused);
    g_assert_null (strstr (refused->err, secret));
    tb_cli_assert_error (down);
    g_assert_cmpuint (json_array_get_length (array_of (invoices)), ==, 0);
    g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payment_intents WHERE state = 'PENDING'",
                                 NULL), ==, 0);
  }

  /* An intent made in the simulator is not checked against another environment. */
  {
    const char *sandbox[] = { "QPAY_ENV", "sandbox", NULL };
    g_autoptr(JsonNode) opened = invoice (f, bill, NULL);
    g_autofree char *intent = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               int_member (object_of (opened), "intent"));
    g_autoptr(TbCliRun) elsewhere = cli_env (f, sandbox, "qpay", "check", intent, NULL);

    tb_cli_assert_error (elsewhere);
    g_assert_nonnull (strstr (elsewhere->err, "sim"));
    g_assert_nonnull (strstr (elsewhere->err, "sandbox"));
  }

  /* `qpay list` is the ledger only: no QPay configuration needed. */
  {
    const char *nothing[] = { "QPAY_CLIENT_ID", NULL, "QPAY_ENV", NULL, "QPAY_BASE_URL", NULL,
                              NULL };
    g_autoptr(TbCliRun) listed = cli_env (f, nothing, "qpay", "list", "--state", "all", NULL);

    tb_cli_assert_ok (listed);
  }
}

static void
test_bad_amounts (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autofree char *cheap = new_bill (f, 500);
  g_autofree char *settled = new_bill (f, 100000);
  const char *amounts[] = { "abc", "0", "-5", "12 500.50", "5", "12 501", "1e5", "", " " };
  g_autoptr(TbCliRun) cash = cli (f, "pay", settled, "--method", "cash", "--amount", "1000", NULL);
  g_autoptr(TbCliRun) nothing_due = NULL;
  g_autoptr(TbCliRun) too_small = NULL;
  g_autoptr(TbCliRun) unknown_bill = NULL;
  g_autoptr(TbCliRun) usage = NULL;
  g_autoptr(JsonNode) invoices = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    {
      g_autoptr(TbCliRun) run = cli (f, "qpay", "invoice", bill, "--amount", amounts[i], NULL);

      tb_cli_assert_error (run);
      g_assert_nonnull (strstr (run->err, "--amount"));
    }

  /* 5 ₮ due is below QPay's minimum, whatever the amount defaults to. */
  too_small = cli (f, "qpay", "invoice", cheap, NULL);
  tb_cli_assert_error (too_small);

  tb_cli_assert_ok (cash);
  nothing_due = cli (f, "qpay", "invoice", settled, NULL);
  tb_cli_assert_error (nothing_due);
  g_assert_nonnull (strstr (nothing_due->err, settled));

  unknown_bill = cli (f, "qpay", "invoice", "777", NULL);
  tb_cli_assert_error (unknown_bill);

  usage = cli (f, "qpay", "invoice", NULL);
  g_assert_cmpint (usage->status, ==, 2);

  /* Nothing was asked of QPay and nothing was committed. */
  invoices = tb_cli_sim_invoices (f->sim);
  g_assert_cmpuint (json_array_get_length (array_of (invoices)), ==, 0);
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payment_intents", NULL), ==, 0);
}

static void
test_network_error (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autoptr(JsonNode) opened = invoice (f, bill, NULL);
  g_autofree char *intent = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             int_member (object_of (opened), "intent"));
  g_autoptr(JsonNode) fault = tb_cli_sim_call (f->sim, "POST", "/sim/faults",
                                               "{\"path\": \"/v2/payment/check\", \"status\": 503, "
                                               "\"count\": -1}");
  g_autoptr(TbCliRun) failed = cli (f, "qpay", "check", intent, NULL);
  g_autoptr(TbCliRun) listed = NULL;
  g_autoptr(TbCliRun) recovered = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(JsonNode) cleared = NULL;
  g_autofree char *payment = NULL;

  /* QPay is down: exit 1 with a message, and the failure is noted on the intent for staff. */
  tb_cli_assert_error (failed);
  listed = cli (f, "qpay", "list", "--json", NULL);
  tb_cli_assert_ok (listed);
  rows = tb_cli_parse_json (listed->out);
  g_assert_false (member_is_null (json_array_get_object_element (array_of (rows), 0), "last_error"));

  /* QPay is back: the payment made meanwhile is found. */
  cleared = tb_cli_sim_call (f->sim, "DELETE", "/sim/faults", NULL);
  payment = tb_cli_sim_pay (f->sim, string_member (object_of (opened), "invoice_id"), 0);
  recovered = cli (f, "qpay", "check", intent, NULL);
  tb_cli_assert_ok (recovered);
  g_assert_nonnull (strstr (recovered->out, "12" NBSP_UTF8 "500"));
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE provider_txn_id = ?1",
                               payment), ==, 1);
}

static void
test_reconcile_once (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *bill_a = new_bill (f, 1250000);
  g_autofree char *bill_b = new_bill (f, 800000);
  g_autoptr(JsonNode) a = invoice (f, bill_a, NULL);
  g_autoptr(JsonNode) b = invoice (f, bill_b, NULL);
  g_autofree char *payment = tb_cli_sim_pay (f->sim, string_member (object_of (a), "invoice_id"), 0);
  g_autoptr(TbCliRun) once = cli (f, "reconcile", "--once", "--json", NULL);
  g_autoptr(TbCliRun) twice = cli (f, "reconcile", "--once", NULL);
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(JsonNode) shown = NULL;

  /* Paid without anyone asking: the pass finds it. */
  tb_cli_assert_ok (once);
  stats = tb_cli_parse_json (once->out);
  g_assert_cmpint (int_member (object_of (stats), "checked"), ==, 2);
  g_assert_cmpint (int_member (object_of (stats), "settled"), ==, 1);
  g_assert_cmpint (int_member (object_of (stats), "expired"), ==, 0);
  g_assert_cmpint (int_member (object_of (stats), "failed"), ==, 0);
  shown = bill_json (f, bill_a);
  g_assert_cmpstr (string_member (object_of (shown), "status"), ==, "PAID");

  /* Run by hand again at once: the one still open is checked again, nothing new recorded. */
  tb_cli_assert_ok (twice);
  g_assert_nonnull (strstr (twice->out, "QR payments checked: 1\n"));
  g_assert_nonnull (strstr (twice->out, "Payments recorded: 0\n"));
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE provider_txn_id = ?1",
                               payment), ==, 1);
}

/* More open QRs than one reconciler batch (20): --once looks at every one exactly once, the
 * unpaid ones that stay open included. */
static void
test_reconcile_batches (Fixture       *f,
                        gconstpointer  data)
{
  const guint n = 23;
  g_autoptr(TbCliRun) once = NULL;
  g_autoptr(JsonNode) stats = NULL;
  guint n_paid = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *bill = new_bill (f, 100000 + 100 * i);
      g_autoptr(JsonNode) opened = invoice (f, bill, NULL);

      if (i % 2 == 1)
        {
          g_autofree char *payment = tb_cli_sim_pay (f->sim,
                                                     string_member (object_of (opened), "invoice_id"),
                                                     0);
          n_paid++;
        }
    }

  once = cli (f, "reconcile", "--once", "--json", NULL);
  tb_cli_assert_ok (once);
  stats = tb_cli_parse_json (once->out);
  g_assert_cmpint (int_member (object_of (stats), "checked"), ==, n);
  g_assert_cmpint (int_member (object_of (stats), "settled"), ==, n_paid);
  g_assert_cmpint (int_member (object_of (stats), "failed"), ==, 0);
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM bills WHERE status = 'PAID'", NULL), ==,
                   n_paid);
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payment_intents WHERE check_count <> 1",
                               NULL), ==, 0);
}

static void
test_reconcile_continuous (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *bill = new_bill (f, 1250000);
  g_autoptr(JsonNode) opened = invoice (f, bill, NULL);
  const char *argv[] = { "reconcile", "--interval", "1", "--json", NULL };
  g_autoptr(GSubprocess) watcher = tb_cli_spawn (f->launcher, f->db, argv);
  g_autoptr(TbCliRun) run = NULL;
  g_autofree char *payment = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  gint64 settled = 0;
  guint n_lines = 0;

  /* Give it a pass with nothing paid, then pay: a later pass records it by itself. */
  g_usleep (300 * 1000);
  payment = tb_cli_sim_pay (f->sim, string_member (object_of (opened), "invoice_id"), 0);
  while (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE provider_txn_id = ?1", payment) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }

  /* SIGTERM ends it cleanly, exit 0. */
  g_subprocess_send_signal (watcher, SIGTERM);
  run = tb_cli_collect (watcher);
  tb_cli_assert_ok (run);

  /* One JSON object per pass and line. */
  lines = g_strsplit (run->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) line = NULL;

      if (lines[i][0] == '\0')
        continue;
      line = tb_cli_parse_json (lines[i]);
      g_assert_true (g_str_has_suffix (string_member (object_of (line), "time"), "Z"));
      g_assert_cmpint (int_member (object_of (line), "failed"), ==, 0);
      settled += int_member (object_of (line), "settled");
      n_lines++;
    }
  g_assert_cmpuint (n_lines, >=, 2);
  g_assert_cmpint (settled, ==, 1);
  g_assert_cmpint (ledger_int (f, "SELECT COUNT(*) FROM payments WHERE method = 'QPAY'", NULL), ==, 1);
}


/* Issue #16, 14: every check fails (a wrong secret): exit 1 and the reason on stderr, the
 * counts still on stdout as JSON, never the secret. */
static void
test_reconcile_failures (Fixture       *f,
                         gconstpointer  data)
{
  const char *wrong_secret[] = { "QPAY_CLIENT_SECRET", "not-the-secret-42", NULL };
  g_autofree char *bill_a = new_bill (f, 1250000);
  g_autofree char *bill_b = new_bill (f, 800000);
  g_autoptr(JsonNode) a = invoice (f, bill_a, NULL);
  g_autoptr(JsonNode) b = invoice (f, bill_b, NULL);
  g_autoptr(TbCliRun) run = cli_env (f, wrong_secret, "reconcile", "--once", "--json", NULL);
  g_autoptr(TbCliRun) text = cli_env (f, wrong_secret, "reconcile", "--once", NULL);
  g_autoptr(JsonNode) stats = NULL;

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "2 of 2 QR payment checks failed"));
  g_assert_nonnull (strstr (run->err, "QPay"));
  g_assert_null (strstr (run->err, "not-the-secret-42"));
  stats = tb_cli_parse_json (run->out);
  g_assert_cmpint (int_member (object_of (stats), "checked"), ==, 2);
  g_assert_cmpint (int_member (object_of (stats), "failed"), ==, 2);

  g_assert_cmpint (text->status, ==, 1);
  g_assert_nonnull (strstr (text->out, "Checks failed: 2\n"));
  g_assert_nonnull (strstr (text->err, "tulbur-cli: "));
}

/* Issue #16, 14: QPay hangs. Each open QR used to cost a minute (20 s × 3 attempts); the whole
 * run now ends at --deadline, exit 1, saying so. */
static void
test_reconcile_deadline (Fixture       *f,
                         gconstpointer  data)
{
  const char *slow[] = { "QPAY_TIMEOUT_MS", "20000", NULL };
  g_autoptr(JsonNode) fault = NULL;
  g_autoptr(TbCliRun) run = NULL;
  gint64 started;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *bill = new_bill (f, 1000000 + 1000 * i);
      g_autoptr(JsonNode) opened = invoice (f, bill, NULL);
    }
  fault = tb_cli_sim_call (f->sim, "POST", "/sim/faults",
                           "{\"path\": \"/v2/payment/check\", \"hang\": true, \"count\": -1}");

  started = g_get_monotonic_time ();
  run = cli_env (f, slow, "reconcile", "--once", "--deadline", "2", "--json", NULL);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 6 * G_USEC_PER_SEC);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "deadline"));
  {
    g_autoptr(JsonNode) stats = tb_cli_parse_json (run->out);

    g_assert_cmpint (int_member (object_of (stats), "settled"), ==, 0);
  }

  /* A bad deadline is refused like a bad interval. */
  {
    g_autoptr(TbCliRun) bad = cli (f, "reconcile", "--once", "--deadline", "0", NULL);

    g_assert_cmpint (bad->status, ==, 1);
    g_assert_nonnull (strstr (bad->err, "--deadline"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tulbur/cli/qpay/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("help", test_help);
  ADD ("invoice", test_invoice);
  ADD ("invoice-new-amount", test_invoice_new_amount);
  ADD ("check-and-pay", test_check_and_pay);
  ADD ("partial", test_partial);
  ADD ("list", test_list);
  ADD ("cancel", test_cancel);
  ADD ("config", test_config);
  ADD ("bad-amounts", test_bad_amounts);
  ADD ("network-error", test_network_error);
  ADD ("reconcile-once", test_reconcile_once);
  ADD ("reconcile-batches", test_reconcile_batches);
  ADD ("reconcile-continuous", test_reconcile_continuous);
  ADD ("reconcile-failures", test_reconcile_failures);
  ADD ("reconcile-deadline", test_reconcile_deadline);
#undef ADD

  return g_test_run ();
}
