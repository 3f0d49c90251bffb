/* test-payment-flow.c: intents, settlement, watcher and reconciler against the simulator
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "core/tb-ledger.h"
#include "providers/tb-qpay-error.h"
#include "providers/tb-qpay-provider.h"
#include "services/tb-payment-service.h"
#include "services/tb-payment-watcher.h"
#include "services/tb-reconciler.h"
#include "services/tb-service-error.h"
#include "sim/tb-sim-server.h"
#include "tb-test-utils.h"

typedef struct
{
  char             *dir;
  char             *path;
  TbLedger         *ledger;
  TbSimServer      *sim;
  TbQpayClient     *client;
  TbQpayProvider   *provider;
  TbPaymentService *service;
  guint             settled_signals;
} Fixture;

static void
payment_settled_cb (TbPaymentService *service,
                    gint64            bill_id,
                    gint64            amount,
                    gint64            intent_id,
                    Fixture          *f)
{
  f->settled_signals++;
}

static void
make_service (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayConfig) config = tb_sim_server_new_config (f->sim);

  f->client = tb_qpay_client_new (config, NULL, &error);
  g_assert_no_error (error);
  tb_qpay_client_set_timeout (f->client, 1500);
  tb_qpay_client_set_retry (f->client, 1, 10, 10);
  f->provider = tb_qpay_provider_new (f->client);
  f->service = tb_payment_service_new (f->ledger, TB_PAYMENT_PROVIDER (f->provider));
  g_signal_connect (f->service, "payment-settled", G_CALLBACK (payment_settled_cb), f);
}

static void
drop_service (Fixture *f)
{
  if (f->service != NULL)
    tb_test_release_and_wait (g_steal_pointer (&f->service));
  g_clear_object (&f->provider);
  g_clear_object (&f->client);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = tb_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "ledger.db", NULL);
  f->ledger = tb_ledger_open (f->path, &error);
  g_assert_no_error (error);

  f->sim = tb_sim_server_new ();
  g_assert_true (tb_sim_server_start (f->sim, 0, &error));
  g_assert_no_error (error);
  make_service (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  drop_service (f);
  tb_sim_server_stop (f->sim);
  g_clear_object (&f->sim);
  /* Let the last callbacks of the sockets run before the objects go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
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

/* ---- synchronous wrappers (the main loop runs while we wait) ---- */

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
  w->ok = w->intent != NULL;
  w->done = TRUE;
}

static void
check_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = tb_payment_service_check_finish (TB_PAYMENT_SERVICE (o), r, &w->outcome, &w->error);
  w->done = TRUE;
}

static void
cancel_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = tb_payment_service_cancel_finish (TB_PAYMENT_SERVICE (o), r, &w->outcome, &w->error);
  w->done = TRUE;
}

static void
reconcile_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  TbReconcileStats stats;
  w->ok = tb_reconciler_run_once_finish (TB_RECONCILER (o), r, &stats, &w->error);
  w->outcome.newly_settled = stats.settled;
  w->outcome.intent_id = stats.checked;
  w->outcome.bill_due = stats.expired;
  w->done = TRUE;
}

