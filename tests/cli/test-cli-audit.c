/* test-cli-audit.c: tulbur-cli audit verify on real ledgers, clean and tampered with
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "tb-test-utils.h"

typedef struct
{
  char *tmpdir;
  char *db;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* tulbur-cli --db <fixture db> ARGS… */
G_GNUC_NULL_TERMINATED static Run *
cli (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TULBUR_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->db);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  return run;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Run) bill = NULL;
  g_autoptr(Run) line = NULL;
  g_autoptr(Run) cash = NULL;
  g_autoptr(Run) card = NULL;

  f->tmpdir = tb_test_tmpdir_new ();
  f->db = g_build_filename (f->tmpdir, "ledger.db", NULL);
  bill = cli (f, "bill", "new", NULL);
  g_assert_cmpint (bill->status, ==, 0);
  line = cli (f, "bill", "add-line", "1", "--desc", "Үзлэг", "--qty", "1", "--price", "50000", NULL);
  g_assert_cmpint (line->status, ==, 0);
  cash = cli (f, "pay", "1", "--method", "cash", "--amount", "20000", "--ref", "c1", NULL);
  g_assert_cmpint (cash->status, ==, 0);
  card = cli (f, "pay", "1", "--method", "card", "--amount", "10000", "--ref", "k1", NULL);
  g_assert_cmpint (card->status, ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tb_test_tmpdir_free (g_steal_pointer (&f->tmpdir));
  g_clear_pointer (&f->db, g_free);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_clean (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Run) text = cli (f, "audit", "verify", NULL);
  g_autoptr(Run) json = cli (f, "--json", "audit", "verify", NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *head = NULL;
  gint64 rows = tb_test_sql_int (f->db, "SELECT COUNT(*) FROM audit_log");
  g_autofree char *count = g_strdup_printf (" %" G_GINT64_FORMAT " audit rows", rows);

  g_assert_cmpint (text->status, ==, 0);
  g_assert_cmpstr (text->err, ==, "");
  g_assert_nonnull (strstr (text->out, count));

  g_assert_cmpint (json->status, ==, 0);
  object = parse_object (json->out);
  g_assert_true (json_object_get_boolean_member (object, "intact"));
  g_assert_cmpint (json_object_get_int_member (object, "rows"), ==, rows);
  g_assert_true (json_object_get_null_member (object, "broken"));
  head = g_strdup (json_object_get_string_member (json_object_get_object_member (object, "head"), "hash"));
  g_assert_cmpuint (strlen (head), ==, 64);
  /* The text form prints the same head. */
  g_assert_nonnull (strstr (text->out, head));
}

static void
tamper (Fixture    *f,
        const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The amount of the cash payment lowered by someone with the file: exit 1, the audit row that
 * records it named on stderr and in the JSON. */
static void
test_tampered (Fixture       *f,
               gconstpointer  data)
{
  gint64 row = tb_test_sql_int (f->db, "SELECT a.id FROM audit_log a JOIN payments p ON p.id = a.payment_id "
                                       "WHERE p.provider_txn_id = 'c1'");
  g_autofree char *named = g_strdup_printf ("audit row %" G_GINT64_FORMAT ":", row);
  g_autoptr(Run) text = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonObject *broken;

  tamper (f, "DROP TRIGGER payments_append_only_update; "
             "UPDATE payments SET amount = 2000 WHERE provider_txn_id = 'c1'");

  text = cli (f, "audit", "verify", NULL);
  g_assert_cmpint (text->status, ==, 1);
  g_assert_cmpstr (text->out, ==, "");
  g_assert_true (g_str_has_prefix (text->err, "tulbur-cli: "));
  g_assert_nonnull (strstr (text->err, named));

  json = cli (f, "--json", "audit", "verify", NULL);
  g_assert_cmpint (json->status, ==, 1);
  object = parse_object (json->out);
  g_assert_false (json_object_get_boolean_member (object, "intact"));
  broken = json_object_get_object_member (object, "broken");
  g_assert_cmpstr (json_object_get_string_member (broken, "table"), ==, "audit_log");
  g_assert_cmpint (json_object_get_int_member (broken, "id"), ==, row);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tulbur/cli-audit/clean", Fixture, NULL, fixture_setup, test_clean, fixture_teardown);
  g_test_add ("/tulbur/cli-audit/tampered", Fixture, NULL, fixture_setup, test_tampered, fixture_teardown);

  return g_test_run ();
}
