/* test-cli.c: the real tulbur-cli binary on real ledger files
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "core/tb-ledger.h"

#include "tb-test-utils.h"

/* What tb_money_format prints: no-break spaces between groups and before the sign. */
#define NBSP "\xc2\xa0"
#define TUGRIK "\xe2\x82\xae"

typedef struct
{
  char *tmpdir;
  char *db;
} Fixture;

typedef struct
{
  int    status;      /* the exit code; -1 when the process did not exit normally */
  char  *out;
  gsize  out_len;
  char  *err;
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
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tb_test_tmpdir_free (g_steal_pointer (&f->tmpdir));
  g_clear_pointer (&f->db, g_free);
}

static char *
bytes_to_string (GBytes *bytes,
                 gsize  *out_len)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (out_len != NULL)
    *out_len = len;
  return g_strndup (data != NULL ? data : "", len);
}

/* Runs tulbur-cli with @argv (after the program name). @env is KEY, VALUE pairs (a NULL
 * VALUE unsets KEY). TULBUR_DB is unset and XDG_DATA_HOME points into the test's tmpdir so
 * that nothing outside it is ever touched. */
static Run *
run_argv (Fixture            *f,
          const char * const *env,
          const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = g_build_filename (f->tmpdir, "xdg", NULL);
  const char *binary = g_getenv ("TULBUR_CLI");
  Run *run = g_new0 (Run, 1);

  g_assert_nonnull (binary);
  g_ptr_array_add (args, (gpointer) binary);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "TULBUR_DB");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    {
      if (env[i + 1] != NULL)
        g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, env[i]);
    }

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  run->out = bytes_to_string (out, &run->out_len);
  run->err = bytes_to_string (err, NULL);
  return run;
}

static Run *
run_va (Fixture            *f,
        const char * const *env,
        gboolean            with_db,
        const char         *first,
        va_list             ap)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  if (with_db)
    {
      g_ptr_array_add (argv, (gpointer) "--db");
      g_ptr_array_add (argv, f->db);
    }
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return run_argv (f, env, (const char * const *) argv->pdata);
}

/* tulbur-cli --db <fixture db> ARGS… */
G_GNUC_NULL_TERMINATED static Run *
cli (Fixture    *f,
     const char *first,
     ...)
{
  va_list ap;
  Run *run;

  va_start (ap, first);
  run = run_va (f, NULL, TRUE, first, ap);
  va_end (ap);
  return run;
}

/* tulbur-cli ARGS… with extra environment and no --db */
G_GNUC_NULL_TERMINATED static Run *
cli_env (Fixture            *f,
         const char * const *env,
         const char         *first,
         ...)
{
  va_list ap;
  Run *run;

  va_start (ap, first);
  run = run_va (f, env, FALSE, first, ap);
  va_end (ap);
  return run;
}

#define assert_ok(run) \
  G_STMT_START { \
    if ((run)->status != 0) \
      g_error ("expected exit 0, got %d; stderr: %s", (run)->status, (run)->err); \
    g_assert_cmpstr ((run)->err, ==, ""); \
  } G_STMT_END

/* A refused request: exit 1, one clear message on stderr, nothing on stdout. */
#define assert_user_error(run) \
  G_STMT_START { \
    if ((run)->status != 1) \
      g_error ("expected exit 1, got %d; stdout: %s; stderr: %s", \
               (run)->status, (run)->out, (run)->err); \
    g_assert_true (g_str_has_prefix ((run)->err, "tulbur-cli: ")); \
    g_assert_cmpuint (strlen ((run)->err), >, strlen ("tulbur-cli: \n")); \
    g_assert_cmpstr ((run)->out, ==, ""); \
  } G_STMT_END