static TbIntent *
open_qr (Fixture  *f,
         gint64    bill_id,
         gint64    amount,
         GError  **error)
{
  Wait w = { 0 };

  tb_payment_service_open_async (f->service, bill_id, amount, NULL, open_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.intent;
}

static TbCheckOutcome
check_ok (Fixture *f,
          gint64   intent_id)
{
  Wait w = { 0 };

  tb_payment_service_check_async (f->service, intent_id, NULL, check_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  return w.outcome;
}

static char *
sim_invoice_for (Fixture  *f,
                 TbIntent *intent)
{
  g_assert_nonnull (intent->provider_invoice_id);
  return g_strdup (intent->provider_invoice_id);
}

/* ---- tests ---- */

static void
test_open_reuse_and_pay (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbIntent) again = NULL;
  g_autofree char *invoice = NULL;
  g_autofree char *payment = NULL;
  gint64 bill_id = new_bill (f, 1250000);
  TbCheckOutcome outcome;

  intent = open_qr (f, bill_id, 1250000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (intent->state, ==, TB_INTENT_PENDING);
  g_assert_nonnull (intent->qr_text);
  g_assert_cmpint (intent->expires_us, >, g_get_real_time ());
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 1);

  /* Same bill, same amount: the same QR, no second invoice. */
  again = open_qr (f, bill_id, 1250000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->id, ==, intent->id);
  g_assert_cmpstr (again->qr_text, ==, intent->qr_text);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 1);

  /* Unpaid: nothing settles. */
  outcome = check_ok (f, intent->id);
  g_assert_cmpint (outcome.state, ==, TB_INTENT_PENDING);
  g_assert_cmpuint (outcome.newly_settled, ==, 0);

  invoice = sim_invoice_for (f, intent);
  payment = tb_sim_server_pay_invoice (f->sim, invoice, 0, FALSE, &error);
  g_assert_no_error (error);

  outcome = check_ok (f, intent->id);
  g_assert_cmpint (outcome.state, ==, TB_INTENT_PAID);
  g_assert_cmpuint (outcome.newly_settled, ==, 1);
  g_assert_cmpint (outcome.settled_amount, ==, 1250000);
  g_assert_cmpint (outcome.bill_status, ==, TB_BILL_PAID);
  g_assert_cmpint (outcome.bill_due, ==, 0);
  g_assert_cmpuint (f->settled_signals, ==, 1);

  /* The same PAID answer again settles nothing more. */
  outcome = check_ok (f, intent->id);
  g_assert_cmpuint (outcome.newly_settled, ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM receipts"), ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 1250000);
}

static void
test_bad_amounts (Fixture       *f,
                  gconstpointer  data)
{
  gint64 bill_id = new_bill (f, 1250000);
  const gint64 bad[] = { 0, -100, 1250100, 500, 100050 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TbIntent) intent = open_qr (f, bill_id, bad[i], &error);

      g_assert_null (intent);
      g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
    }
  /* Nothing reached the provider or the ledger. */
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 0);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payment_intents"), ==, 0);
}

static void
test_new_amount_cancels_old (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) first = NULL;
  g_autoptr(TbIntent) second = NULL;
  g_autoptr(TbIntent) reread = NULL;
  g_autoptr(TbSimInvoiceInfo) info = NULL;
  gint64 bill_id = new_bill (f, 1000000);

  first = open_qr (f, bill_id, 1000000, &error);
  g_assert_no_error (error);
  second = open_qr (f, bill_id, 600000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second->id, !=, first->id);

  reread = tb_ledger_get_intent (f->ledger, first->id, &error);
  g_assert_cmpint (reread->state, ==, TB_INTENT_CANCELLED);
  info = tb_sim_server_get_invoice (f->sim, first->provider_invoice_id);
  g_assert_cmpstr (info->status, ==, "CANCELLED");
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 2);
}

static void
test_partial_then_rest (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  gint64 bill_id = new_bill (f, 1000000);
  TbCheckOutcome outcome;

  intent = open_qr (f, bill_id, 1000000, &error);
  g_assert_no_error (error);

  p1 = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 400000, FALSE, &error);
  g_assert_no_error (error);
  outcome = check_ok (f, intent->id);
  g_assert_cmpuint (outcome.newly_settled, ==, 1);
  g_assert_cmpint (outcome.state, ==, TB_INTENT_PENDING);
  g_assert_cmpint (outcome.bill_status, ==, TB_BILL_PARTIAL);
  g_assert_cmpint (outcome.bill_due, ==, 600000);

  p2 = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);
  outcome = check_ok (f, intent->id);
  g_assert_cmpuint (outcome.newly_settled, ==, 1);
  g_assert_cmpint (outcome.state, ==, TB_INTENT_PAID);
  g_assert_cmpint (outcome.bill_status, ==, TB_BILL_PAID);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 2);
}

static void
test_paid_twice_is_flagged (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  gint64 bill_id = new_bill (f, 500000);
  TbCheckOutcome outcome;

  intent = open_qr (f, bill_id, 500000, &error);
  p1 = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  p2 = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p1, !=, p2);

  outcome = check_ok (f, intent->id);
  g_assert_cmpuint (outcome.newly_settled, ==, 2);
  g_assert_true (outcome.overpaid);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 1000000);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT overpaid FROM bills"), ==, 1);
}

static void
test_paid_after_cancel (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autofree char *late = NULL;
  gint64 bill_id = new_bill (f, 800000);
  TbSettleRequest cash = { bill_id, TB_METHOD_CASH, 800000, "cash-1", NULL, 0, 0 };
  TbSettleResult r;
  Wait w = { 0 };
  TbCheckOutcome outcome;

  intent = open_qr (f, bill_id, 800000, &error);
  g_assert_no_error (error);

  tb_payment_service_cancel_async (f->service, intent->id, NULL, cancel_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome.state, ==, TB_INTENT_CANCELLED);

  /* The customer paid cash instead… and the bank payment still went through. */
  g_assert_true (tb_ledger_settle (f->ledger, &cash, &r, &error));
  late = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);

  outcome = check_ok (f, intent->id);
  g_assert_cmpuint (outcome.newly_settled, ==, 1);
  g_assert_true (outcome.overpaid);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments WHERE method = 'QPAY'"), ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT paid FROM bills"), ==, 1600000);
}

