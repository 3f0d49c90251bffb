/* test-qpay-token.c: the token manager against the simulator
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-test-utils.h"
#include "tb-qpay-test-common.h"

/* Every log line of the process, to prove no secret is ever written. */
static GString *log_text;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (log_text, "%s=%s\n", fields[i].key, (const char *) fields[i].value);

  /* Debug output is captured only; warnings still go through (and are fatal in tests). */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

typedef struct
{
  gint64 offset;
} FakeClock;

static gint64
fake_clock (gpointer user_data)
{
  FakeClock *clock = user_data;

  return g_get_real_time () / G_USEC_PER_SEC + clock->offset;
}

static char *
get_token (TbQpayToken  *token,
           GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_token_get_async (token, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_token_get_finish (token, result, error);
}

typedef struct
{
  guint  pending;
  guint  ok;
  char  *first;
  gboolean all_same;
} Crowd;

static void
crowd_token_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Crowd *crowd = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = tb_qpay_token_get_finish (TB_QPAY_TOKEN (source), result, &error);

  g_assert_no_error (error);
  if (crowd->first == NULL)
    crowd->first = g_strdup (token);
  else if (g_strcmp0 (crowd->first, token) != 0)
    crowd->all_same = FALSE;
  crowd->ok++;
  crowd->pending--;
}

static void
crowd_check_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Crowd *crowd = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayCheckResult) check = tb_qpay_client_check_payment_finish (TB_QPAY_CLIENT (source), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (check);
  crowd->ok++;
  crowd->pending--;
}

static void
test_single_flight (QpayFixture   *f,
                    gconstpointer  data)
{
  TbQpayToken *token = tb_qpay_client_get_token (f->client);
  Crowd crowd = { 100, 0, NULL, TRUE };

  /* Slow logins make the crowd gather while the one request is out. */
  tb_sim_server_set_latency (f->sim, 50);

  for (int i = 0; i < 100; i++)
    tb_qpay_token_get_async (token, NULL, crowd_token_cb, &crowd);

  while (crowd.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (crowd.ok, ==, 100);
  g_assert_true (crowd.all_same);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 1);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/auth/token"), ==, 1);

  /* Cached: no further login. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *again = get_token (token, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (again, ==, crowd.first);
    g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 1);
  }

  g_free (crowd.first);
}

static void
test_single_flight_calls (QpayFixture   *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;
  g_autoptr(TbQpayClient) fresh = NULL;
  Crowd crowd = { 100, 0, NULL, TRUE };

  invoice = qpay_create_simple (f->client, 10000, &error);
  g_assert_no_error (error);

  /* A second desk process with its own (empty) store: 100 business calls at once. */
  fresh = qpay_client_new (f->sim, NULL);
  /* No retries muddying the count, however slow the machine (valgrind). */
  tb_qpay_client_set_timeout (fresh, 60000);
  for (int i = 0; i < 100; i++)
    tb_qpay_client_check_payment_async (fresh, TB_QPAY_OBJECT_INVOICE, invoice->invoice_id, 1, 100,
                                        NULL, crowd_check_cb, &crowd);
  while (crowd.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (crowd.ok, ==, 100);
  /* One login for the fixture's client, exactly one for the hundred calls. */
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 2);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check"), ==, 100);
}

static void
check_expiry (QpayFixture *f,
              gboolean     as_duration)
{
  TbQpayToken *token = tb_qpay_client_get_token (f->client);
  FakeClock clock = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *fourth = NULL;

  tb_sim_server_set_token_lifetime (f->sim, 3600, as_duration);
  tb_qpay_token_set_clock (token, fake_clock, &clock);

  first = get_token (token, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 1);

  /* Well before expiry: the same token. If an epoch were read as seconds the token would
   * look valid for 56 years and this is where the next step would go wrong. */
  clock.offset = 3000;
  second = get_token (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, ==, first);

  /* Inside the 60 s margin: refreshed with the refresh token, not a new login. */
  clock.offset = 3600 - 30;
  third = get_token (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (third, !=, first);
  g_assert_cmpuint (tb_sim_server_get_refresh_count (f->sim), ==, 1);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 1);

  /* Long past both expiries (as seen by the client): a fresh login. */
  clock.offset = 4 * 3600;
  fourth = get_token (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fourth, !=, third);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 2);
  g_assert_cmpuint (tb_sim_server_get_refresh_count (f->sim), ==, 1);
}