#define assert_usage_error(run) \
  G_STMT_START { \
    if ((run)->status != 2) \
      g_error ("expected exit 2, got %d; stdout: %s; stderr: %s", \
               (run)->status, (run)->out, (run)->err); \
    g_assert_true (g_str_has_prefix ((run)->err, "tulbur-cli: ")); \
    g_assert_nonnull (strstr ((run)->err, "--help")); \
    g_assert_cmpstr ((run)->out, ==, ""); \
  } G_STMT_END

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
parse_json_object (const char *text)
{
  JsonNode *node = parse_json (text);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return node;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_error ("missing member “%s”", name);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
  return json_node_get_int (node);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_error ("missing member “%s”", name);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  return json_node_get_string (node);
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_error ("missing member “%s”", name);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_BOOLEAN);
  return json_node_get_boolean (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_error ("missing member “%s”", name);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

static gboolean
member_is_null (JsonObject *object,
                const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_error ("missing member “%s”", name);
  return JSON_NODE_HOLDS_NULL (node);
}

/* ---- small scenario helpers ---- */

static gint64
add_customer (Fixture    *f,
              const char *name,
              const char *phone,
              const char *tin)
{
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (phone != NULL)
    run = cli (f, "customer", "add", "--name", name, "--phone", phone, "--tin", tin,
               "--json", NULL);
  else
    run = cli (f, "customer", "add", "--name", name, "--json", NULL);
  assert_ok (run);
  root = parse_json_object (run->out);
  return member_int (json_node_get_object (root), "id");
}

static char *
new_bill (Fixture *f)
{
  g_autoptr(Run) run = cli (f, "bill", "new", NULL);

  assert_ok (run);
  g_assert_true (g_str_has_suffix (run->out, "\n"));
  return g_strstrip (g_strdup (run->out));
}

static void
add_line (Fixture    *f,
          const char *bill,
          const char *desc,
          const char *qty,
          const char *price)
{
  g_autoptr(Run) run = cli (f, "bill", "add-line", bill, "--desc", desc, "--qty", qty,
                            "--price", price, NULL);

  assert_ok (run);
}

static JsonNode *
show_json (Fixture    *f,
           const char *bill)
{
  g_autoptr(Run) run = cli (f, "bill", "show", bill, "--json", NULL);

  assert_ok (run);
  return parse_json_object (run->out);
}

static guint
count_payments (Fixture    *f,
                const char *bill)
{
  g_autoptr(JsonNode) root = show_json (f, bill);

  return json_array_get_length (member_array (json_node_get_object (root), "payments"));
}

static gint64
bill_id_of (Fixture    *f,
            const char *bill)
{
  g_autoptr(JsonNode) root = show_json (f, bill);

  return member_int (json_node_get_object (root), "id");
}

static void
void_bill (Fixture    *f,
           const char *bill)
{
  gint64 id = bill_id_of (f, bill);
  g_autoptr(TbLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;

  ledger = tb_ledger_open (f->db, &error);
  g_assert_no_error (error);
  tb_ledger_void_bill (ledger, id, "test", &error);
  g_assert_no_error (error);
}

/* ---- CSV (RFC 4180), parsed strictly so that a quoting mistake fails the test ---- */

static GPtrArray *
parse_csv (const char *text,
           gsize       len)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  gsize i = 0;

  while (i < len)
    {
      gboolean end_of_record = FALSE;

      if (text[i] == '"')
        {
          i++;
          for (;;)
            {
              g_assert_cmpuint (i, <, len);   /* an unterminated quote */
              if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
                {
                  g_string_append_c (field, '"');
                  i += 2;
                }
              else if (text[i] == '"')
                {
                  i++;
                  break;
                }
              else
                g_string_append_c (field, text[i++]);
            }
        }
      else
        {
          while (i < len && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
            {
              g_assert_cmpint (text[i], !=, '"');   /* a quote inside an unquoted field */
              g_string_append_c (field, text[i++]);
            }
        }

      g_assert_cmpuint (i, <, len);   /* every record ends with CRLF */
      if (text[i] == ',')
        i++;
      else
        {
          g_assert_cmpint (text[i], ==, '\r');   /* CRLF, never a bare LF */
          g_assert_cmpuint (i + 1, <, len);
          g_assert_cmpint (text[i + 1], ==, '\n');
          i += 2;
          end_of_record = TRUE;
        }

      g_ptr_array_add (fields, g_strndup (field->str, field->len));
      g_string_truncate (field, 0);
      if (end_of_record)
        {
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_free (g_steal_pointer (&fields), FALSE));
          fields = g_ptr_array_new_with_free_func (g_free);
        }
    }

  g_assert_cmpuint (fields->len, ==, 0);
  return records;
}

/* The records (after the header) that have a field equal to @needle. */
static guint
csv_count_with_field (GPtrArray  *records,
                      const char *needle)
{
  guint n = 0;

  for (guint r = 1; r < records->len; r++)
    {
      char **record = g_ptr_array_index (records, r);

      if (g_strv_contains ((const char * const *) record, needle))
        n++;
    }
  return n;
}

/* ---- tests ---- */

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(Run) help = cli (f, "--help", NULL);
  g_autoptr(Run) pay_help = cli (f, "pay", "--help", NULL);
  g_autoptr(Run) bill_help = cli (f, "bill", "--help", NULL);
  g_autoptr(Run) export_help = cli (f, "export", "csv", "--help", NULL);
  g_autoptr(Run) version = cli (f, "--version", NULL);
  const char *commands[] = { "customer add", "bill new", "bill add-line", "bill show",
                             "bill list", "pay", "export csv" };

  assert_ok (help);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (help->out, commands[i]));
  g_assert_nonnull (strstr (help->out, "--db"));
  g_assert_nonnull (strstr (help->out, "--json"));
  g_assert_nonnull (strstr (help->out, "TULBUR_DB"));

  assert_ok (pay_help);
  g_assert_nonnull (strstr (pay_help->out, "tulbur-cli pay"));
  g_assert_nonnull (strstr (pay_help->out, "--amount"));
  g_assert_nonnull (strstr (pay_help->out, "--method"));
  g_assert_nonnull (strstr (pay_help->out, "--ref"));
  g_assert_nonnull (strstr (pay_help->out, "--allow-overpay"));
  g_assert_nonnull (strstr (pay_help->out, "--json"));

  assert_ok (bill_help);
  g_assert_nonnull (strstr (bill_help->out, "bill add-line"));
  g_assert_nonnull (strstr (bill_help->out, "bill show"));
  g_assert_null (strstr (bill_help->out, "export csv"));

  assert_ok (export_help);
  g_assert_nonnull (strstr (export_help->out, "--from"));
  g_assert_nonnull (strstr (export_help->out, "--to"));
  g_assert_nonnull (strstr (export_help->out, "--out"));

  assert_ok (version);
  g_assert_cmpstr (version->out, ==, "tulbur-cli " PACKAGE_VERSION "\n");

  /* Asking for help opens no ledger. */
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  const char *cases[][8] = {
    { NULL },
    { "frobnicate", NULL },
    { "bill", NULL },
    { "bill", "frob", NULL },
    { "bill", "show", NULL },
    { "bill", "show", "1", "2", NULL },
    { "bill", "list", "--bogus", NULL },
    { "bill", "add-line", "1", "--qty", "1", "--price", "5", NULL },
    { "pay", "1", "--method", "cash", NULL },
    { "pay", "1", "--amount", "100", NULL },
    { "pay", "--method", "cash", "--amount", "100", NULL },
    { "pay", "1", "--method", "cash", "--amount", NULL },
    { "customer", "add", NULL },
    { "customer", "add", "--name", "A", "extra", NULL },
    { "--bogus", "bill", "list", NULL },
    { "export", "pdf", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(Run) run = NULL;

      g_ptr_array_add (argv, (gpointer) "--db");
      g_ptr_array_add (argv, f->db);
      for (guint j = 0; cases[i][j] != NULL; j++)
        g_ptr_array_add (argv, (gpointer) cases[i][j]);
      g_ptr_array_add (argv, NULL);

      run = run_argv (f, NULL, (const char * const *) argv->pdata);
      g_test_message ("case %u: exit %d, stderr %s", i, run->status, run->err);
      assert_usage_error (run);
    }

  /* A wrong command line never gets as far as the ledger. */
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_customer_add (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Run) text = cli (f, "customer", "add", "--name", "Болд", "--phone", "99112233",
                             "--tin", "5317878", NULL);
  g_autoptr(Run) blank = cli (f, "customer", "add", "--name", "   ", NULL);
  gint64 first, second;

  assert_ok (text);
  /* Only the id: the phone and TIN are never echoed. */
  g_assert_true (g_ascii_string_to_signed (g_strstrip (text->out), 10, 1, G_MAXINT64,
                                           &first, NULL));
  g_assert_null (strstr (text->out, "99112233"));

  second = add_customer (f, "Сараа", NULL, NULL);
  g_assert_cmpint (second, >, first);

  assert_user_error (blank);
}

static void
test_bill_new (Fixture       *f,
               gconstpointer  data)
{
  gint64 customer = add_customer (f, "Бат-Эрдэнэ", "88001122", "7766554");
  g_autofree char *customer_text = g_strdup_printf ("%" G_GINT64_FORMAT, customer);
  g_autofree char *walk_in = new_bill (f);
  g_autoptr(Run) json = cli (f, "bill", "new", "--json", "--customer", customer_text,
                             "--note", "Эмчилгээ", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) shown = NULL;
  JsonObject *object, *customer_object;
  const char *bad_customers[] = { "999", "abc", "-1", "0", "1.5", "" };

  g_assert_cmpuint (strlen (walk_in), >, 0);
  for (const char *p = walk_in; *p; p++)
    g_assert_true (g_ascii_isdigit (*p));

  assert_ok (json);
  root = parse_json_object (json->out);
  object = json_node_get_object (root);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_cmpint (member_int (object, "id"), >, 0);
  g_assert_cmpstr (member_string (object, "number"), !=, walk_in);

  shown = show_json (f, member_string (object, "number"));
  object = json_node_get_object (shown);
  customer_object = json_object_get_object_member (object, "customer");
  g_assert_nonnull (customer_object);
  g_assert_cmpint (member_int (customer_object, "id"), ==, customer);
  g_assert_cmpstr (member_string (customer_object, "name"), ==, "Бат-Эрдэнэ");
  g_assert_cmpstr (member_string (object, "note"), ==, "Эмчилгээ");
  g_assert_cmpstr (member_string (object, "status"), ==, "OPEN");

  for (guint i = 0; i < G_N_ELEMENTS (bad_customers); i++)
    {
      g_autoptr(Run) run = cli (f, "bill", "new", "--customer", bad_customers[i], NULL);

      assert_user_error (run);
    }
}