static void
test_cancel_paid_invoice_settles (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autofree char *pay = NULL;
  gint64 bill_id = new_bill (f, 300000);
  Wait w = { 0 };

  intent = open_qr (f, bill_id, 300000, &error);
  pay = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);

  /* Cancel races the payment: QPay says INVOICE_PAID, so we settle instead. */
  tb_payment_service_cancel_async (f->service, intent->id, NULL, cancel_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome.state, ==, TB_INTENT_PAID);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT status = 'PAID' FROM bills"), ==, 1);
}

static void
test_concurrent_checks_join (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autofree char *pay = NULL;
  g_autoptr(TbReconciler) reconciler = NULL;
  gint64 bill_id = new_bill (f, 200000);
  Wait w[5] = { 0 };
  Wait rw = { 0 };
  guint before;
  guint settled = 0;

  intent = open_qr (f, bill_id, 200000, &error);
  pay = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);

  /* A slow provider: every check takes 200 ms, so they would overlap if allowed to. */
  tb_sim_server_set_latency (f->sim, 200);
  before = tb_sim_server_count_requests (f->sim, "POST /v2/payment/check");

  reconciler = tb_reconciler_new (f->service);
  tb_reconciler_set_timing (reconciler, 60000, 0);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    tb_payment_service_check_async (f->service, intent->id, NULL, check_cb, &w[i]);
  tb_reconciler_run_once_async (reconciler, NULL, reconcile_cb, &rw);

  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    {
      g_assert_true (tb_test_wait_for (&w[i].done, 10000));
      g_assert_no_error (w[i].error);
      settled += w[i].outcome.newly_settled;
    }
  g_assert_true (tb_test_wait_for (&rw.done, 10000));
  g_assert_no_error (rw.error);

  /* Five callers and the reconciler: at most two provider requests (the joined check, and
   * the reconciler's queued behind it), and exactly one payment. */
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check") - before, <=, 2);
  g_assert_cmpuint (settled, ==, G_N_ELEMENTS (w)); /* every joined caller saw the one settlement */
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 1);
  g_assert_cmpuint (f->settled_signals, ==, 1);
}

static void
test_create_timeout_reuses_number (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) none = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(GPtrArray) intents = NULL;
  g_autoptr(GPtrArray) invoices = NULL;
  g_autofree char *first_number = NULL;
  gint64 bill_id = new_bill (f, 450000);
  TbSimFault hang = { "/v2/invoice", 0, TB_SIM_BODY_NORMAL, 0, TRUE, 1 };

  tb_sim_server_add_fault (f->sim, &hang);
  none = open_qr (f, bill_id, 450000, &error);
  g_assert_null (none);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_TIMEOUT);
  g_clear_error (&error);

  intents = tb_ledger_list_intents (f->ledger, TB_INTENT_FILTER_ALL, bill_id, 10, &error);
  g_assert_cmpuint (intents->len, ==, 1);
  g_assert_cmpint (((TbIntent *) intents->pdata[0])->state, ==, TB_INTENT_NEW);
  first_number = g_strdup (((TbIntent *) intents->pdata[0])->sender_invoice_no);

  /* The retry sends the same sender_invoice_no and gets the invoice the lost answer made. */
  intent = open_qr (f, bill_id, 450000, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (intent->sender_invoice_no, ==, first_number);
  g_assert_cmpint (intent->state, ==, TB_INTENT_PENDING);

  invoices = tb_sim_server_list_invoices (f->sim);
  g_assert_cmpuint (invoices->len, ==, 1);
  g_assert_cmpstr (((TbSimInvoiceInfo *) invoices->pdata[0])->invoice_id, ==, intent->provider_invoice_id);
}

typedef struct
{
  GArray *delays;
  gboolean saw_problem;
  gboolean paid;
} WatchLog;

static void
watcher_changed_cb (TbPaymentWatcher *watcher,
                    WatchLog         *log)
{
  if (tb_payment_watcher_get_connection_problem (watcher))
    {
      guint delay = tb_payment_watcher_get_next_delay (watcher);
      log->saw_problem = TRUE;
      if (log->delays->len == 0 || g_array_index (log->delays, guint, log->delays->len - 1) != delay ||
          delay == 400)
        g_array_append_val (log->delays, delay);
    }
  if (tb_payment_watcher_get_status (watcher) == TB_WATCH_PAID)
    log->paid = TRUE;
}

