/* test-payment-hostile.c: the payment service against an independent QPay mock that answers
 * what the simulator never does (a 200 login page for a cancel, refunded and foreign check
 * rows, reused payment ids)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "core/tb-ledger.h"
#include "providers/tb-qpay-error.h"
#include "providers/tb-qpay-provider.h"
#include "services/tb-payment-service.h"
#include "services/tb-reconciler.h"
#include "services/tb-service-error.h"
#include "tb-test-utils.h"

/* ---- the mock: only what the service calls, written from docs/qpay.md, not from the
 * simulator ---- */

typedef struct
{
  SoupServer *server;
  char       *url;
  guint       invoices;         /* invoices created so far: ids "mock-inv-N" */
  GHashTable *check_bodies;     /* invoice id → check answer (JSON text) */
  guint       cancel_status;    /* 0: 200 */
  char       *cancel_body;      /* NULL: "{}" */
  GHashTable *cancels;          /* invoice id → GUINT count */
  guint       checks;
} Mock;

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static char *
body_member (SoupServerMessage *msg,
             const char        *member)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), member, NULL));
}

static void
mock_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Mock *mock = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/v2/auth/token"))
    {
      g_autofree char *token = g_strdup_printf ("{\"token_type\":\"bearer\",\"access_token\":\"mock-access\","
                                                "\"refresh_token\":\"mock-refresh\",\"expires_in\":%" G_GINT64_FORMAT ","
                                                "\"refresh_expires_in\":%" G_GINT64_FORMAT "}",
                                                g_get_real_time () / G_USEC_PER_SEC + 3600,
                                                g_get_real_time () / G_USEC_PER_SEC + 7200);
      reply (msg, 200, "application/json", token);
    }
  else if (g_str_equal (path, "/v2/invoice") && g_str_equal (method, "POST"))
    {
      g_autofree char *answer = g_strdup_printf ("{\"invoice_id\":\"mock-inv-%u\",\"qr_text\":\"mock-qr-%u\","
                                                 "\"qPay_shortUrl\":\"https://s.example/%u\",\"urls\":[]}",
                                                 mock->invoices + 1, mock->invoices + 1, mock->invoices + 1);
      mock->invoices++;
      reply (msg, 200, "application/json", answer);
    }
  else if (g_str_equal (path, "/v2/payment/check"))
    {
      g_autofree char *id = body_member (msg, "object_id");
      const char *answer = id != NULL ? g_hash_table_lookup (mock->check_bodies, id) : NULL;

      mock->checks++;
      reply (msg, 200, "application/json", answer != NULL ? answer : "{\"count\":0,\"rows\":[]}");
    }
  else if (g_str_has_prefix (path, "/v2/invoice/") && g_str_equal (method, "DELETE"))
    {
      const char *id = path + strlen ("/v2/invoice/");
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (mock->cancels, id));

      g_hash_table_insert (mock->cancels, g_strdup (id), GUINT_TO_POINTER (n + 1));
      reply (msg, mock->cancel_status != 0 ? mock->cancel_status : 200,
             mock->cancel_body != NULL && mock->cancel_body[0] == '<' ? "text/html" : "application/json",
             mock->cancel_body != NULL ? mock->cancel_body : "{}");
    }
  else
    reply (msg, 404, "application/json", "{\"error\":\"NOT_FOUND\",\"message\":\"NOT_FOUND\"}");
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

static Mock *
mock_new (void)
{
  g_autoptr(GError) error = NULL;
  Mock *mock = g_new0 (Mock, 1);

  mock->check_bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  mock->cancels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  mock->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (mock->server, NULL, mock_handler, mock, NULL);
  g_assert_true (listen_loopback (mock->server, &error));
  g_assert_no_error (error);
  mock->url = server_url (mock->server);
  return mock;
}

static void
mock_free (Mock *mock)
{
  soup_server_disconnect (mock->server);
  g_clear_object (&mock->server);
  g_hash_table_unref (mock->check_bodies);
  g_hash_table_unref (mock->cancels);
  g_free (mock->cancel_body);
  g_free (mock->url);
  g_free (mock);
}

/* The answer of payment/check for @invoice_id: rows "id:status:amount[:object_id]" (amount in
 * whole tögrög), as QPay shapes them. */