static void
test_expiry_epoch (QpayFixture   *f,
                   gconstpointer  data)
{
  check_expiry (f, FALSE);
}

static void
test_expiry_duration (QpayFixture   *f,
                      gconstpointer  data)
{
  check_expiry (f, TRUE);
}

static void
test_refresh_fails_then_login (QpayFixture   *f,
                               gconstpointer  data)
{
  TbQpayToken *token = tb_qpay_client_get_token (f->client);
  FakeClock clock = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  tb_sim_server_set_token_lifetime (f->sim, 3600, FALSE);
  tb_qpay_token_set_clock (token, fake_clock, &clock);
  first = get_token (token, &error);
  g_assert_no_error (error);

  /* Another desk logged in: our refresh token is dead too. */
  tb_sim_server_invalidate_tokens (f->sim);
  clock.offset = 3600 - 10;
  second = get_token (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, !=, first);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/auth/refresh"), ==, 1);
  g_assert_cmpuint (tb_sim_server_get_refresh_count (f->sim), ==, 0);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 2);

  /* The new token works. */
  {
    g_autoptr(TbQpayInvoice) invoice = qpay_create_simple (f->client, 10000, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 2);
  }
}

static void
test_bad_credentials (QpayFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(TbQpayConfig) config = tb_sim_server_new_config (f->sim);
  g_autoptr(TbQpayClient) client = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;
  g_autoptr(GError) error = NULL;

  g_free (config->client_secret);
  config->client_secret = g_strdup ("wrong-secret-4711");
  client = tb_qpay_client_new (config, NULL, &error);
  g_assert_no_error (error);

  invoice = qpay_create_simple (client, 10000, &error);
  g_assert_null (invoice);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (tb_qpay_error_get_key (error), ==, "AUTHENTICATION_FAILED");
  g_assert_cmpuint (tb_qpay_error_get_http_status (error), ==, 401);
  g_assert_null (strstr (error->message, "wrong-secret-4711"));
  /* Nothing was sent to the invoice endpoint. */
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 0);
}

static void
test_401_retries_once (QpayFixture   *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = qpay_create_simple (f->client, 10000, &error);
  g_autoptr(TbQpayCheckResult) result = NULL;
  TbSimFault fault = { .path_prefix = "/v2/payment/check", .status = 401, .count = 1 };

  g_assert_no_error (error);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 1);

  tb_sim_server_add_fault (f->sim, &fault);
  result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  /* Discarded the token, logged in again with Basic auth (not refresh), sent again. */
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 2);
  g_assert_cmpuint (tb_sim_server_get_refresh_count (f->sim), ==, 0);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check"), ==, 2);
}

static void
test_401_never_loops (QpayFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = qpay_create_simple (f->client, 10000, &error);
  g_autoptr(TbQpayCheckResult) result = NULL;
  TbSimFault fault = { .path_prefix = "/v2/payment/check", .status = 401, .count = -1 };

  g_assert_no_error (error);
  tb_sim_server_add_fault (f->sim, &fault);

  result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_null (result);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (tb_qpay_error_get_key (error), ==, "NO_CREDENDIALS");
  g_assert_cmpstr (error->message, ==, tb_qpay_error_message_for_key ("NO_CREDENDIALS"));
  /* Exactly one retry. */
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check"), ==, 2);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 2);
}

static void
test_second_login_invalidates (QpayFixture   *f,
                               gconstpointer  data)
{
  g_autoptr(TbQpayClient) other_desk = qpay_client_new (f->sim, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = qpay_create_simple (f->client, 10000, &error);
  g_autoptr(TbQpayInvoice) other_invoice = NULL;
  g_autoptr(TbQpayCheckResult) result = NULL;

  g_assert_no_error (error);

  /* The other desk logs in with the same account: our token dies silently. */
  other_invoice = qpay_create_simple (other_desk, 20000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 2);

  result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->count, ==, 0);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 3);
  g_assert_cmpuint (tb_sim_server_get_refresh_count (f->sim), ==, 0);
}

