/* test-cli-key.c: tulbur-cli key export / key import on real ledger files
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "core/tb-ledger.h"
#include "tb-test-utils.h"

typedef struct
{
  char *tmpdir;
  char *db;
  char *key;
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

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmpdir = tb_test_tmpdir_new ();
  f->db = g_build_filename (f->tmpdir, "ledger.db", NULL);
  f->key = g_strconcat (f->db, ".key", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tb_test_tmpdir_free (g_steal_pointer (&f->tmpdir));
  g_clear_pointer (&f->db, g_free);
  g_clear_pointer (&f->key, g_free);
}

/* tulbur-cli --db @db ARGS… with @input (nullable) on standard input. */
static Run *
run_cli (Fixture            *f,
         const char         *db,
         const char         *input,
         const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GBytes) in = g_bytes_new (input != NULL ? input : "", input != NULL ? strlen (input) : 0);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = g_build_filename (f->tmpdir, "xdg", NULL);
  Run *run = g_new0 (Run, 1);

  g_ptr_array_add (args, (gpointer) g_getenv ("TULBUR_CLI"));
  g_ptr_array_add (args, (gpointer) "--db");
  g_ptr_array_add (args, (gpointer) db);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "TULBUR_DB");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, in, NULL, &out, &err, &error);
  g_assert_no_error (error);

  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  run->out = g_bytes_get_size (out) > 0 ? g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out))
                                         : g_strdup ("");
  run->err = g_bytes_get_size (err) > 0 ? g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err))
                                         : g_strdup ("");
  return run;
}

#define CLI(f, db, input, ...) run_cli ((f), (db), (input), (const char *[]) { __VA_ARGS__, NULL })

#define assert_exit(run, code) \
  G_STMT_START { \
    if ((run)->status != (code)) \
      g_error ("expected exit %d, got %d; stdout: %s; stderr: %s", \
               (code), (run)->status, (run)->out, (run)->err); \
  } G_STMT_END

/* A ledger with one customer whose phone is sealed; returns its recovery key. */
static char *
ledger_with_customer (Fixture    *f,
                      const char *db)
{
  g_autoptr(Run) add = CLI (f, db, NULL, "customer", "add", "--name", "Болд", "--phone", "99112233");
  g_autoptr(Run) export = NULL;

  assert_exit (add, 0);
  export = CLI (f, db, NULL, "key", "export");
  assert_exit (export, 0);
  g_assert_cmpstr (export->err, ==, "");
  return g_steal_pointer (&export->out);
}

/* The ledger opens and the sealed phone reads back. */
static void
assert_phone_found (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (f->db, &error);
  g_autoptr(TbCustomer) customer = NULL;

  g_assert_no_error (error);
  customer = tb_ledger_get_customer (ledger, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (customer->phone, ==, "99112233");
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *text = ledger_with_customer (f, f->db);
  g_autoptr(Run) json = CLI (f, f->db, NULL, "--json", "key", "export");
  g_autoptr(Run) refused = NULL;
  g_autoptr(Run) imported = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_text = NULL;
  struct stat st;

  /* Printable: base32 groups of four, seven a line, four lines. */
  g_assert_true (g_regex_match_simple ("^([A-Z2-7]{4}-){6}[A-Z2-7]{4}(\n([A-Z2-7]{4}-){6}[A-Z2-7]{4}){3}\n$",
                                       text, 0, 0));
  assert_exit (json, 0);
  node = json_from_string (json->out, &error);
  g_assert_no_error (error);
  key_text = g_strconcat (json_object_get_string_member (json_node_get_object (node), "key"), "\n", NULL);
  g_assert_cmpstr (key_text, ==, text);
  g_assert_cmpuint (strlen (json_object_get_string_member (json_node_get_object (node), "fingerprint")), ==, 64);

  /* Without its key the ledger refuses to open, naming the file and the way back. */
  g_assert_cmpint (g_unlink (f->key), ==, 0);
  refused = CLI (f, f->db, NULL, "bill", "list");
  assert_exit (refused, 1);
  g_assert_nonnull (strstr (refused->err, f->key));
  g_assert_nonnull (strstr (refused->err, "key import"));
  g_assert_false (g_file_test (f->key, G_FILE_TEST_EXISTS));

  imported = CLI (f, f->db, text, "key", "import");
  assert_exit (imported, 0);
  g_assert_cmpstr (imported->err, ==, "");
  g_assert_nonnull (strstr (imported->out, f->key));
  g_assert_cmpint (g_stat (f->key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  assert_phone_found (f);

  /* The same key again is fine (nothing to do). */
  again = CLI (f, f->db, text, "key", "import");
  assert_exit (again, 0);
}

static void
test_typo (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *text = ledger_with_customer (f, f->db);
  g_autofree char *typo = g_strdup (text);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_autofree char *file = g_build_filename (f->tmpdir, "recovery.txt", NULL);
  g_autoptr(Run) bad = NULL;
  g_autoptr(Run) empty = NULL;
  g_autoptr(Run) good = NULL;

  g_assert_cmpint (g_unlink (f->key), ==, 0);
  typo[2] = typo[2] == 'X' ? 'Y' : 'X';
  bad = CLI (f, f->db, typo, "key", "import");
  assert_exit (bad, 1);
  g_assert_true (g_str_has_prefix (bad->err, "tulbur-cli: "));
  g_assert_cmpstr (bad->out, ==, "");
  g_assert_false (g_file_test (f->key, G_FILE_TEST_EXISTS));

  empty = CLI (f, f->db, "", "key", "import");
  assert_exit (empty, 1);
  g_assert_false (g_file_test (f->key, G_FILE_TEST_EXISTS));

  /* Typed in lower case from a file: accepted. */
  g_assert_true (g_file_set_contents (file, lower, -1, NULL));
  good = CLI (f, f->db, NULL, "key", "import", "--file", file);
  assert_exit (good, 0);
  assert_phone_found (f);
}

static void
test_wrong_ledger (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->tmpdir, "other.db", NULL);
  g_autofree char *other_key = g_strconcat (other, ".key", NULL);
  g_autofree char *text = ledger_with_customer (f, f->db);
  g_autofree char *other_text = ledger_with_customer (f, other);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(Run) wrong = NULL;
  g_autoptr(Run) overwrite = NULL;
  g_autoptr(Run) usage = NULL;

  g_assert_cmpint (g_unlink (f->key), ==, 0);
  wrong = CLI (f, f->db, other_text, "key", "import");
  assert_exit (wrong, 1);
  g_assert_true (g_str_has_prefix (wrong->err, "tulbur-cli: "));
  g_assert_false (g_file_test (f->key, G_FILE_TEST_EXISTS));

  /* The other ledger keeps its own key: another key for it is refused, its file untouched. */
  g_assert_true (g_file_get_contents (other_key, &before, NULL, NULL));
  overwrite = CLI (f, other, text, "key", "import");
  assert_exit (overwrite, 1);
  g_assert_true (g_file_get_contents (other_key, &after, NULL, NULL));
  g_assert_cmpmem (before, 64, after, 64);

  usage = CLI (f, f->db, text, "key", "import", "extra");
  assert_exit (usage, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tulbur/cli-key/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  ADD ("typo", test_typo);
  ADD ("wrong-ledger", test_wrong_ledger);
#undef ADD

  return g_test_run ();
}