static void
mock_set_rows (Mock       *mock,
               const char *invoice_id,
               ...)
{
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autofree char *paid_member = NULL;
  gint64 paid = 0;
  guint count = 0;
  va_list ap;

  va_start (ap, invoice_id);
  for (const char *spec = va_arg (ap, const char *); spec != NULL; spec = va_arg (ap, const char *))
    {
      g_auto(GStrv) part = g_strsplit (spec, ":", 4);

      if (g_str_equal (part[1], "PAID"))
        paid += g_ascii_strtoll (part[2], NULL, 10);
      g_string_append_printf (rows, "%s{\"payment_id\":\"%s\",\"payment_status\":\"%s\",\"payment_amount\":\"%s.00\","
                              "\"trx_fee\":\"0.00\",\"payment_currency\":\"MNT\",\"payment_wallet\":\"Bank\","
                              "\"payment_type\":\"P2P\"%s%s%s}",
                              count > 0 ? "," : "", part[0], part[1], part[2],
                              part[3] != NULL ? ",\"object_type\":\"INVOICE\",\"object_id\":\"" : "",
                              part[3] != NULL ? part[3] : "", part[3] != NULL ? "\"" : "");
      count++;
    }
  va_end (ap);

  if (paid > 0)
    paid_member = g_strdup_printf ("\"paid_amount\":%" G_GINT64_FORMAT ",", paid);
  g_hash_table_insert (mock->check_bodies, g_strdup (invoice_id),
                       g_strdup_printf ("{\"count\":%u,%s\"rows\":[%s]}", count,
                                        paid_member != NULL ? paid_member : "", rows->str));
}

static guint
mock_cancels (Mock       *mock,
              const char *invoice_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (mock->cancels, invoice_id));
}

/* ---- fixture ---- */

typedef struct
{
  char             *dir;
  char             *path;
  TbLedger         *ledger;
  Mock             *mock;
  TbQpayClient     *client;
  TbQpayProvider   *provider;
  TbPaymentService *service;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayConfig) config = tb_qpay_config_new ();

  f->dir = tb_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "ledger.db", NULL);
  f->ledger = tb_ledger_open (f->path, &error);
  g_assert_no_error (error);

  f->mock = mock_new ();
  config->environment = TB_QPAY_ENV_SIMULATOR;
  config->base_url = g_strdup (f->mock->url);
  config->client_id = g_strdup ("MOCK");
  config->client_secret = g_strdup ("mock-secret");
  config->invoice_code = g_strdup ("MOCK_INVOICE");
  f->client = tb_qpay_client_new (config, NULL, &error);
  g_assert_no_error (error);
  tb_qpay_client_set_timeout (f->client, 2000);
  tb_qpay_client_set_retry (f->client, 1, 10, 10);
  f->provider = tb_qpay_provider_new (f->client);
  f->service = tb_payment_service_new (f->ledger, TB_PAYMENT_PROVIDER (f->provider));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tb_test_release_and_wait (g_steal_pointer (&f->service));
  g_clear_object (&f->provider);
  g_clear_object (&f->client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&f->mock, mock_free);
  tb_test_release_and_wait (g_steal_pointer (&f->ledger));
  g_free (f->path);
  tb_test_tmpdir_free (f->dir);
}

static gint64
new_bill (Fixture *f,
          gint64   price)
{
  g_autoptr(GError) error = NULL;
  gint64 bill_id = 0;
  TbLineInput line = { "Үзлэг", 1000, price, NULL, TRUE, FALSE };

  g_assert_true (tb_ledger_create_bill (f->ledger, 0, NULL, &bill_id, NULL, &error));
  g_assert_true (tb_ledger_add_line (f->ledger, bill_id, &line, NULL, &error));
  g_assert_no_error (error);
  return bill_id;
}

typedef struct
{
  gboolean        done;
  gboolean        ok;
  TbIntent       *intent;
  TbCheckOutcome  outcome;
  GError         *error;
} Wait;

static void
open_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->intent = tb_payment_service_open_finish (TB_PAYMENT_SERVICE (o), r, &w->error);
  w->done = TRUE;
}

static void
op_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  Wait *w = d;

  if (g_task_get_source_tag (G_TASK (r)) == tb_payment_service_cancel_async)
    w->ok = tb_payment_service_cancel_finish (TB_PAYMENT_SERVICE (o), r, &w->outcome, &w->error);
  else
    w->ok = tb_payment_service_check_finish (TB_PAYMENT_SERVICE (o), r, &w->outcome, &w->error);
  w->done = TRUE;
}

static void
release_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = tb_payment_service_release_bill_finish (TB_PAYMENT_SERVICE (o), r, &w->error);
  w->done = TRUE;
}

