/* test-stack.c: the composition root, one configuration for the app and the CLI
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "core/tb-ledger.h"
#include "services/tb-service-error.h"
#include "services/tb-stack.h"
#include "sim/tb-sim-server.h"
#include "tb-test-utils.h"

#define SCHEMA_ID "io.github.tulbur.Tulbur"

/* A QPay that only logs in and records each invoice request it is sent. */
typedef struct
{
  SoupServer *server;
  char       *url;
  GPtrArray  *invoices;   /* request bodies, char* */
} Recorder;

static void
recorder_cb (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Recorder *recorder = user_data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  const char *reply;

  if (g_str_equal (path, "/v2/auth/token"))
    reply = "{\"token_type\":\"bearer\",\"access_token\":\"a\",\"refresh_token\":\"r\","
            "\"expires_in\":3600,\"refresh_expires_in\":7200}";
  else if (g_str_equal (path, "/v2/invoice"))
    {
      g_ptr_array_add (recorder->invoices, g_strndup (g_bytes_get_data (body, NULL),
                                                      g_bytes_get_size (body)));
      reply = "{\"invoice_id\":\"11111111-2222-3333-4444-555555555555\",\"qr_text\":\"qr\","
              "\"qr_image\":\"\",\"urls\":[]}";
    }
  else
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
}

/* Listens on 127.0.0.1, any port. Not soup_server_listen_local(), which leaks the local
 * address in libsoup 3.2.3. */
static gboolean
listen_loopback (SoupServer  *server,
                 GError     **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  return soup_server_listen (server, address, 0, error);
}

/* "http://127.0.0.1:PORT" of a listening server. Not soup_server_get_uris(), which leaks in
 * libsoup 3.2.3: the listening socket is asked instead. */
static char *
server_url (SoupServer *server)
{
  GSList *listeners = soup_server_get_listeners (server);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);

  g_slist_free (listeners);
  g_assert_nonnull (local);
  return g_strdup_printf ("http://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
}

static void
recorder_start (Recorder *recorder)
{
  g_autoptr(GError) error = NULL;

  recorder->invoices = g_ptr_array_new_with_free_func (g_free);
  recorder->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (recorder->server, "/v2", recorder_cb, recorder, NULL);
  g_assert_true (listen_loopback (recorder->server, &error));
  g_assert_no_error (error);
  recorder->url = server_url (recorder->server);
}

static void
recorder_stop (Recorder *recorder)
{
  soup_server_disconnect (recorder->server);
  g_clear_object (&recorder->server);
  g_clear_pointer (&recorder->invoices, g_ptr_array_unref);
  g_free (recorder->url);
}

typedef struct
{
  gboolean  done;
  TbIntent *intent;
  GError   *error;
} Wait;

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->intent = tb_payment_service_open_finish (TB_PAYMENT_SERVICE (object), result, &w->error);
  w->done = TRUE;
}

/* A fresh ledger with one bill, then a QR for the whole of it through @config's stack.
 * Returns the invoice request's JSON without its one-off number. */
static char *
invoice_request (const char          *dir,
                 const char          *name,
                 const TbStackConfig *config,
                 Recorder            *recorder)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  g_autoptr(TbStack) stack = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  TbLineInput line = { "Шүдний үзлэг", 1000, 2500000, "6743000", TRUE, TRUE };
  JsonObject *object;
  gint64 bill_id = 0;
  Wait w = { 0 };

  g_assert_no_error (error);
  g_assert_true (tb_ledger_create_bill (ledger, 0, NULL, &bill_id, NULL, &error));
  g_assert_true (tb_ledger_add_line (ledger, bill_id, &line, NULL, &error));
  g_assert_no_error (error);

  stack = tb_stack_new (ledger, config, &error);
  g_assert_no_error (error);
  tb_payment_service_open_async (tb_stack_get_payment_service (stack), bill_id, 2500000, NULL,
                                 open_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_clear_pointer (&w.intent, tb_intent_free);

  g_assert_cmpuint (recorder->invoices->len, >, 0);
  body = g_ptr_array_steal_index (recorder->invoices, 0);
  g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (object, "sender_invoice_no"));
  json_object_remove_member (object, "sender_invoice_no");
  json_generator_set_root (generator, json_parser_get_root (parser));

  tb_test_release_and_wait (g_steal_pointer (&stack));
  tb_test_release_and_wait (g_steal_pointer (&ledger));
  return json_generator_to_data (generator, NULL);
}