static gboolean
clear_faults_cb (gpointer data)
{
  tb_sim_server_clear_faults (data);
  return G_SOURCE_REMOVE;
}

static void
test_watcher_backoff_and_recovery (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbPaymentWatcher) watcher = NULL;
  g_autofree char *pay = NULL;
  gint64 bill_id = new_bill (f, 700000);
  TbSimFault outage = { "/v2/payment/check", 503, TB_SIM_BODY_NORMAL, 0, FALSE, -1 };
  WatchLog log = { g_array_new (FALSE, FALSE, sizeof (guint)), FALSE, FALSE };

  intent = open_qr (f, bill_id, 700000, &error);
  g_assert_no_error (error);

  tb_sim_server_add_fault (f->sim, &outage);
  watcher = tb_payment_watcher_new (f->service, intent->id, intent->expires_us);
  tb_payment_watcher_set_interval (watcher, 50, 400);
  g_signal_connect (watcher, "changed", G_CALLBACK (watcher_changed_cb), &log);
  tb_payment_watcher_start (watcher);

  /* Let the outage last ~1.2 s: delays must grow 50, 100, 200, 400 and stay at 400. */
  g_timeout_add (1200, clear_faults_cb, f->sim);
  pay = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (tb_test_wait_for (&log.paid, 8000));

  g_assert_true (log.saw_problem);
  g_assert_cmpuint (log.delays->len, >=, 4);
  g_assert_cmpuint (g_array_index (log.delays, guint, 0), ==, 50);
  g_assert_cmpuint (g_array_index (log.delays, guint, 1), ==, 100);
  g_assert_cmpuint (g_array_index (log.delays, guint, 2), ==, 200);
  g_assert_cmpuint (g_array_index (log.delays, guint, 3), ==, 400);
  for (guint i = 3; i < log.delays->len; i++)
    g_assert_cmpuint (g_array_index (log.delays, guint, i), <=, 400);

  g_assert_false (tb_payment_watcher_get_connection_problem (watcher));
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 1);
  g_array_unref (log.delays);
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_watcher_one_request_in_flight (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbPaymentWatcher) watcher = NULL;
  gint64 bill_id = new_bill (f, 700000);
  gboolean elapsed = FALSE;
  guint before, requests;

  intent = open_qr (f, bill_id, 700000, &error);
  g_assert_no_error (error);
  tb_sim_server_set_latency (f->sim, 100);
  before = tb_sim_server_count_requests (f->sim, "POST /v2/payment/check");

  /* An interval far shorter than the answer time: the next check must still wait. */
  watcher = tb_payment_watcher_new (f->service, intent->id, intent->expires_us);
  tb_payment_watcher_set_interval (watcher, 1, 1);
  tb_payment_watcher_start (watcher);
  for (int i = 0; i < 20; i++)
    tb_payment_watcher_check_now (watcher);

  g_timeout_add (1000, flag_cb, &elapsed);
  tb_test_wait_for (&elapsed, 5000);
  tb_payment_watcher_stop (watcher);

  requests = tb_sim_server_count_requests (f->sim, "POST /v2/payment/check") - before;
  g_test_message ("%u checks in 1 s with 100 ms answers", requests);
  g_assert_cmpuint (requests, >=, 3);
  g_assert_cmpuint (requests, <=, 11);
  g_assert_cmpuint (tb_payment_watcher_get_check_count (watcher), <=, 11);
}

static void
test_reconciler_settles_and_expires (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) paid_later = NULL;
  g_autoptr(TbIntent) abandoned = NULL;
  g_autoptr(TbIntent) reread = NULL;
  g_autoptr(TbReconciler) reconciler = NULL;
  g_autoptr(TbSimInvoiceInfo) info = NULL;
  g_autofree char *pay = NULL;
  gint64 bill_a = new_bill (f, 250000);
  gint64 bill_b = new_bill (f, 350000);
  gboolean elapsed = FALSE;
  Wait w = { 0 };

  tb_payment_service_set_lifetime (f->service, 1);
  paid_later = open_qr (f, bill_a, 250000, &error);
  abandoned = open_qr (f, bill_b, 350000, &error);
  g_assert_no_error (error);

  /* The receptionist closed the QR window; the customer pays afterwards. */
  pay = tb_sim_server_pay_invoice (f->sim, paid_later->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);
  g_timeout_add (1100, flag_cb, &elapsed);
  tb_test_wait_for (&elapsed, 5000);

  reconciler = tb_reconciler_new (f->service);
  tb_reconciler_set_timing (reconciler, 60000, 0);
  tb_reconciler_run_once_async (reconciler, NULL, reconcile_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);

  g_assert_cmpint (w.outcome.intent_id, ==, 2);       /* checked */
  g_assert_cmpuint (w.outcome.newly_settled, ==, 1);  /* settled */
  g_assert_cmpint (w.outcome.bill_due, ==, 1);        /* expired */

  reread = tb_ledger_get_intent (f->ledger, abandoned->id, &error);
  g_assert_cmpint (reread->state, ==, TB_INTENT_EXPIRED);
  info = tb_sim_server_get_invoice (f->sim, abandoned->provider_invoice_id);
  g_assert_cmpstr (info->status, ==, "CANCELLED");
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT status = 'PAID' FROM bills WHERE id = 1"), ==, 1);
}