static void
reconcile_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  TbReconcileStats stats = { 0 };
  w->ok = tb_reconciler_run_once_finish (TB_RECONCILER (o), r, &stats, &w->error);
  w->outcome.newly_settled = stats.settled;
  w->done = TRUE;
}

static TbIntent *
open_qr (Fixture *f,
         gint64   bill_id,
         gint64   amount)
{
  Wait w = { 0 };

  tb_payment_service_open_async (f->service, bill_id, amount, NULL, open_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  return w.intent;
}

static Wait
run_check (Fixture *f,
           gint64   intent_id)
{
  Wait w = { 0 };

  tb_payment_service_check_async (f->service, intent_id, NULL, op_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  return w;
}

static Wait
run_cancel (Fixture *f,
            gint64   intent_id)
{
  Wait w = { 0 };

  tb_payment_service_cancel_async (f->service, intent_id, NULL, op_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  return w;
}

static TbIntent *
reload (Fixture *f,
        gint64   intent_id)
{
  g_autoptr(GError) error = NULL;
  TbIntent *intent = tb_ledger_get_intent (f->ledger, intent_id, &error);

  g_assert_no_error (error);
  return intent;
}

static gboolean
listed_open (Fixture *f,
             gint64   intent_id)
{
  g_autoptr(GPtrArray) open = tb_ledger_list_intents (f->ledger, TB_INTENT_FILTER_OPEN, 0, 100, NULL);

  for (guint i = 0; open != NULL && i < open->len; i++)
    if (((TbIntent *) open->pdata[i])->id == intent_id)
      return TRUE;
  return FALSE;
}

/* ---- 13.2: a cancel answered with 200 and an unreadable body ---- */

static void
test_cancel_unreadable_stays_open (Fixture       *f,
                                   gconstpointer  data)
{
  static const char * const bodies[] = {
    "<html><body>Please log in to the Wi-Fi</body></html>",   /* a captive portal */
    "{\"truncated\":",                                       /* malformed */
    "[]",                                                    /* wrong-type JSON */
    "\"CANCELLED\"",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(TbIntent) intent = NULL;
      g_autoptr(TbIntent) after = NULL;
      g_autoptr(TbReconciler) reconciler = NULL;
      gint64 bill_id = new_bill (f, 500000);
      Wait w, rw = { 0 };
      int checks_before;

      intent = open_qr (f, bill_id, 500000);
      g_free (f->mock->cancel_body);
      f->mock->cancel_body = g_strdup (bodies[i]);

      w = run_cancel (f, intent->id);
      g_test_message ("cancel answered 200 \"%s\": %s", bodies[i], w.error != NULL ? w.error->message : "ok");
      /* Unknown outcome: never success, the provider's own error, never the ledger's. */
      g_assert_false (w.ok);
      g_assert_error (w.error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
      g_clear_error (&w.error);

      after = reload (f, intent->id);
      g_assert_true (tb_intent_is_open (after));
      g_assert_nonnull (after->last_error);
      g_assert_true (listed_open (f, intent->id));   /* what `qpay list` shows */

      /* The reconciler keeps checking it (and would record a payment on it). */
      checks_before = after->check_count;
      reconciler = tb_reconciler_new (f->service);
      tb_reconciler_set_timing (reconciler, 60000, 0);
      tb_reconciler_run_once_async (reconciler, NULL, reconcile_cb, &rw);
      g_assert_true (tb_test_wait_for (&rw.done, 10000));
      g_assert_no_error (rw.error);
      g_clear_pointer (&after, tb_intent_free);
      after = reload (f, intent->id);
      g_assert_cmpint (after->check_count, >, checks_before);

      /* Only a readable success confirms the cancel. */
      g_clear_pointer (&f->mock->cancel_body, g_free);
      w = run_cancel (f, intent->id);
      g_assert_no_error (w.error);
      g_assert_cmpint (w.outcome.state, ==, TB_INTENT_CANCELLED);
      g_assert_false (listed_open (f, intent->id));
    }
}

/* ---- 13.4: REFUNDED and FAILED rows are not income; a later reversal is recorded ---- */

static void
test_refunded_is_not_income (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbIntent) after = NULL;
  gint64 bill_id = new_bill (f, 700000);
  Wait w;

  intent = open_qr (f, bill_id, 700000);

  /* Seen REFUNDED (or FAILED) the first time: no money, nothing recorded. */
  mock_set_rows (f->mock, intent->provider_invoice_id, "7700000000001:REFUNDED:7000",
                 "7700000000002:FAILED:7000", NULL);
  w = run_check (f, intent->id);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 0);
  g_assert_cmpint (w.outcome.bill_status, ==, TB_BILL_OPEN);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 0);

  /* Paid, then the same payment turns REFUNDED: a reversal, the bill owes again. */
  mock_set_rows (f->mock, intent->provider_invoice_id, "7700000000003:PAID:7000", NULL);
  w = run_check (f, intent->id);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 1);
  g_assert_cmpint (w.outcome.bill_status, ==, TB_BILL_PAID);

  mock_set_rows (f->mock, intent->provider_invoice_id, "7700000000003:REFUNDED:7000", NULL);
  for (int round = 0; round < 2; round++)
    {
      w = run_check (f, intent->id);
      g_assert_no_error (w.error);
      g_assert_cmpuint (w.outcome.newly_reversed, ==, round == 0 ? 1 : 0);   /* idempotent */
      g_assert_cmpint (w.outcome.bill_status, ==, TB_BILL_OPEN);
      g_assert_cmpint (w.outcome.bill_due, ==, 700000);
    }
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments WHERE amount < 0 AND refund_of > 0"), ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE action = 'payment.reverse'"), ==, 1);

  /* Shown to staff: on the intent, and as a reversal row of the bill's payments. */
  after = reload (f, intent->id);
  g_assert_cmpint (after->reversed, ==, 700000);
  g_assert_cmpint (after->paid, ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE action = 'intent.flag'"), ==, 1);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TbBill) bill = tb_ledger_get_bill (f->ledger, bill_id, &error);
    guint reversals = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (bill->payments->len, ==, 2);
    for (guint i = 0; i < bill->payments->len; i++)
      {
        const TbPayment *payment = bill->payments->pdata[i];

        /* The bill page titles this row "QPay payment reversed by the provider". */
        if (tb_payment_is_reversal (payment))
          {
            reversals++;
            g_assert_cmpint (payment->amount, ==, -700000);
          }
      }
    g_assert_cmpuint (reversals, ==, 1);
  }
}