static void
set_env (const char *url)
{
  g_setenv ("QPAY_ENV", "sandbox", TRUE);
  g_setenv ("QPAY_BASE_URL", url, TRUE);
  g_setenv ("QPAY_CLIENT_ID", "ACME_CLINIC", TRUE);
  g_setenv ("QPAY_CLIENT_SECRET", "s3cret", TRUE);
  g_setenv ("QPAY_INVOICE_CODE", "EB_ACME_INVOICE", TRUE);
  g_setenv ("QPAY_BRANCH_CODE", "BRANCH_1", TRUE);
  g_setenv ("QPAY_EBARIMT_ENABLED", "1", TRUE);
  g_setenv ("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE", "CITIZEN", TRUE);
  g_setenv ("QPAY_EBARIMT_DEFAULT_DISTRICT_CODE", "3505", TRUE);
  g_setenv ("QPAY_EBARIMT_DEFAULT_CLASSIFICATION_CODE", "6743000", TRUE);
}

static void
set_settings (GSettings *settings)
{
  g_settings_set_string (settings, "qpay-environment", "sandbox");
  g_settings_set_string (settings, "qpay-client-id", "ACME_CLINIC");
  g_settings_set_string (settings, "qpay-invoice-code", "EB_ACME_INVOICE");
  g_settings_set_string (settings, "qpay-branch-code", "BRANCH_1");
  g_settings_set_boolean (settings, "ebarimt-enabled", TRUE);
  g_settings_set_string (settings, "ebarimt-receiver-type", "CITIZEN");
  g_settings_set_string (settings, "ebarimt-district-code", "3505");
  g_settings_set_string (settings, "ebarimt-classification-code", "6743000");
}

/* Issue #16, 2: the app sent the Ebarimt invoice form and the CLI the simple one for the same
 * settings. Both fill one TbStackConfig now; the requests are the same, in Ebarimt form. */
static void
test_same_invoice (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(TbStackConfig) app = tb_stack_config_new ();
  g_autoptr(TbStackConfig) cli = tb_stack_config_new ();
  g_autofree char *from_app = NULL;
  g_autofree char *from_cli = NULL;
  char *dir = tb_test_tmpdir_new ();
  Recorder recorder = { 0 };

  recorder_start (&recorder);

  /* The app: the settings, the secret from the keyring, TULBUR_QPAY_BASE_URL. */
  set_settings (settings);
  tb_stack_config_load_settings (app, settings);
  app->qpay->client_secret = g_strdup ("s3cret");
  app->qpay->base_url = g_strdup (recorder.url);

  /* The CLI: the environment. */
  set_env (recorder.url);
  g_assert_true (tb_stack_config_load_env (cli, &error));
  g_assert_no_error (error);

  from_app = invoice_request (dir, "app.db", app, &recorder);
  from_cli = invoice_request (dir, "cli.db", cli, &recorder);
  g_assert_cmpstr (from_app, ==, from_cli);
  /* The Ebarimt form: lines with their classification code and taxes. */
  g_assert_nonnull (strstr (from_app, "\"lines\""));
  g_assert_nonnull (strstr (from_app, "6743000"));
  g_assert_nonnull (strstr (from_app, "EB_ACME_INVOICE"));

  recorder_stop (&recorder);
  tb_test_tmpdir_free (dir);
}

/* The CLI's variables are checked before anything is built, naming the variable and never
 * quoting the secret. */
static void
test_env_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbStackConfig) config = tb_stack_config_new ();

  set_env ("https://merchant.qpay.mn");
  g_setenv ("QPAY_EBARIMT_ENABLED", "ture", TRUE);
  g_assert_false (tb_stack_config_load_env (config, &error));
  g_assert_error (error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "QPAY_EBARIMT_ENABLED"));
  g_clear_error (&error);

  g_setenv ("QPAY_EBARIMT_ENABLED", "0", TRUE);
  g_setenv ("QPAY_BASE_URL", "http://merchant.qpay.mn", TRUE);
  g_assert_false (tb_stack_config_load_env (config, &error));
  g_assert_nonnull (strstr (error->message, "QPAY_BASE_URL"));
  g_assert_null (strstr (error->message, "s3cret"));
}