static void
pass_done_cb (TbReconciler *r,
              guint         checked,
              guint         settled,
              gpointer      data)
{
  *(gboolean *) data = TRUE;
}

static void
test_reconciler_idle_and_restart (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbReconciler) idle = NULL;
  g_autoptr(TbReconciler) after_restart = NULL;
  g_autofree char *pay = NULL;
  gint64 bill_id = new_bill (f, 990000);
  gboolean pass_done = FALSE;

  /* Nothing pending: one pass on start, then no timer at all. */
  idle = tb_reconciler_new (f->service);
  g_signal_connect (idle, "pass-done", G_CALLBACK (pass_done_cb), &pass_done);
  tb_reconciler_start (idle);
  g_assert_true (tb_test_wait_for (&pass_done, 5000));
  g_assert_false (tb_reconciler_is_armed (idle));
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, NULL), ==, 0);

  /* A new QR arms it. */
  intent = open_qr (f, bill_id, 990000, &error);
  g_assert_no_error (error);
  g_assert_true (tb_reconciler_is_armed (idle));
  g_clear_object (&idle);

  /* "Restart the app": new service objects over the same ledger file; paid meanwhile. */
  pay = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  drop_service (f);
  tb_test_release_and_wait (g_steal_pointer (&f->ledger));
  f->ledger = tb_ledger_open (f->path, &error);
  g_assert_no_error (error);
  make_service (f);

  pass_done = FALSE;
  after_restart = tb_reconciler_new (f->service);
  tb_reconciler_set_timing (after_restart, 60000, 0);
  g_signal_connect (after_restart, "pass-done", G_CALLBACK (pass_done_cb), &pass_done);
  tb_reconciler_start (after_restart);
  g_assert_true (tb_test_wait_for (&pass_done, 5000));

  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT status = 'PAID' FROM bills"), ==, 1);
  /* Nothing open any more, but a paid QR may still take a second payment: it stays under the
   * slower reconciliation for its lifetime (issue #16, 13.3), so the timer stays armed. */
  g_assert_true (tb_reconciler_is_armed (after_restart));
}

static void
test_ebarimt_invoice_form (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayConfig) config = tb_sim_server_new_config (f->sim);
  g_autoptr(TbIntent) whole = NULL;
  g_autoptr(TbIntent) part = NULL;
  g_autoptr(TbSimInvoiceInfo) info = NULL;
  gint64 bill_a = 0, bill_b = 0;
  /* Prices where binary floats give 999.9999 instead of 1000.0000 (docs/qpay.md, "Invoices"). */
  TbLineInput consult = { "Эмчийн үзлэг", 1000, 1100000, "8610000", TRUE, FALSE };
  TbLineInput parking = { "Зогсоол", 2000, 100000, NULL, TRUE, TRUE };

  /* An Ebarimt-enabled invoice code and a district: whole-bill QRs carry the lines. */
  drop_service (f);
  g_free (config->invoice_code);
  config->invoice_code = g_strdup (TB_SIM_DEMO_EBARIMT_INVOICE_CODE);
  tb_sim_server_set_ebarimt_enabled (f->sim, TRUE);
  f->client = tb_qpay_client_new (config, NULL, &error);
  g_assert_no_error (error);
  f->provider = tb_qpay_provider_new (f->client);
  tb_qpay_provider_set_ebarimt_invoice (f->provider, "3505", "6743000");
  f->service = tb_payment_service_new (f->ledger, TB_PAYMENT_PROVIDER (f->provider));

  g_assert_true (tb_ledger_create_bill (f->ledger, 0, NULL, &bill_a, NULL, &error));
  g_assert_true (tb_ledger_add_line (f->ledger, bill_a, &consult, NULL, &error));
  g_assert_true (tb_ledger_add_line (f->ledger, bill_a, &parking, NULL, &error));
  g_assert_true (tb_ledger_create_bill (f->ledger, 0, NULL, &bill_b, NULL, &error));
  g_assert_true (tb_ledger_add_line (f->ledger, bill_b, &consult, NULL, &error));
  g_assert_no_error (error);

  /* The simulator checks every line's VAT to 4 places, like QPay: a wrong one is refused. */
  whole = open_qr (f, bill_a, 1300000, &error);
  g_assert_no_error (error);
  info = tb_sim_server_get_invoice (f->sim, whole->provider_invoice_id);
  g_assert_cmpstr (info->invoice_code, ==, TB_SIM_DEMO_EBARIMT_INVOICE_CODE);

  part = open_qr (f, bill_b, 500000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (part->state, ==, TB_INTENT_PENDING);
}