/* ---- 13.5: rows of another invoice, reused payment ids ---- */

static void
test_foreign_rows_not_credited (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(TbIntent) first = NULL;
  g_autoptr(TbIntent) second = NULL;
  g_autoptr(TbIntent) after = NULL;
  g_autofree char *foreign = NULL;
  gint64 bill_a = new_bill (f, 300000);
  gint64 bill_b = new_bill (f, 300000);
  Wait w;

  first = open_qr (f, bill_a, 300000);
  second = open_qr (f, bill_b, 300000);

  /* The answer for the second invoice holds a row that says it is the first one's. */
  foreign = g_strdup_printf ("6600000000001:PAID:3000:%s", first->provider_invoice_id);
  mock_set_rows (f->mock, second->provider_invoice_id, foreign, NULL);
  g_test_expect_message ("Tulbur-Services", G_LOG_LEVEL_WARNING, "*intent 2*another invoice*");
  w = run_check (f, second->id);
  g_test_assert_expected_messages ();
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 0);
  g_assert_cmpuint (w.outcome.flagged, ==, 1);
  g_assert_cmpint (w.outcome.bill_status, ==, TB_BILL_OPEN);

  /* The first bill is paid; then the second invoice's answer repeats that payment id. */
  mock_set_rows (f->mock, first->provider_invoice_id, "6600000000002:PAID:3000", NULL);
  w = run_check (f, first->id);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 1);
  mock_set_rows (f->mock, second->provider_invoice_id, "6600000000002:PAID:3000", NULL);
  g_test_expect_message ("Tulbur-Services", G_LOG_LEVEL_WARNING, "*intent 2*already recorded*");
  w = run_check (f, second->id);
  g_test_assert_expected_messages ();
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 0);
  g_assert_cmpuint (w.outcome.flagged, ==, 1);
  g_assert_cmpint (w.outcome.bill_status, ==, TB_BILL_OPEN);
  g_assert_cmpint (w.outcome.state, ==, TB_INTENT_PENDING);

  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills WHERE id = 2"), ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM audit_log WHERE action = 'intent.flag'"), ==, 2);
  after = reload (f, second->id);
  g_assert_nonnull (after->last_error);
}

/* ---- 13.1: an invoice that arrived twice is kept, cancelled, and its payment recorded ---- */

