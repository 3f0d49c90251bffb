/* tb-cli-sim.c: tulbur-cli and tulbur-sim as child processes, for the qpay tests
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <libsoup/soup.h>

#include "core/tb-money.h"

#include "tb-cli-sim.h"

struct _TbCliSim
{
  GSubprocess *process;
  char        *url;
  SoupSession *session;
};

/* Runs in the child between fork and exec: if the test dies (a failed assertion aborts it),
 * its children die with it instead of holding the test's stderr open, which would leave
 * `meson test` waiting until its timeout. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

TbCliSim *
tb_cli_sim_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  const char *binary = g_getenv ("TULBUR_SIM");
  TbCliSim *sim = g_new0 (TbCliSim, 1);
  gsize len = 0;

  g_assert_nonnull (binary);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sim->process = g_subprocess_launcher_spawn (launcher, &error, binary, NULL);
  g_assert_no_error (error);

  /* Its first line is the address. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->process));
  sim->url = g_data_input_stream_read_line (lines, &len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sim->url);
  g_assert_true (g_str_has_prefix (sim->url, "http://127.0.0.1:"));

  sim->session = soup_session_new ();
  soup_session_set_timeout (sim->session, 10);
  return sim;
}

void
tb_cli_sim_stop (TbCliSim *sim)
{
  g_autoptr(GError) error = NULL;

  if (sim == NULL)
    return;

  g_subprocess_send_signal (sim->process, SIGTERM);
  g_assert_true (g_subprocess_wait (sim->process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (sim->process));
  g_assert_cmpint (g_subprocess_get_exit_status (sim->process), ==, 0);

  g_clear_object (&sim->process);
  g_clear_object (&sim->session);
  g_free (sim->url);
  g_free (sim);
}

const char *
tb_cli_sim_get_url (TbCliSim *sim)
{
  return sim->url;
}

JsonNode *
tb_cli_sim_call (TbCliSim   *sim,
                 const char *method,
                 const char *path,
                 const char *body)
{
  g_autofree char *uri = g_strconcat (sim->url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data;

  g_assert_nonnull (message);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  reply = soup_session_send_and_read (sim->session, message, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (reply, &len);
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    g_error ("%s %s: HTTP %u: %.*s", method, path, soup_message_get_status (message),
             (int) len, data != NULL ? data : "");

  if (len == 0)
    return NULL;
  {
    g_autofree char *text = g_strndup (data, len);

    return tb_cli_parse_json (text);
  }
}

char *
tb_cli_sim_pay (TbCliSim   *sim,
                const char *invoice_id,
                gint64      amount)
{
  g_autofree char *path = g_strdup_printf ("/sim/invoices/%s/pay", invoice_id);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  const char *payment_id;

  /* The control endpoint takes whole tögrög, like QPay's own amounts. */
  g_assert_cmpint (amount % 100, ==, 0);
  if (amount > 0)
    body = g_strdup_printf ("{\"amount\": %" G_GINT64_FORMAT "}", amount / 100);

  reply = tb_cli_sim_call (sim, "POST", path, body);
  g_assert_nonnull (reply);
  payment_id = json_object_get_string_member (json_node_get_object (reply), "payment_id");
  g_assert_nonnull (payment_id);
  return g_strdup (payment_id);
}

JsonNode *
tb_cli_sim_invoices (TbCliSim *sim)
{
  g_autoptr(JsonNode) reply = tb_cli_sim_call (sim, "GET", "/sim/invoices", NULL);
  JsonNode *invoices;

  g_assert_nonnull (reply);
  invoices = json_object_get_member (json_node_get_object (reply), "invoices");
  g_assert_nonnull (invoices);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (invoices));
  return json_node_copy (invoices);
}

gint64
tb_cli_sim_money (JsonObject *object,
                  const char *member)
{
  g_autoptr(GError) error = NULL;
  const char *text = json_object_get_string_member (object, member);
  gint64 minor = 0;

  g_assert_nonnull (text);
  g_assert_true (tb_money_parse_decimal (text, &minor, &error));
  g_assert_no_error (error);
  return minor;
}

void
tb_cli_run_free (TbCliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

GSubprocessLauncher *
tb_cli_launcher_new (const char         *tmpdir,
                     TbCliSim           *sim,
                     const char * const *env)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *xdg = g_build_filename (tmpdir, "xdg", NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "TULBUR_DB");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);

  /* Nothing from the developer's own shell leaks into the runs. */
  g_subprocess_launcher_unsetenv (launcher, "QPAY_ENV");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_BASE_URL");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_CLIENT_ID");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_CLIENT_SECRET");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_INVOICE_CODE");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_BRANCH_CODE");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_CALLBACK_URL");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_TIMEOUT_MS");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_EBARIMT_ENABLED");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_EBARIMT_DEFAULT_DISTRICT_CODE");
  g_subprocess_launcher_unsetenv (launcher, "QPAY_EBARIMT_DEFAULT_CLASSIFICATION_CODE");
  g_subprocess_launcher_unsetenv (launcher, "TULBUR_BUSINESS_NAME");
  g_subprocess_launcher_unsetenv (launcher, "TULBUR_BUSINESS_TIN");
  g_subprocess_launcher_unsetenv (launcher, "TULBUR_BUSINESS_ADDRESS");

  if (sim != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "QPAY_ENV", "simulator", TRUE);
      g_subprocess_launcher_setenv (launcher, "QPAY_BASE_URL", sim->url, TRUE);
      /* The simulator's demo merchant (tb-sim-server.h). */
      g_subprocess_launcher_setenv (launcher, "QPAY_CLIENT_ID", "TULBUR_DEMO", TRUE);
      g_subprocess_launcher_setenv (launcher, "QPAY_CLIENT_SECRET", "demo", TRUE);
      g_subprocess_launcher_setenv (launcher, "QPAY_INVOICE_CODE", "TULBUR_DEMO_INVOICE", TRUE);
      g_subprocess_launcher_setenv (launcher, "QPAY_TIMEOUT_MS", "5000", TRUE);
    }

  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    {
      if (env[i + 1] != NULL)
        g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, env[i]);
    }

  return launcher;
}

GSubprocess *
tb_cli_spawn (GSubprocessLauncher *launcher,
              const char          *db,
              const char * const  *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("TULBUR_CLI");
  GSubprocess *process;

  g_assert_nonnull (binary);
  g_ptr_array_add (args, (gpointer) binary);
  if (db != NULL)
    {
      g_ptr_array_add (args, (gpointer) "--db");
      g_ptr_array_add (args, (gpointer) db);
    }
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return g_strndup (data != NULL ? data : "", len);
}

TbCliRun *
tb_cli_collect (GSubprocess *process)
{
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  TbCliRun *run = g_new0 (TbCliRun, 1);

  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (g_subprocess_get_if_exited (process))
    run->status = g_subprocess_get_exit_status (process);
  else
    {
      run->status = -1;
      run->signal = g_subprocess_get_if_signaled (process) ? g_subprocess_get_term_sig (process) : 0;
    }
  run->out = bytes_to_string (out);
  run->err = bytes_to_string (err);
  return run;
}

TbCliRun *
tb_cli_run (GSubprocessLauncher *launcher,
            const char          *db,
            const char * const  *argv)
{
  g_autoptr(GSubprocess) process = tb_cli_spawn (launcher, db, argv);

  return tb_cli_collect (process);
}

JsonNode *
tb_cli_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("not JSON (%s): %s", error->message, text);
  return json_node_copy (json_parser_get_root (parser));
}