/* ---- issue #16 ---- */

/* #3: an intent of another environment is never sent to this provider. */
static void
test_reconciler_own_environment (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) live = NULL;
  g_autoptr(TbIntent) sim = NULL;
  g_autoptr(TbIntent) reread = NULL;
  g_autoptr(TbReconciler) reconciler = NULL;
  gint64 bill_a = new_bill (f, 250000);
  gint64 bill_b = new_bill (f, 350000);
  guint before;
  Wait w = { 0 };

  /* Made while the app ran against live QPay; then the settings went back to the simulator. */
  live = tb_ledger_create_intent (f->ledger, bill_a, "QPAY", "live", 250000, &error);
  g_assert_no_error (error);
  g_assert_true (tb_ledger_intent_set_invoice (f->ledger, live->id, "d50f49f2-9032-4a74-8929-530531f28f63",
                                               "live-qr", NULL, NULL, 0, &error));
  sim = open_qr (f, bill_b, 350000, &error);
  g_assert_no_error (error);

  before = tb_sim_server_count_requests (f->sim, "POST /v2/payment/check");
  reconciler = tb_reconciler_new (f->service);
  tb_reconciler_set_timing (reconciler, 60000, 0);
  tb_reconciler_run_once_async (reconciler, NULL, reconcile_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);

  g_assert_cmpint (w.outcome.intent_id, ==, 1);   /* checked: the simulator's one only */
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check") - before, ==, 1);
  reread = tb_ledger_get_intent (f->ledger, live->id, &error);
  g_assert_cmpint (reread->check_count, ==, 0);
  g_assert_cmpint (reread->state, ==, TB_INTENT_PENDING);

  /* Asked for directly (a start-up sweep, `qpay check`): refused, nothing sent. */
  memset (&w, 0, sizeof w);
  tb_payment_service_check_async (f->service, live->id, NULL, check_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_error (w.error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED);
  g_clear_error (&w.error);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check") - before, ==, 1);
}

/* #5 and 13.1: two desks press Generate QR on one bill at the same moment. */
static void
test_two_desks_one_qr (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) other_ledger = tb_ledger_open (f->path, &error);
  g_autoptr(TbPaymentService) other = NULL;

  g_assert_no_error (error);
  /* The second desk: its own connection to the file and its own service. */
  other = tb_payment_service_new (other_ledger, TB_PAYMENT_PROVIDER (f->provider));
  tb_sim_server_set_latency (f->sim, 20);

  for (guint round = 0; round < 20; round++)
    {
      gint64 bill_id = new_bill (f, 100000 + round * 100);
      g_autofree char *sql = NULL;
      Wait a = { 0 }, b = { 0 };

      tb_payment_service_open_async (f->service, bill_id, 100000 + round * 100, NULL, open_cb, &a);
      tb_payment_service_open_async (other, bill_id, 100000 + round * 100, NULL, open_cb, &b);
      g_assert_true (tb_test_wait_for (&a.done, 10000));
      g_assert_true (tb_test_wait_for (&b.done, 10000));
      g_assert_no_error (a.error);
      g_assert_no_error (b.error);

      /* One intent, one invoice at the provider, the same QR on both screens. */
      g_assert_cmpint (a.intent->id, ==, b.intent->id);
      g_assert_cmpstr (a.intent->provider_invoice_id, ==, b.intent->provider_invoice_id);
      sql = g_strdup_printf ("SELECT COUNT(*) FROM payment_intents WHERE bill_id = %" G_GINT64_FORMAT, bill_id);
      g_assert_cmpint (tb_test_sql_int (f->path, sql), ==, 1);
      g_clear_pointer (&a.intent, tb_intent_free);
      g_clear_pointer (&b.intent, tb_intent_free);
    }
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 20);
  tb_test_release_and_wait (g_steal_pointer (&other));
}