static void
test_extra_invoice_reconciled (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbIntent) after = NULL;
  gboolean extra = FALSE;
  gint64 bill_id = new_bill (f, 400000);
  Wait w;

  intent = open_qr (f, bill_id, 400000);
  /* A second desk's create, whose lease had run out, got another invoice. */
  g_assert_true (tb_ledger_intent_add_invoice (f->ledger, intent->id, "mock-inv-other", "other-qr", NULL,
                                               NULL, 0, &extra, &error));
  g_assert_no_error (error);
  g_assert_true (extra);
  after = reload (f, intent->id);
  g_assert_cmpstr (after->provider_invoice_id, ==, intent->provider_invoice_id);   /* not overwritten */
  g_assert_cmpuint (after->extra_invoices, ==, 1);

  /* The customer paid the QR the ledger does not show. */
  mock_set_rows (f->mock, "mock-inv-other", "5500000000001:PAID:4000", NULL);
  w = run_check (f, intent->id);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 1);
  g_assert_cmpint (w.outcome.bill_status, ==, TB_BILL_PAID);
  g_assert_cmpuint (mock_cancels (f->mock, "mock-inv-other"), ==, 1);
  g_clear_pointer (&after, tb_intent_free);
  after = reload (f, intent->id);
  g_assert_cmpuint (after->extra_invoices, ==, 0);   /* confirmed cancelled */
  g_assert_cmpuint (mock_cancels (f->mock, intent->provider_invoice_id), ==, 0);
}

/* ---- #10: release a bill before a cash payment ---- */