static void
test_shared_store (QpayFixture   *f,
                   gconstpointer  data)
{
  g_autoptr(TbQpayTokenStore) store = tb_qpay_memory_token_store_new ();
  g_autoptr(TbQpayClient) desk1 = qpay_client_new (f->sim, store);
  g_autoptr(TbQpayClient) desk2 = qpay_client_new (f->sim, store);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) a = qpay_create_simple (desk1, 10000, &error);
  g_autoptr(TbQpayInvoice) b = NULL;

  g_assert_no_error (error);
  b = qpay_create_simple (desk2, 10000, &error);
  g_assert_no_error (error);

  /* Two desks, one token (docs/qpay.md). */
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 1);
  g_assert_true (tb_qpay_token_get_store (tb_qpay_client_get_token (desk1)) == store);
}

typedef struct
{
  gboolean done;
  GError  *error;
  char    *token;
} OneWaiter;

static void
one_waiter_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OneWaiter *waiter = user_data;

  waiter->token = tb_qpay_token_get_finish (TB_QPAY_TOKEN (source), result, &waiter->error);
  waiter->done = TRUE;
}

static void
test_cancel_one_waiter (QpayFixture   *f,
                        gconstpointer  data)
{
  TbQpayToken *token = tb_qpay_client_get_token (f->client);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OneWaiter cancelled = { 0, };
  OneWaiter patient = { 0, };

  tb_sim_server_set_latency (f->sim, 200);
  tb_qpay_token_get_async (token, cancellable, one_waiter_cb, &cancelled);
  tb_qpay_token_get_async (token, NULL, one_waiter_cb, &patient);
  g_cancellable_cancel (cancellable);

  g_assert_true (tb_test_wait_for (&cancelled.done, 5000));
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Cancelled at once, not after the login came back. */
  g_assert_false (patient.done);

  g_assert_true (tb_test_wait_for (&patient.done, 5000));
  g_assert_no_error (patient.error);
  g_assert_nonnull (patient.token);
  g_assert_cmpuint (tb_sim_server_get_login_count (f->sim), ==, 1);

  g_clear_error (&cancelled.error);
  g_free (patient.token);
}

static void
test_no_secrets_in_logs (QpayFixture   *f,
                         gconstpointer  data)
{
  TbQpayTokenStore *store = tb_qpay_token_get_store (tb_qpay_client_get_token (f->client));
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;
  g_autoptr(TbQpayCheckResult) result = NULL;
  g_autoptr(TbQpayTokenReply) stored = NULL;
  g_autofree char *basic = g_base64_encode ((const guchar *) TB_SIM_DEMO_CLIENT_ID ":" TB_SIM_DEMO_CLIENT_SECRET,
                                            strlen (TB_SIM_DEMO_CLIENT_ID ":" TB_SIM_DEMO_CLIENT_SECRET));
  TbSimFault fault = { .path_prefix = "/v2/payment/check", .status = 401, .count = 1 };

  g_string_truncate (log_text, 0);

  invoice = qpay_create_simple (f->client, 10000, &error);
  g_assert_no_error (error);
  tb_sim_server_add_fault (f->sim, &fault);
  result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);

  stored = tb_qpay_token_store_load (store);
  g_assert_nonnull (stored);

  /* The client did log (so the check below looks at something) … */
  g_assert_nonnull (strstr (log_text->str, "/v2/payment/check"));
  /* … and never a token, the secret or the Basic credentials. */
  g_assert_null (strstr (log_text->str, stored->access_token));
  g_assert_null (strstr (log_text->str, stored->refresh_token));
  g_assert_null (strstr (log_text->str, "sim-access."));
  g_assert_null (strstr (log_text->str, "sim-refresh."));
  g_assert_null (strstr (log_text->str, basic));
  g_assert_null (strstr (log_text->str, "Bearer"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

#define ADD(path, func) \
  g_test_add ("/tulbur/qpay-token/" path, QpayFixture, NULL, qpay_fixture_setup, func, qpay_fixture_teardown)

  ADD ("single-flight", test_single_flight);
  ADD ("single-flight-calls", test_single_flight_calls);
  ADD ("expiry-epoch", test_expiry_epoch);
  ADD ("expiry-duration", test_expiry_duration);
  ADD ("refresh-fails-then-login", test_refresh_fails_then_login);
  ADD ("bad-credentials", test_bad_credentials);
  ADD ("401-retries-once", test_401_retries_once);
  ADD ("401-never-loops", test_401_never_loops);
  ADD ("second-login-invalidates", test_second_login_invalidates);
  ADD ("shared-store", test_shared_store);
  ADD ("cancel-one-waiter", test_cancel_one_waiter);
  ADD ("no-secrets-in-logs", test_no_secrets_in_logs);

#undef ADD

  return g_test_run ();
}