static void
check_open_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *w = user_data;
  guint checked = 0;

  if (tb_stack_check_open_finish (TB_STACK (object), result, &checked, &w->error))
    w->intent = GUINT_TO_POINTER (checked + 1);
  w->done = TRUE;
}

static gint64
open_qr (TbStack *stack,
         gint64   price)
{
  g_autoptr(GError) error = NULL;
  TbLedger *ledger = tb_stack_get_ledger (stack);
  TbLineInput line = { "Үзлэг", 1000, price, NULL, TRUE, FALSE };
  gint64 bill_id = 0;
  gint64 intent_id;
  Wait w = { 0 };

  g_assert_true (tb_ledger_create_bill (ledger, 0, NULL, &bill_id, NULL, &error));
  g_assert_true (tb_ledger_add_line (ledger, bill_id, &line, NULL, &error));
  tb_payment_service_open_async (tb_stack_get_payment_service (stack), bill_id, price, NULL,
                                 open_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  intent_id = w.intent->id;
  tb_intent_free (w.intent);
  return intent_id;
}

/* docs/payment-intents.md, after a restart: every open intent of this provider and environment younger
 * than 24 h is checked again, oldest first; a payment made meanwhile is recorded. */
static void
test_check_open (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbSimServer) sim = tb_sim_server_new ();
  g_autoptr(TbStackConfig) config = tb_stack_config_new ();
  g_autoptr(TbStack) before = NULL;
  g_autoptr(TbStack) after = NULL;
  g_autoptr(TbLedger) ledger = NULL;
  g_autoptr(TbIntent) paid = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *payment = NULL;
  char *dir = tb_test_tmpdir_new ();
  gint64 young, old, elsewhere;
  Wait w = { 0 };

  g_assert_true (tb_sim_server_start (sim, 0, &error));
  tb_qpay_config_free (config->qpay);
  config->qpay = tb_sim_server_new_config (sim);
  path = g_build_filename (dir, "ledger.db", NULL);
  ledger = tb_ledger_open (path, &error);
  g_assert_no_error (error);

  before = tb_stack_new (ledger, config, &error);
  g_assert_no_error (error);
  young = open_qr (before, 1250000);
  old = open_qr (before, 800000);
  elsewhere = open_qr (before, 900000);
  open_qr (before, 950000);
  tb_test_release_and_wait (g_steal_pointer (&before));

  sql = g_strdup_printf ("UPDATE payment_intents SET created_us = created_us - %" G_GINT64_FORMAT
                         " WHERE id = %" G_GINT64_FORMAT, (gint64) 25 * 3600 * G_USEC_PER_SEC, old);
  tb_test_sql_int (path, sql);
  g_free (sql);
  sql = g_strdup_printf ("UPDATE payment_intents SET environment = 'sandbox' WHERE id = %" G_GINT64_FORMAT,
                         elsewhere);
  tb_test_sql_int (path, sql);
  paid = tb_ledger_get_intent (ledger, young, &error);
  g_assert_no_error (error);
  payment = tb_sim_server_pay_invoice (sim, paid->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);

  after = tb_stack_new (ledger, config, &error);
  g_assert_no_error (error);
  tb_stack_check_open_async (after, NULL, check_open_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_cmpuint (GPOINTER_TO_UINT (w.intent) - 1, ==, 2);
  g_assert_cmpint (tb_test_sql_int (path, "SELECT COUNT(*) FROM payments WHERE method = 'QPAY'"), ==, 1);
  g_assert_cmpuint (tb_sim_server_count_requests (sim, "POST /v2/payment/check"), ==, 2);

  tb_test_release_and_wait (g_steal_pointer (&after));
  tb_test_release_and_wait (g_steal_pointer (&ledger));
  tb_sim_server_stop (sim);
  tb_test_tmpdir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/stack/same-invoice-for-app-and-cli", test_same_invoice);
  g_test_add_func ("/tulbur/stack/env-errors", test_env_errors);
  g_test_add_func ("/tulbur/stack/check-open-after-restart", test_check_open);

  return g_test_run ();
}