static void
test_add_line (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *bill = new_bill (f);
  g_autoptr(Run) first = cli (f, "bill", "add-line", bill, "--desc", "Consultation",
                              "--qty", "1", "--price", "12 500", NULL);
  g_autoptr(Run) second = cli (f, "bill", "add-line", bill, "--desc", "Сахар", "--qty", "2.5",
                               "--price", "1,000", "--no-vat", "--city-tax", "--json", NULL);
  g_autoptr(Run) third = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) added = NULL;
  JsonObject *object, *line;
  JsonArray *lines;
  const char *bad[][4] = {
    /* option, value */
    { "--qty", "abc" }, { "--qty", "0" }, { "--qty", "-1" },
    { "--price", "abc" }, { "--price", "-5" }, { "--price", "1e21" }, { "--price", "12,50" },
    { "--classification", "12ab567" }, { "--classification", "123" },
    { "--desc", "  " },
  };

  assert_ok (first);
  g_assert_nonnull (strstr (first->out, bill));
  g_assert_nonnull (strstr (first->out, "12" NBSP "500" NBSP TUGRIK));

  assert_ok (second);
  added = parse_json_object (second->out);
  g_assert_cmpint (member_int (json_node_get_object (added), "line_id"), >, 0);
  g_assert_cmpint (member_int (json_object_get_object_member (json_node_get_object (added),
                                                               "bill"), "total"),
                   ==, 1250000 + 250000);

  third = cli (f, "bill", "add-line", bill, "--desc", "Хоол", "--qty", "1", "--price", "1000",
               "--city-tax", "--classification", "1234567", NULL);
  assert_ok (third);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Run) run = NULL;

      if (g_str_equal (bad[i][0], "--desc"))
        run = cli (f, "bill", "add-line", bill, "--desc", bad[i][1], "--qty", "1",
                   "--price", "100", NULL);
      else if (g_str_equal (bad[i][0], "--classification"))
        run = cli (f, "bill", "add-line", bill, "--desc", "X", "--qty", "1", "--price", "100",
                   "--classification", bad[i][1], NULL);
      else if (g_str_equal (bad[i][0], "--qty"))
        run = cli (f, "bill", "add-line", bill, "--desc", "X", "--qty", bad[i][1],
                   "--price", "100", NULL);
      else
        run = cli (f, "bill", "add-line", bill, "--desc", "X", "--qty", "1",
                   "--price", bad[i][1], NULL);
      g_test_message ("%s %s: exit %d, stderr %s", bad[i][0], bad[i][1], run->status, run->err);
      assert_user_error (run);
    }

  {
    g_autoptr(Run) unknown = cli (f, "bill", "add-line", "99999", "--desc", "X", "--qty", "1",
                                  "--price", "100", NULL);
    assert_user_error (unknown);
  }

  /* 12 500 ₮ with VAT: 1136.3636 ₮ VAT. 2.5 × 1000 ₮ with city tax only: 2500 × 2/102 =
   * 49.0196. 1000 ₮ with both: 89.2857 + 17.8571 (tb-tax.h). */
  root = show_json (f, bill);
  object = json_node_get_object (root);
  lines = member_array (object, "lines");
  g_assert_cmpuint (json_array_get_length (lines), ==, 3);   /* the bad ones changed nothing */
  g_assert_cmpint (member_int (object, "total"), ==, 1250000 + 250000 + 100000);
  g_assert_cmpint (member_int (object, "due"), ==, 1600000);
  g_assert_cmpint (member_int (object, "paid"), ==, 0);
  g_assert_cmpint (member_int (object, "vat_e4"), ==, 11363636 + 892857);
  g_assert_cmpint (member_int (object, "city_tax_e4"), ==, 490196 + 178571);

  line = json_array_get_object_element (lines, 1);
  g_assert_cmpstr (member_string (line, "description"), ==, "Сахар");
  g_assert_cmpint (member_int (line, "quantity_milli"), ==, 2500);
  g_assert_cmpint (member_int (line, "unit_price"), ==, 100000);
  g_assert_cmpint (member_int (line, "amount"), ==, 250000);
  g_assert_false (member_bool (line, "vat"));
  g_assert_true (member_bool (line, "city_tax"));
  g_assert_cmpint (member_int (line, "vat_e4"), ==, 0);
  g_assert_cmpint (member_int (line, "city_tax_e4"), ==, 490196);
  g_assert_true (member_is_null (line, "classification_code"));

  line = json_array_get_object_element (lines, 2);
  g_assert_cmpstr (member_string (line, "classification_code"), ==, "1234567");
  g_assert_cmpint (member_int (line, "vat_e4"), ==, 892857);
  g_assert_cmpint (member_int (line, "city_tax_e4"), ==, 178571);
}

static void
test_show (Fixture       *f,
           gconstpointer  data)
{
  gint64 customer = add_customer (f, "Оюун", "95001234", "УБ12345678");
  g_autofree char *customer_text = g_strdup_printf ("%" G_GINT64_FORMAT, customer);
  g_autoptr(Run) created = cli (f, "bill", "new", "--customer", customer_text, NULL);
  g_autofree char *bill = g_strstrip (g_strdup (created->out));
  g_autofree char *hash_bill = g_strconcat ("#", bill, NULL);
  g_autoptr(Run) text = NULL;
  g_autoptr(Run) by_hash = NULL;
  g_autoptr(Run) unknown = cli (f, "bill", "show", "424242", NULL);
  g_autoptr(Run) unknown_json = cli (f, "bill", "show", "424242", "--json", NULL);
  g_autoptr(Run) paid = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *payment;
  JsonArray *payments;
  const char *keys[] = { "id", "number", "status", "currency", "total", "paid", "due",
                         "vat_e4", "city_tax_e4", "overpaid", "customer", "created", "lines",
                         "payments" };

  assert_ok (created);
  add_line (f, bill, "Үзлэг", "1", "12500");
  paid = cli (f, "pay", bill, "--method", "card", "--amount", "5 000", "--ref", "SLIP-9", NULL);
  assert_ok (paid);

  text = cli (f, "bill", "show", bill, NULL);
  assert_ok (text);
  g_assert_nonnull (strstr (text->out, bill));
  g_assert_nonnull (strstr (text->out, "Оюун"));
  g_assert_nonnull (strstr (text->out, "Үзлэг"));
  g_assert_nonnull (strstr (text->out, "12" NBSP "500" NBSP TUGRIK));
  g_assert_nonnull (strstr (text->out, "7" NBSP "500" NBSP TUGRIK));   /* due */
  g_assert_nonnull (strstr (text->out, "SLIP-9"));
  g_assert_null (strstr (text->out, "95001234"));
  g_assert_null (strstr (text->out, "УБ12345678"));

  by_hash = cli (f, "bill", "show", "--json", hash_bill, NULL);
  assert_ok (by_hash);

  root = parse_json_object (by_hash->out);
  object = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (object, keys[i]));
  g_assert_cmpstr (member_string (object, "number"), ==, bill);
  g_assert_cmpstr (member_string (object, "status"), ==, "PARTIAL");
  g_assert_cmpstr (member_string (object, "currency"), ==, "MNT");
  g_assert_cmpint (member_int (object, "total"), ==, 1250000);
  g_assert_cmpint (member_int (object, "paid"), ==, 500000);
  g_assert_cmpint (member_int (object, "due"), ==, 750000);
  g_assert_false (member_bool (object, "overpaid"));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$",
                                       member_string (object, "created"), 0, 0));
  g_assert_null (strstr (by_hash->out, "95001234"));
  g_assert_null (strstr (by_hash->out, "УБ12345678"));

  payments = member_array (object, "payments");
  g_assert_cmpuint (json_array_get_length (payments), ==, 1);
  payment = json_array_get_object_element (payments, 0);
  g_assert_cmpint (member_int (payment, "id"), >, 0);
  g_assert_cmpstr (member_string (payment, "method"), ==, "CARD");
  g_assert_cmpint (member_int (payment, "amount"), ==, 500000);
  g_assert_cmpstr (member_string (payment, "reference"), ==, "SLIP-9");
  g_assert_true (g_str_has_suffix (member_string (payment, "created"), "Z"));

  assert_user_error (unknown);
  assert_user_error (unknown_json);
}