static TbClock *
fake_clock (Fixture *f)
{
  TbClock *clock = tb_clock_new_fake (g_get_real_time ());

  tb_payment_service_set_clock (f->service, clock);
  return clock;
}

/* Advances @clock to its next timer and waits until the check that timer started is answered. */
static void
next_check (TbPaymentWatcher *watcher,
            TbClock          *clock)
{
  guint count = tb_payment_watcher_get_check_count (watcher);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (tb_clock_advance_to_next (clock));
  while (tb_payment_watcher_get_check_count (watcher) == count)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Clock: 3 s polling, back-off 3 → 6 → 12 → 24 → 30 s on network trouble, 3 s once it is over. */
static void
test_watcher_backoff_fake_clock (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbPaymentWatcher) watcher = NULL;
  g_autoptr(TbClock) clock = fake_clock (f);
  gint64 bill_id = new_bill (f, 700000);
  TbSimFault outage = { "/v2/payment/check", 503, TB_SIM_BODY_NORMAL, 0, FALSE, -1 };
  const guint expected[] = { 3000, 6000, 12000, 24000, 30000, 30000 };
  gint64 start;

  intent = open_qr (f, bill_id, 700000, &error);
  g_assert_no_error (error);
  watcher = tb_payment_watcher_new (f->service, intent->id, intent->expires_us);
  tb_payment_watcher_start (watcher);
  start = tb_clock_now_us (clock);
  g_assert_cmpint (tb_clock_get_next_deadline_us (clock), ==, start + 3 * G_USEC_PER_SEC);

  next_check (watcher, clock);
  g_assert_cmpuint (tb_payment_watcher_get_next_delay (watcher), ==, 3000);
  g_assert_cmpint (tb_clock_get_next_deadline_us (clock), ==, tb_clock_now_us (clock) + 3 * G_USEC_PER_SEC);

  tb_sim_server_add_fault (f->sim, &outage);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      next_check (watcher, clock);
      g_assert_true (tb_payment_watcher_get_connection_problem (watcher));
      g_assert_cmpuint (tb_payment_watcher_get_next_delay (watcher), ==, expected[i]);
      g_assert_cmpint (tb_clock_get_next_deadline_us (clock), ==,
                       tb_clock_now_us (clock) + (gint64) expected[i] * 1000);
      g_assert_cmpuint (tb_clock_get_n_timers (clock), ==, 1);
    }

  tb_sim_server_clear_faults (f->sim);
  next_check (watcher, clock);
  g_assert_false (tb_payment_watcher_get_connection_problem (watcher));
  g_assert_cmpuint (tb_payment_watcher_get_next_delay (watcher), ==, 3000);
  tb_payment_watcher_stop (watcher);
  g_assert_cmpuint (tb_clock_get_n_timers (clock), ==, 0);
}

/* #6: stop() then start() while a check is in flight must not stall the watcher. */
static void
test_watcher_restart_in_flight (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbPaymentWatcher) watcher = NULL;
  g_autoptr(TbClock) clock = fake_clock (f);
  gint64 bill_id = new_bill (f, 700000);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint count;

  intent = open_qr (f, bill_id, 700000, &error);
  g_assert_no_error (error);
  tb_sim_server_set_latency (f->sim, 100);
  watcher = tb_payment_watcher_new (f->service, intent->id, intent->expires_us);
  tb_payment_watcher_start (watcher);

  /* The first check goes out; the QR window closes and opens again before its answer. */
  count = tb_payment_watcher_get_check_count (watcher);
  g_assert_true (tb_clock_advance_to_next (clock));
  g_assert_cmpint (tb_payment_watcher_get_status (watcher), ==, TB_WATCH_CHECKING);
  tb_payment_watcher_stop (watcher);
  tb_payment_watcher_start (watcher);
  /* …and its 3 s pass while the old answer is still on its way. */
  tb_clock_advance (clock, 3 * G_USEC_PER_SEC);

  /* The old answer comes in: the watcher must keep polling (a check in flight, or the next one
   * armed 3 s on), not stall. */
  while (tb_payment_watcher_get_check_count (watcher) == count)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  while (tb_clock_get_n_timers (clock) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_cmpuint (tb_clock_get_n_timers (clock), ==, 1);
  g_assert_cmpint (tb_clock_get_next_deadline_us (clock), ==, tb_clock_now_us (clock) + 3 * G_USEC_PER_SEC);
  next_check (watcher, clock);
  g_assert_cmpuint (tb_clock_get_n_timers (clock), ==, 1);
}