static void
test_release_bill (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TbIntent) confirmed = NULL;
  g_autoptr(TbIntent) unreadable = NULL;
  g_autoptr(TbIntent) paid = NULL;
  g_autoptr(TbIntent) after = NULL;
  gint64 bill_a = new_bill (f, 200000);
  gint64 bill_b = new_bill (f, 200000);
  gint64 bill_c = new_bill (f, 200000);
  Wait w = { 0 };

  /* Cancel confirmed: nothing left payable. */
  confirmed = open_qr (f, bill_a, 200000);
  tb_payment_service_release_bill_async (f->service, bill_a, NULL, release_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  after = reload (f, confirmed->id);
  g_assert_cmpint (after->state, ==, TB_INTENT_CANCELLED);

  /* Cancel answered with a login page: refused, saying why. */
  unreadable = open_qr (f, bill_b, 200000);
  f->mock->cancel_body = g_strdup ("<html>Sign in to continue</html>");
  memset (&w, 0, sizeof w);
  tb_payment_service_release_bill_async (f->service, bill_b, NULL, release_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_false (w.ok);
  g_assert_error (w.error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_QR_OPEN);
  g_test_message ("%s", w.error->message);
  g_clear_error (&w.error);
  g_clear_pointer (&after, tb_intent_free);
  after = reload (f, unreadable->id);
  g_assert_true (tb_intent_is_open (after));

  /* Paid meanwhile: QPay refuses the cancel with INVOICE_PAID; the check settles it. */
  paid = open_qr (f, bill_c, 200000);
  g_clear_pointer (&f->mock->cancel_body, g_free);
  f->mock->cancel_status = 400;
  f->mock->cancel_body = g_strdup ("{\"error\":\"INVOICE_PAID\",\"message\":\"INVOICE_PAID\"}");
  mock_set_rows (f->mock, paid->provider_invoice_id, "4400000000001:PAID:2000", NULL);
  memset (&w, 0, sizeof w);
  tb_payment_service_release_bill_async (f->service, bill_c, NULL, release_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT status = 'PAID' FROM bills WHERE id = 3"), ==, 1);
}

/* #10 with 13.1: a paid QR whose other invoice (another desk's) is still live. */
static void
test_release_bill_extra_invoice (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbIntent) after = NULL;
  gint64 bill_id = new_bill (f, 600000);
  Wait w;

  intent = open_qr (f, bill_id, 300000);
  g_assert_true (tb_ledger_intent_add_invoice (f->ledger, intent->id, "mock-inv-other", "other-qr", NULL,
                                               NULL, 0, NULL, &error));
  g_assert_no_error (error);

  /* Paid; the other invoice's cancel cannot be confirmed (a login page). */
  mock_set_rows (f->mock, intent->provider_invoice_id, "3300000000001:PAID:3000", NULL);
  f->mock->cancel_body = g_strdup ("<html>Sign in</html>");
  w = run_check (f, intent->id);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome.state, ==, TB_INTENT_PAID);
  g_assert_cmpuint (w.outcome.extra_invoices, ==, 1);

  /* The rest of the bill in cash? Not while that QR may still be paid. */
  memset (&w, 0, sizeof w);
  tb_payment_service_release_bill_async (f->service, bill_id, NULL, release_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_error (w.error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_QR_OPEN);
  g_clear_error (&w.error);

  g_clear_pointer (&f->mock->cancel_body, g_free);
  memset (&w, 0, sizeof w);
  tb_payment_service_release_bill_async (f->service, bill_id, NULL, release_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  after = reload (f, intent->id);
  g_assert_cmpuint (after->extra_invoices, ==, 0);
  g_assert_cmpint (after->state, ==, TB_INTENT_PAID);
}

/* ---- #7: errors keep their domain ---- */

static void
test_error_domains (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TbIntent) intent = NULL;
  gint64 bill_id = new_bill (f, 900000);
  Wait w = { 0 };

  intent = open_qr (f, bill_id, 900000);

  /* The provider refuses: its own error (with its key), not "the bill changed". */
  f->mock->cancel_status = 400;
  f->mock->cancel_body = g_strdup ("{\"error\":\"INVOICE_NOTFOUND\",\"message\":\"INVOICE_NOTFOUND\"}");
  tb_payment_service_open_async (f->service, bill_id, 500000, NULL, open_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_null (w.intent);
  g_assert_nonnull (w.error);
  g_assert_true (w.error->domain == TB_QPAY_ERROR);
  g_clear_error (&w.error);

  /* Offline: the network error passes through, never as a ledger error. */
  soup_server_disconnect (f->mock->server);
  memset (&w, 0, sizeof w);
  w = run_cancel (f, intent->id);
  g_assert_false (w.ok);
  g_assert_nonnull (w.error);
  g_test_message ("offline cancel: %s", w.error->message);
  g_assert_true (w.error->domain != TB_LEDGER_ERROR);
  g_assert_error (w.error, TB_QPAY_ERROR, TB_QPAY_ERROR_NETWORK);
  g_clear_error (&w.error);

  /* The service's own failure is in its domain. */
  memset (&w, 0, sizeof w);
  tb_payment_service_release_bill_async (f->service, bill_id, NULL, release_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_error (w.error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_QR_OPEN);
  g_clear_error (&w.error);
}

/* ---- 13.1 against a provider that does not deduplicate sender numbers ---- */

static void
test_two_desks_one_invoice (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) other_ledger = tb_ledger_open (f->path, &error);
  g_autoptr(TbPaymentService) other = NULL;

  g_assert_no_error (error);
  /* The second desk: its own connection to the ledger file and its own service. */
  other = tb_payment_service_new (other_ledger, TB_PAYMENT_PROVIDER (f->provider));

  for (guint round = 0; round < 10; round++)
    {
      gint64 bill_id = new_bill (f, 100000 + round * 100);
      Wait a = { 0 }, b = { 0 };

      tb_payment_service_open_async (f->service, bill_id, 100000 + round * 100, NULL, open_cb, &a);
      tb_payment_service_open_async (other, bill_id, 100000 + round * 100, NULL, open_cb, &b);
      g_assert_true (tb_test_wait_for (&a.done, 10000));
      g_assert_true (tb_test_wait_for (&b.done, 10000));
      g_assert_no_error (a.error);
      g_assert_no_error (b.error);
      g_assert_cmpint (a.intent->id, ==, b.intent->id);
      g_assert_cmpstr (a.intent->provider_invoice_id, ==, b.intent->provider_invoice_id);
      /* One invoice asked for per bill: the desk without the lease waited for it. */
      g_assert_cmpuint (f->mock->invoices, ==, round + 1);
      g_clear_pointer (&a.intent, tb_intent_free);
      g_clear_pointer (&b.intent, tb_intent_free);
    }
  tb_test_release_and_wait (g_steal_pointer (&other));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/tulbur/payment-hostile/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("cancel-unreadable-stays-open", test_cancel_unreadable_stays_open);
  ADD ("refunded-is-not-income", test_refunded_is_not_income);
  ADD ("foreign-rows-not-credited", test_foreign_rows_not_credited);
  ADD ("extra-invoice-reconciled", test_extra_invoice_reconciled);
  ADD ("release-bill", test_release_bill);
  ADD ("release-bill-extra-invoice", test_release_bill_extra_invoice);
  ADD ("error-domains", test_error_domains);
  ADD ("two-desks-one-invoice", test_two_desks_one_invoice);
#undef ADD

  return g_test_run ();
}