static void
test_pay (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *bill = new_bill (f);
  g_autoptr(Run) cash = NULL;
  g_autoptr(Run) card = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) again_text = NULL;
  g_autoptr(Run) other_amount = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  JsonObject *object;
  const char *bad_amounts[] = { "abc", "-5", "1e21", "0", "", "12,50", "--5" };
  const char *bad_methods[] = { "qpay", "khqr", "bitcoin" };

  add_line (f, bill, "Үзлэг", "1", "12 500");

  for (guint i = 0; i < G_N_ELEMENTS (bad_amounts); i++)
    {
      g_autofree char *inline_arg = g_strconcat ("--amount=", bad_amounts[i], NULL);
      g_autoptr(Run) run = cli (f, "pay", bill, "--method", "cash", inline_arg, NULL);

      g_test_message ("amount “%s”: exit %d, stderr %s", bad_amounts[i], run->status, run->err);
      assert_user_error (run);
    }
  {
    g_autoptr(Run) run = cli (f, "pay", bill, "--method", "cash", "--amount", "-5", NULL);

    assert_user_error (run);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_methods); i++)
    {
      g_autoptr(Run) run = cli (f, "pay", bill, "--method", bad_methods[i], "--amount", "1", NULL);

      assert_user_error (run);
    }
  g_assert_cmpuint (count_payments (f, bill), ==, 0);

  cash = cli (f, "pay", bill, "--method", "cash", "--amount", "5 000", NULL);
  assert_ok (cash);
  g_assert_nonnull (strstr (cash->out, "5" NBSP "000" NBSP TUGRIK));
  g_assert_nonnull (strstr (cash->out, "7" NBSP "500" NBSP TUGRIK));

  card = cli (f, "--json", "pay", bill, "--method", "CARD", "--amount", "7500",
              "--ref", "A-1", NULL);
  assert_ok (card);
  first = parse_json_object (card->out);
  object = json_node_get_object (first);
  g_assert_cmpint (member_int (object, "payment_id"), >, 0);
  g_assert_false (member_bool (object, "already_settled"));
  g_assert_false (member_bool (object, "overpaid"));
  g_assert_cmpstr (member_string (object, "status"), ==, "PAID");
  g_assert_cmpint (member_int (object, "paid"), ==, 1250000);
  g_assert_cmpint (member_int (object, "due"), ==, 0);

  /* The same command again: recognised, exit 0, nothing new. */
  again = cli (f, "--json", "pay", bill, "--method", "CARD", "--amount", "7500",
               "--ref", "A-1", NULL);
  assert_ok (again);
  second = parse_json_object (again->out);
  g_assert_true (member_bool (json_node_get_object (second), "already_settled"));
  g_assert_cmpint (member_int (json_node_get_object (second), "payment_id"), ==,
                   member_int (object, "payment_id"));
  g_assert_cmpint (member_int (json_node_get_object (second), "paid"), ==, 1250000);

  again_text = cli (f, "pay", bill, "--method", "card", "--amount", "7 500", "--ref", "A-1", NULL);
  assert_ok (again_text);
  g_assert_nonnull (strstr (again_text->out, "lready recorded"));

  /* The same reference for another amount is not the same payment: refused. */
  other_amount = cli (f, "pay", bill, "--method", "card", "--amount", "100", "--ref", "A-1", NULL);
  assert_user_error (other_amount);

  g_assert_cmpuint (count_payments (f, bill), ==, 2);
}