/* 13.3: a second payment on an already-paid QR is found by the slower pass. */
static void
test_second_payment_on_paid_qr (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbReconciler) reconciler = NULL;
  g_autoptr(TbClock) clock = fake_clock (f);
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  gint64 bill_id = new_bill (f, 500000);
  TbCheckOutcome outcome;
  Wait w = { 0 };

  intent = open_qr (f, bill_id, 500000, &error);
  p1 = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);
  outcome = check_ok (f, intent->id);
  g_assert_cmpint (outcome.state, ==, TB_INTENT_PAID);

  /* The customer's bank app sends the same QR again. */
  p2 = tb_sim_server_pay_invoice (f->sim, intent->provider_invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);

  reconciler = tb_reconciler_new (f->service);
  tb_reconciler_set_clock (reconciler, clock);
  tb_reconciler_set_timing (reconciler, 60000, 0);
  /* Just checked: not yet. */
  tb_reconciler_run_once_async (reconciler, NULL, reconcile_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_cmpuint (w.outcome.newly_settled, ==, 0);

  /* Ten minutes later: the paid QR is looked at again and the second payment recorded. */
  tb_clock_advance (clock, (gint64) (TB_RECONCILER_SETTLED_GAP_S + 1) * G_USEC_PER_SEC);
  memset (&w, 0, sizeof w);
  tb_reconciler_run_once_async (reconciler, NULL, reconcile_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.outcome.newly_settled, ==, 1);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM payments"), ==, 2);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT overpaid FROM bills"), ==, 1);
}

/* 13.2: a cancel whose answer is lost is an unknown outcome; asking again settles it. */
static void
test_cancel_lost_stays_open (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  g_autoptr(TbIntent) reread = NULL;
  gint64 bill_id = new_bill (f, 800000);
  TbSimFault lost = { "/v2/invoice/", 0, TB_SIM_BODY_NORMAL, 0, TRUE, 1 };
  Wait w = { 0 };

  intent = open_qr (f, bill_id, 800000, &error);
  g_assert_no_error (error);
  tb_sim_server_add_fault (f->sim, &lost);

  tb_payment_service_cancel_async (f->service, intent->id, NULL, cancel_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_error (w.error, TB_QPAY_ERROR, TB_QPAY_ERROR_TIMEOUT);
  g_clear_error (&w.error);
  reread = tb_ledger_get_intent (f->ledger, intent->id, &error);
  g_assert_cmpint (reread->state, ==, TB_INTENT_PENDING);
  g_assert_nonnull (reread->last_error);

  /* QPay did cancel it: asking again is safe (a cancel is idempotent) and now confirmed. */
  memset (&w, 0, sizeof w);
  tb_payment_service_cancel_async (f->service, intent->id, NULL, cancel_cb, &w);
  g_assert_true (tb_test_wait_for (&w.done, 10000));
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome.state, ==, TB_INTENT_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/tulbur/payment-flow/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("open-reuse-and-pay", test_open_reuse_and_pay);
  ADD ("bad-amounts", test_bad_amounts);
  ADD ("new-amount-cancels-old", test_new_amount_cancels_old);
  ADD ("partial-then-rest", test_partial_then_rest);
  ADD ("paid-twice-is-flagged", test_paid_twice_is_flagged);
  ADD ("paid-after-cancel", test_paid_after_cancel);
  ADD ("cancel-paid-invoice-settles", test_cancel_paid_invoice_settles);
  ADD ("concurrent-checks-join", test_concurrent_checks_join);
  ADD ("create-timeout-reuses-number", test_create_timeout_reuses_number);
  ADD ("watcher-backoff-and-recovery", test_watcher_backoff_and_recovery);
  ADD ("watcher-one-request-in-flight", test_watcher_one_request_in_flight);
  ADD ("reconciler-settles-and-expires", test_reconciler_settles_and_expires);
  ADD ("reconciler-idle-and-restart", test_reconciler_idle_and_restart);
  ADD ("ebarimt-invoice-form", test_ebarimt_invoice_form);
  ADD ("reconciler-own-environment", test_reconciler_own_environment);
  ADD ("two-desks-one-qr", test_two_desks_one_qr);
  ADD ("watcher-backoff-fake-clock", test_watcher_backoff_fake_clock);
  ADD ("watcher-restart-in-flight", test_watcher_restart_in_flight);
  ADD ("second-payment-on-paid-qr", test_second_payment_on_paid_qr);
  ADD ("cancel-lost-stays-open", test_cancel_lost_stays_open);
#undef ADD

  return g_test_run ();
}