static void
test_pay_refusals (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *bill = new_bill (f);
  g_autofree char *other = new_bill (f);
  g_autofree char *voided = new_bill (f);
  g_autoptr(Run) over = NULL;
  g_autoptr(Run) allowed = NULL;
  g_autoptr(Run) elsewhere = NULL;
  g_autoptr(Run) on_void = NULL;
  g_autoptr(Run) line_on_void = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(Run) seeded = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) shown = NULL;

  add_line (f, bill, "Ус", "1", "1000");
  add_line (f, other, "Ус", "1", "1000");
  add_line (f, voided, "Ус", "1", "1000");

  over = cli (f, "pay", bill, "--method", "cash", "--amount", "2000", NULL);
  assert_user_error (over);
  g_assert_nonnull (strstr (over->err, "--allow-overpay"));
  g_assert_cmpuint (count_payments (f, bill), ==, 0);

  allowed = cli (f, "pay", bill, "--method", "cash", "--amount", "2000", "--allow-overpay",
                 "--json", NULL);
  assert_ok (allowed);
  result = parse_json_object (allowed->out);
  g_assert_true (member_bool (json_node_get_object (result), "overpaid"));
  g_assert_cmpstr (member_string (json_node_get_object (result), "status"), ==, "PAID");
  g_assert_cmpint (member_int (json_node_get_object (result), "due"), ==, 0);
  shown = show_json (f, bill);
  g_assert_true (member_bool (json_node_get_object (shown), "overpaid"));
  g_assert_cmpint (member_int (json_node_get_object (shown), "paid"), ==, 200000);

  /* A reference first used on one bill cannot settle another. */
  seeded = cli (f, "pay", other, "--method", "card", "--amount", "500", "--ref", "SHARED", NULL);
  assert_ok (seeded);
  elsewhere = cli (f, "pay", bill, "--method", "card", "--amount", "500", "--ref", "SHARED",
                   "--allow-overpay", NULL);
  assert_user_error (elsewhere);
  g_assert_cmpuint (count_payments (f, bill), ==, 1);
  g_assert_cmpuint (count_payments (f, other), ==, 1);

  void_bill (f, voided);
  on_void = cli (f, "pay", voided, "--method", "cash", "--amount", "1000", NULL);
  assert_user_error (on_void);
  line_on_void = cli (f, "bill", "add-line", voided, "--desc", "X", "--qty", "1",
                      "--price", "1", NULL);
  assert_user_error (line_on_void);
  g_assert_cmpuint (count_payments (f, voided), ==, 0);

  unknown = cli (f, "pay", "777777", "--method", "cash", "--amount", "1", NULL);
  assert_user_error (unknown);
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  gint64 customer = add_customer (f, "Туяа", "99119911", "ЖК99887766");
  g_autofree char *customer_text = g_strdup_printf ("%" G_GINT64_FORMAT, customer);
  g_autoptr(Run) created = cli (f, "bill", "new", "--customer", customer_text, NULL);
  g_autofree char *open = g_strstrip (g_strdup (created->out));
  g_autofree char *partial = new_bill (f);
  g_autofree char *paid = new_bill (f);
  g_autofree char *voided = new_bill (f);
  struct { const char *status; const char *expected[4]; } cases[] = {
    { "open",    { open, NULL } },
    { "partial", { partial, NULL } },
    { "unpaid",  { open, partial, NULL } },
    { "paid",    { paid, NULL } },
    { "void",    { voided, NULL } },
    { "ALL",     { open, partial, paid, voided } },
  };
  g_autoptr(Run) text = NULL;
  g_autoptr(Run) limited = NULL;
  g_autoptr(Run) bad = NULL;
  g_autoptr(Run) bad_limit = NULL;
  g_autoptr(Run) pay1 = NULL;
  g_autoptr(Run) pay2 = NULL;

  assert_ok (created);
  add_line (f, open, "A", "1", "100");
  add_line (f, partial, "B", "1", "100");
  add_line (f, paid, "C", "1", "100");
  pay1 = cli (f, "pay", partial, "--method", "cash", "--amount", "40", NULL);
  assert_ok (pay1);
  pay2 = cli (f, "pay", paid, "--method", "cash", "--amount", "100", NULL);
  assert_ok (pay2);
  void_bill (f, voided);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) run = cli (f, "bill", "list", "--status", cases[i].status, "--json", NULL);
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GPtrArray) numbers = g_ptr_array_new ();
      JsonArray *array;
      guint n_expected = 0;

      assert_ok (run);
      g_assert_null (strstr (run->out, "99119911"));
      g_assert_null (strstr (run->out, "ЖК99887766"));
      root = parse_json (run->out);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
      array = json_node_get_array (root);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonObject *bill = json_array_get_object_element (array, j);

          g_ptr_array_add (numbers, (gpointer) member_string (bill, "number"));
          member_int (bill, "total");
          member_int (bill, "paid");
          member_int (bill, "due");
          member_string (bill, "status");
          member_string (bill, "currency");
        }
      while (n_expected < 4 && cases[i].expected[n_expected] != NULL)
        n_expected++;
      g_test_message ("--status %s: %u bills", cases[i].status, numbers->len);
      g_assert_cmpuint (numbers->len, ==, n_expected);
      for (guint j = 0; j < n_expected; j++)
        g_assert_true (g_ptr_array_find_with_equal_func (numbers, cases[i].expected[j],
                                                         g_str_equal, NULL));
    }

  text = cli (f, "bill", "list", NULL);
  assert_ok (text);
  g_assert_nonnull (strstr (text->out, "Туяа"));
  g_assert_null (strstr (text->out, "99119911"));
  g_assert_null (strstr (text->out, "ЖК99887766"));
  for (guint i = 0; i < 4; i++)
    g_assert_nonnull (strstr (text->out, cases[5].expected[i]));

  limited = cli (f, "bill", "list", "--limit", "1", NULL);
  assert_ok (limited);
  g_assert_nonnull (strstr (limited->out, "--limit"));

  bad = cli (f, "bill", "list", "--status", "closed", NULL);
  assert_user_error (bad);
  bad_limit = cli (f, "bill", "list", "--limit", "-3", NULL);
  assert_user_error (bad_limit);
}

static void
test_export_csv (Fixture       *f,
                 gconstpointer  data)
{
  const char *tricky = "Слип №7, \"Б\"\nхоёр";
  g_autofree char *bill = new_bill (f);
  g_autofree char *out_file = g_build_filename (f->tmpdir, "payments.csv", NULL);
  g_autoptr(GDateTime) paid_at = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  g_autoptr(GDateTime) tomorrow = NULL;
  g_autofree char *today_text = NULL;
  g_autofree char *yesterday_text = NULL;
  g_autofree char *tomorrow_text = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(Run) pay = NULL;
  g_autoptr(Run) all = NULL;
  g_autoptr(Run) today = NULL;
  g_autoptr(Run) before = NULL;
  g_autoptr(Run) after = NULL;
  g_autoptr(Run) to_file = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) records_today = NULL;
  g_autoptr(GPtrArray) records_before = NULL;
  g_autoptr(GPtrArray) records_after = NULL;
  g_autofree char *file_data = NULL;
  gsize file_len = 0;
  struct stat st;
  const char *bad_dates[] = { "2026-02-30", "2026/01/01", "26-01-01", "2026-1-1", "abc",
                              "2026-13-01", "" };

  add_line (f, bill, "Үзлэг, «онцгой»", "1", "12 500");
  pay = cli (f, "pay", bill, "--method", "card", "--amount", "12 500", "--ref", tricky, NULL);
  assert_ok (pay);

  /* The days around the payment's own local date, so that midnight cannot race the test. */
  shown = show_json (f, bill);
  {
    JsonArray *payments = member_array (json_node_get_object (shown), "payments");
    g_autoptr(GDateTime) utc = NULL;

    utc = g_date_time_new_from_iso8601 (member_string (json_array_get_object_element (payments, 0),
                                                       "created"), NULL);
    g_assert_nonnull (utc);
    paid_at = g_date_time_to_local (utc);
  }
  yesterday = g_date_time_add_days (paid_at, -1);
  tomorrow = g_date_time_add_days (paid_at, 1);
  today_text = g_date_time_format (paid_at, "%Y-%m-%d");
  yesterday_text = g_date_time_format (yesterday, "%Y-%m-%d");
  tomorrow_text = g_date_time_format (tomorrow, "%Y-%m-%d");

  all = cli (f, "export", "csv", NULL);
  assert_ok (all);
  g_assert_true (g_utf8_validate (all->out, all->out_len, NULL));
  records = parse_csv (all->out, all->out_len);
  g_assert_cmpuint (records->len, ==, 2);   /* header + one payment */
  g_assert_cmpuint (csv_count_with_field (records, tricky), ==, 1);

  today = cli (f, "export", "csv", "--from", today_text, "--to", today_text, NULL);
  assert_ok (today);
  records_today = parse_csv (today->out, today->out_len);
  g_assert_cmpuint (csv_count_with_field (records_today, tricky), ==, 1);

  before = cli (f, "export", "csv", "--to", yesterday_text, NULL);
  assert_ok (before);
  records_before = parse_csv (before->out, before->out_len);
  g_assert_cmpuint (records_before->len, ==, 1);   /* the header alone */

  after = cli (f, "export", "csv", "--from", tomorrow_text, NULL);
  assert_ok (after);
  records_after = parse_csv (after->out, after->out_len);
  g_assert_cmpuint (records_after->len, ==, 1);

  to_file = cli (f, "export", "csv", "--out", out_file, NULL);
  assert_ok (to_file);
  g_assert_true (g_file_get_contents (out_file, &file_data, &file_len, NULL));
  g_assert_cmpmem (file_data, file_len, all->out, all->out_len);
  g_assert_cmpint (g_stat (out_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  for (guint i = 0; i < G_N_ELEMENTS (bad_dates); i++)
    {
      g_autoptr(Run) from = cli (f, "export", "csv", "--from", bad_dates[i], NULL);
      g_autoptr(Run) to = cli (f, "export", "csv", "--to", bad_dates[i], NULL);

      assert_user_error (from);
      assert_user_error (to);
    }

  {
    g_autoptr(Run) reversed = cli (f, "export", "csv", "--from", today_text,
                                   "--to", yesterday_text, NULL);
    assert_user_error (reversed);
  }
}

/* Payments at chosen instants, written the way the ledger writes them, so that the day
 * boundaries can be tested to the microsecond. */
static void
insert_payment (const char *db,
                gint64      bill_id,
                const char *txn,
                gint64      created_us)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (conn, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (conn,
                                       "INSERT INTO payments (bill_id, method, amount, "
                                       "provider_txn_id, reference, created_us) "
                                       "VALUES (?, 'CASH', 100, ?, ?, ?)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, bill_id);
  sqlite3_bind_text (stmt, 2, txn, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, txn, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, created_us);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
}

static gint64
local_us (GTimeZone *tz,
          int        year,
          int        month,
          int        day,
          int        hour,
          int        minute,
          int        second,
          int        microsecond)
{
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, second);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + microsecond;
}

static void
check_day_bounds (Fixture    *f,
                  const char *tz_env,
                  int         offset_hours,
                  const char *prefix)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (offset_hours * 3600);
  g_autofree char *bill = new_bill (f);
  gint64 bill_id = bill_id_of (f, bill);
  g_autofree char *t1 = g_strconcat (prefix, "-before", NULL);
  g_autofree char *t2 = g_strconcat (prefix, "-first", NULL);
  g_autofree char *t3 = g_strconcat (prefix, "-last", NULL);
  g_autofree char *t4 = g_strconcat (prefix, "-after", NULL);
  const char *env[] = { "TZ", tz_env, NULL };
  g_autoptr(Run) day = NULL;
  g_autoptr(Run) from_only = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) records_from = NULL;

  insert_payment (f->db, bill_id, t1, local_us (tz, 2025, 1, 10, 23, 59, 59, 999999));
  insert_payment (f->db, bill_id, t2, local_us (tz, 2025, 1, 11, 0, 0, 0, 0));
  insert_payment (f->db, bill_id, t3, local_us (tz, 2025, 1, 11, 23, 59, 59, 999999));
  insert_payment (f->db, bill_id, t4, local_us (tz, 2025, 1, 12, 0, 0, 0, 0));

  day = cli_env (f, env, "--db", f->db, "export", "csv", "--from", "2025-01-11",
                 "--to", "2025-01-11", NULL);
  assert_ok (day);
  records = parse_csv (day->out, day->out_len);
  g_assert_cmpuint (csv_count_with_field (records, t1), ==, 0);
  g_assert_cmpuint (csv_count_with_field (records, t2), ==, 1);
  g_assert_cmpuint (csv_count_with_field (records, t3), ==, 1);
  g_assert_cmpuint (csv_count_with_field (records, t4), ==, 0);

  from_only = cli_env (f, env, "--db", f->db, "export", "csv", "--from", "2025-01-12", NULL);
  assert_ok (from_only);
  records_from = parse_csv (from_only->out, from_only->out_len);
  g_assert_cmpuint (csv_count_with_field (records_from, t3), ==, 0);
  g_assert_cmpuint (csv_count_with_field (records_from, t4), ==, 1);
}

static void
test_export_day_bounds (Fixture       *f,
                        gconstpointer  data)
{
  /* POSIX TZ strings, so that no tzdata is needed: UTC, and Ulaanbaatar's UTC+8. */
  check_day_bounds (f, "UTC0", 0, "utc");
  check_day_bounds (f, "ULAT-8", 8, "ulat");
}

static void
test_db_location (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *env_db = g_build_filename (f->tmpdir, "from-env.db", NULL);
  g_autofree char *flag_db = g_build_filename (f->tmpdir, "from-flag.db", NULL);
  g_autofree char *xdg_db = g_build_filename (f->tmpdir, "xdg", "tulbur", "tulbur.db", NULL);
  g_autofree char *not_dir = g_build_filename (f->tmpdir, "plain-file", NULL);
  g_autofree char *missing = g_build_filename (not_dir, "x.db", NULL);
  const char *env[] = { "TULBUR_DB", env_db, NULL };
  g_autoptr(Run) by_env = cli_env (f, env, "bill", "new", NULL);
  g_autoptr(Run) by_flag = cli_env (f, env, "bill", "new", "--db", flag_db, NULL);
  g_autoptr(Run) list_env = cli_env (f, env, "bill", "list", "--json", NULL);
  g_autoptr(Run) by_default = cli_env (f, NULL, "bill", "list", NULL);
  g_autoptr(Run) bad_dir = NULL;
  g_autoptr(JsonNode) listed = NULL;

  assert_ok (by_env);
  assert_ok (by_flag);
  g_assert_true (g_file_test (env_db, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (flag_db, G_FILE_TEST_EXISTS));

  /* --db won over TULBUR_DB: the env ledger has only the first bill. */
  assert_ok (list_env);
  listed = parse_json (list_env->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 1);

  assert_ok (by_default);
  g_assert_true (g_file_test (xdg_db, G_FILE_TEST_EXISTS));

  /* A ledger that cannot be opened (its folder is a file) is a clear error, not a crash. */
  g_assert_true (g_file_set_contents (not_dir, "x", 1, NULL));
  bad_dir = cli_env (f, NULL, "--db", missing, "bill", "new", NULL);
  assert_user_error (bad_dir);
}

/* A refund (a negative amount) written the way the ledger writes one. */
static void
insert_refund (const char *db,
               gint64      bill_id,
               const char *reference)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (conn, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (conn,
                                       "INSERT INTO payments (bill_id, method, amount, reference, "
                                       "provider_txn_id, refund_of, created_us) "
                                       "SELECT bill_id, method, -500000, ?1, 'refund-' || "
                                       "(SELECT count(*) FROM payments), id, created_us + 1 "
                                       "FROM payments WHERE bill_id = ?2 AND refund_of IS NULL",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, bill_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
}

/* The column @name of the record @row. */
static const char *
csv_cell (GPtrArray  *records,
          guint       row,
          const char *name)
{
  char **header = g_ptr_array_index (records, 0);
  char **record = g_ptr_array_index (records, row);

  for (guint i = 0; header[i] != NULL; i++)
    if (g_str_has_suffix (header[i], name) && strlen (header[i]) <= strlen (name) + 3)
      return record[i];
  g_error ("no column %s", name);
  return NULL;
}

/* The plain CSV keeps every cell as it is (scripts read refunds as negative numbers); the
 * spreadsheet form has a BOM and quotes formula-like text, but not negative numbers. */
static void
test_export_spreadsheet (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *customer = NULL;
  g_autofree char *bill = NULL;
  g_autoptr(Run) made = NULL;
  g_autoptr(Run) pay = NULL;
  g_autoptr(Run) plain = NULL;
  g_autoptr(Run) sheet = NULL;
  g_autoptr(Run) help = NULL;
  g_autoptr(GPtrArray) plain_records = NULL;
  g_autoptr(GPtrArray) sheet_records = NULL;
  const char *formulas[] = { "=HYPERLINK(\"http://x\")", "+7", "-2+3", "@SUM(A1)", "\tTab",
                             "\rCR" };

  customer = g_strdup_printf ("%" G_GINT64_FORMAT,
                              add_customer (f, "=cmd|' /C calc'!A0 Бат", NULL, NULL));
  made = cli (f, "bill", "new", "--customer", customer, NULL);
  assert_ok (made);
  bill = g_strstrip (g_strdup (made->out));
  add_line (f, bill, "Үзлэг", "1", "100 000");
  pay = cli (f, "pay", bill, "--method", "cash", "--amount", "10 000", "--ref", "@SUM(A1)", NULL);
  assert_ok (pay);
  for (guint i = 0; i < G_N_ELEMENTS (formulas); i++)
    insert_refund (f->db, bill_id_of (f, bill), formulas[i]);

  plain = cli (f, "export", "csv", NULL);
  assert_ok (plain);
  g_assert_true (g_str_has_prefix (plain->out, "payment_id,"));
  plain_records = parse_csv (plain->out, plain->out_len);
  g_assert_cmpuint (plain_records->len, ==, 2 + G_N_ELEMENTS (formulas));
  g_assert_cmpstr (csv_cell (plain_records, 1, "customer"), ==, "=cmd|' /C calc'!A0 Бат");
  g_assert_cmpstr (csv_cell (plain_records, 1, "reference"), ==, "@SUM(A1)");
  g_assert_cmpstr (csv_cell (plain_records, 2, "amount"), ==, "-5000.00");

  sheet = cli (f, "export", "csv", "--for-spreadsheet", NULL);
  assert_ok (sheet);
  g_assert_true (g_str_has_prefix (sheet->out, "\xef\xbb\xbfpayment_id,"));
  g_assert_true (g_utf8_validate (sheet->out, sheet->out_len, NULL));
  sheet_records = parse_csv (sheet->out + 3, sheet->out_len - 3);
  g_assert_cmpuint (sheet_records->len, ==, plain_records->len);
  g_assert_cmpstr (csv_cell (sheet_records, 1, "customer"), ==, "'=cmd|' /C calc'!A0 Бат");
  g_assert_cmpstr (csv_cell (sheet_records, 1, "reference"), ==, "'@SUM(A1)");
  g_assert_cmpstr (csv_cell (sheet_records, 1, "amount"), ==, "10000.00");
  for (guint i = 0; i < G_N_ELEMENTS (formulas); i++)
    {
      g_autofree char *quoted = g_strconcat ("'", formulas[i], NULL);

      g_assert_cmpstr (csv_cell (sheet_records, 2 + i, "reference"), ==, quoted);
      g_assert_cmpstr (csv_cell (plain_records, 2 + i, "reference"), ==, formulas[i]);
      /* A negative number is not a formula: it stays a number the sheet can add up. */
      g_assert_cmpstr (csv_cell (sheet_records, 2 + i, "amount"), ==, "-5000.00");
    }

  help = cli (f, "export", "csv", "--help", NULL);
  assert_ok (help);
  g_assert_nonnull (strstr (help->out, "--for-spreadsheet"));
}

/* Ledger text reaches the terminal escaped: a name cannot recolour, retitle or clear it. */
static void
test_terminal_escapes (Fixture       *f,
                       gconstpointer  data)
{
  const char *evil = "Evil\033[31mRed\007";
  g_autofree char *customer = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               add_customer (f, evil, NULL, NULL));
  g_autoptr(Run) made = cli (f, "bill", "new", "--customer", customer, NULL);
  g_autofree char *bill = NULL;
  g_autoptr(Run) show = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonNode) shown = NULL;
  JsonObject *object;

  assert_ok (made);
  bill = g_strstrip (g_strdup (made->out));
  add_line (f, bill, "Title\033]0;pwned\007\r\n2. Fake line", "1", "100");

  show = cli (f, "bill", "show", bill, NULL);
  assert_ok (show);
  g_assert_null (strchr (show->out, '\033'));
  g_assert_null (strchr (show->out, '\007'));
  g_assert_null (strchr (show->out, '\r'));
  g_assert_nonnull (strstr (show->out, "Evil\\x1b[31mRed\\x07"));
  g_assert_nonnull (strstr (show->out, "Title\\x1b]0;pwned\\x07\\x0d\\x0a2. Fake line"));

  list = cli (f, "bill", "list", NULL);
  assert_ok (list);
  g_assert_null (strchr (list->out, '\033'));
  g_assert_nonnull (strstr (list->out, "Evil\\x1b[31mRed\\x07"));

  /* JSON escapes them the JSON way, and the value reads back as it was stored. */
  shown = show_json (f, bill);
  object = json_object_get_object_member (json_node_get_object (shown), "customer");
  g_assert_cmpstr (member_string (object, "name"), ==, evil);
}

/* Debug messages never land in stdout, where they would break the JSON. */
static void
test_debug_stays_off_stdout (Fixture       *f,
                             gconstpointer  data)
{
  const char *env[] = { "G_MESSAGES_DEBUG", "all", NULL };
  g_autofree char *bill = new_bill (f);
  g_autoptr(Run) run = cli_env (f, env, "--db", f->db, "bill", "show", bill, "--json", NULL);
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "Opening the ledger"));
  root = parse_json_object (run->out);
  g_assert_cmpstr (member_string (json_node_get_object (root), "number"), ==, bill);
}

/* `tulbur --version` answers without a display, a bus or a window. */
static void
test_app_version (Fixture       *f,
                  gconstpointer  data)
{
  const char *argv[] = { g_getenv ("TULBUR_APP"), "--version", NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (argv[0]);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent",
                                TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpstr (out, ==, "tulbur " PACKAGE_VERSION "\n");
  g_assert_cmpstr (err, ==, "");
}

/* The commands `tulbur-cli --help` lists ("bill show", "pay" …). */
static GPtrArray *
listed_commands (Fixture *f)
{
  g_autoptr(Run) help = cli_env (f, NULL, "--help", NULL);
  g_auto(GStrv) lines = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  gboolean in_list = FALSE;

  assert_ok (help);
  lines = g_strsplit (help->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *gap = strstr (lines[i], "   ");

      if (g_str_equal (lines[i], "Commands:"))
        in_list = TRUE;
      else if (in_list && g_str_has_prefix (lines[i], "  ") && gap != NULL && gap > lines[i] + 2)
        g_ptr_array_add (names, g_strndup (lines[i] + 2, gap - lines[i] - 2));
      else if (in_list)
        break;
    }
  g_assert_cmpuint (names->len, >=, 16);
  return names;
}

/* The long options `tulbur-cli COMMAND --help` describes, but the --help ones. */
static GPtrArray *
listed_flags (Fixture    *f,
              const char *command)
{
  g_autofree char *line = g_strdup_printf ("tulbur-cli %s --help", command);
  g_auto(GStrv) argv = g_strsplit (line, " ", -1);
  g_autoptr(Run) help = run_argv (f, NULL, (const char * const *) argv + 1);
  g_autoptr(GRegex) regex = g_regex_new ("^ +(?:-\\w, )?(--[a-z][a-z-]*)", G_REGEX_MULTILINE,
                                         0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GPtrArray *flags = g_ptr_array_new_with_free_func (g_free);

  assert_ok (help);
  for (g_regex_match (regex, help->out, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      char *flag = g_match_info_fetch (match, 1);

      if (g_str_has_prefix (flag, "--help"))
        g_free (flag);
      else
        g_ptr_array_add (flags, flag);
    }
  g_assert_cmpuint (flags->len, >=, 2);   /* --db and --json at least */
  return flags;
}

static char *
read_roff (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GString *plain;

  g_assert_nonnull (path);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  plain = g_string_new (text);
  g_string_replace (plain, "\\-", "-", 0);
  g_string_replace (plain, "\\fB", "", 0);
  g_string_replace (plain, "\\fI", "", 0);
  g_string_replace (plain, "\\fR", "", 0);
  return g_string_free (plain, FALSE);
}

/* The installed man page has a section for every command with every flag of its --help. */
static void
test_man_page (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *man = read_roff (g_getenv ("TULBUR_CLI_MAN"));
  g_autoptr(GPtrArray) commands = listed_commands (f);

  g_assert_true (g_str_has_prefix (man, ".TH TULBUR-CLI 1 "));
  g_assert_nonnull (strstr (man, "\n--db FILE\n"));
  g_assert_nonnull (strstr (man, "\n--version\n"));
  for (guint i = 0; i < commands->len; i++)
    {
      const char *name = g_ptr_array_index (commands, i);
      g_autofree char *heading = g_strdup_printf ("\n.SS \"tulbur-cli %s [OPTION", name);
      g_autoptr(GPtrArray) flags = listed_flags (f, name);
      const char *section = strstr (man, heading);
      const char *next;
      g_autofree char *body = NULL;

      if (section == NULL)
        g_error ("the man page has no section for %s", name);
      section += strlen (heading);
      next = strstr (section, "\n.S");
      body = next != NULL ? g_strndup (section, next - section) : g_strdup (section);
      for (guint j = 0; j < flags->len; j++)
        {
          g_autofree char *entry = g_strdup_printf ("\n.TP\n%s", (char *) flags->pdata[j]);

          if (strstr (body, entry) == NULL)
            g_error ("the man page does not list %s of %s", (char *) flags->pdata[j], name);
        }
    }
}

/* What the completion script offers after @words (the last one is being typed). */
static char *
complete (const char * const *words)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "bash");
  g_ptr_array_add (argv, (gpointer) "--norc");
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer) "source \"$1\" && shift && COMP_WORDS=(\"$@\") && "
                                    "COMP_CWORD=$(($# - 1)) && _tulbur_cli && "
                                    "printf '%s\\n' \"${COMPREPLY[@]}\"");
  g_ptr_array_add (argv, (gpointer) "bash");
  g_ptr_array_add (argv, (gpointer) g_getenv ("TULBUR_CLI_COMPLETION"));
  for (guint i = 0; words[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) words[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_nonnull (g_getenv ("TULBUR_CLI_COMPLETION"));
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
assert_offers (const char *offered,
               const char *word)
{
  g_autofree char *line = g_strdup_printf ("\n%s\n", word);
  g_autofree char *all = g_strdup_printf ("\n%s", offered);

  if (strstr (all, line) == NULL)
    g_error ("completion does not offer %s; it offers:\n%s", word, offered);
}

/* bash completion offers every command, every verb of a group and every flag of a command. */
static void
test_bash_completion (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) commands = listed_commands (f);
  const char *top_words[] = { "tulbur-cli", "", NULL };
  const char *db_words[] = { "tulbur-cli", "--db", "", NULL };
  g_autofree char *top = complete (top_words);
  g_autofree char *after_db = complete (db_words);

  assert_offers (top, "--json");
  g_assert_null (strstr (after_db, "--json"));   /* a file name comes after --db */
  for (guint i = 0; i < commands->len; i++)
    {
      const char *name = g_ptr_array_index (commands, i);
      g_auto(GStrv) parts = g_strsplit (name, " ", 2);
      g_autoptr(GPtrArray) flags = listed_flags (f, name);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) words = NULL;
      g_autofree char *offered = NULL;

      assert_offers (top, parts[0]);
      if (parts[1] != NULL)
        {
          const char *verb_words[] = { "tulbur-cli", "--json", parts[0], "", NULL };
          g_autofree char *verbs = complete (verb_words);

          assert_offers (verbs, parts[1]);
        }

      g_strv_builder_add (builder, "tulbur-cli");
      g_strv_builder_add_many (builder, "--db", "x.db", NULL);
      for (guint j = 0; parts[j] != NULL; j++)
        g_strv_builder_add (builder, parts[j]);
      g_strv_builder_add (builder, "--");
      words = g_strv_builder_end (builder);
      offered = complete ((const char * const *) words);
      for (guint j = 0; j < flags->len; j++)
        assert_offers (offered, flags->pdata[j]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tulbur/cli/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("help", test_help);
  ADD ("usage-errors", test_usage_errors);
  ADD ("customer-add", test_customer_add);
  ADD ("bill-new", test_bill_new);
  ADD ("add-line", test_add_line);
  ADD ("show", test_show);
  ADD ("pay", test_pay);
  ADD ("pay-refusals", test_pay_refusals);
  ADD ("list", test_list);
  ADD ("export-csv", test_export_csv);
  ADD ("export-day-bounds", test_export_day_bounds);
  ADD ("export-spreadsheet", test_export_spreadsheet);
  ADD ("terminal-escapes", test_terminal_escapes);
  ADD ("debug-stays-off-stdout", test_debug_stays_off_stdout);
  ADD ("app-version", test_app_version);
  ADD ("man-page", test_man_page);
  ADD ("bash-completion", test_bash_completion);
  ADD ("db-location", test_db_location);
#undef ADD

  return g_test_run ();
}
