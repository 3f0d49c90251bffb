/* bench-qr-flow.c: what Tulbur adds between "Generate QR" and having the QR, and how often it
 * wakes up with nothing pending
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "providers/tb-qpay-provider.h"
#include "services/tb-payment-service.h"
#include "services/tb-reconciler.h"
#include "sim/tb-sim-server.h"

/* 1. Overhead: the whole open (plan, commit the intent, create the invoice, store it) against
 *    the bare client call to the same simulator (the baseline, the provider's own time), in
 *    alternating rounds; the difference is Tulbur's overhead (goal ≤ 5 ms). The UI's part
 *    (painting the QR) is measured by bench/ui.
 * 2. Idle wake-ups: the main loop with the reconciler started over a ledger with nothing
 *    pending, against a bare main loop, counting poll() returns for a while (goal 0/min). */

static gboolean done;

static void
open_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = tb_payment_service_open_finish (TB_PAYMENT_SERVICE (o), r, &error);

  if (intent == NULL)
    g_error ("open: %s", error->message);
  done = TRUE;
}

static void
create_cb (GObject *o, GAsyncResult *r, gpointer d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = tb_qpay_client_create_invoice_finish (TB_QPAY_CLIENT (o), r, &error);

  if (invoice == NULL)
    g_error ("create: %s", error->message);
  done = TRUE;
}

static void
spin (void)
{
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  done = FALSE;
}

static guint polls;
static GPollFunc real_poll;

static gint
counting_poll (GPollFD *fds,
               guint    nfds,
               gint     timeout)
{
  polls++;
  return real_poll (fds, nfds, timeout);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static guint
count_wakeups (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  polls = 0;
  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
  /* One return is the end-of-measurement timeout itself. */
  return polls > 0 ? polls - 1 : 0;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tulbur-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  g_autoptr(TbSimServer) sim = tb_sim_server_new ();
  g_autoptr(TbQpayConfig) config = NULL;
  g_autoptr(TbQpayClient) client = NULL;
  g_autoptr(TbQpayProvider) provider = NULL;
  g_autoptr(TbPaymentService) service = NULL;
  g_autoptr(TbReconciler) reconciler = NULL;
  int rounds = argc > 1 ? atoi (argv[1]) : 40;
  g_autofree double *ours = g_new0 (double, rounds);
  g_autofree double *base = g_new0 (double, rounds);
  guint idle_ms = argc > 2 ? (guint) atoi (argv[2]) : 10000;
  guint bare, with_app;

  if (ledger == NULL || !tb_sim_server_start (sim, 0, &error))
    g_error ("%s", error->message);
  config = tb_sim_server_new_config (sim);
  client = tb_qpay_client_new (config, NULL, &error);
  provider = tb_qpay_provider_new (client);
  service = tb_payment_service_new (ledger, TB_PAYMENT_PROVIDER (provider));

  /* Warm up: the first call logs in. */
  {
    g_autoptr(TbQpayInvoiceRequest) req = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, "WARMUP1", "warm", 10000);
    tb_qpay_client_create_invoice_async (client, req, NULL, create_cb, NULL);
    spin ();
  }

  for (int i = 0; i < rounds; i++)
    {
      g_autofree char *number = g_strdup_printf ("BASE%d", i);
      g_autoptr(TbQpayInvoiceRequest) req = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, number, "Bill", 1250000);
      TbLineInput line = { "Service", 1000, 1250000, NULL, TRUE, FALSE };
      gint64 bill_id, t;

      tb_ledger_create_bill (ledger, 0, NULL, &bill_id, NULL, NULL);
      tb_ledger_add_line (ledger, bill_id, &line, NULL, NULL);

      t = g_get_monotonic_time ();
      tb_qpay_client_create_invoice_async (client, req, NULL, create_cb, NULL);
      spin ();
      base[i] = (g_get_monotonic_time () - t) / 1000.0;

      t = g_get_monotonic_time ();
      tb_payment_service_open_async (service, bill_id, 1250000, NULL, open_cb, NULL);
      spin ();
      ours[i] = (g_get_monotonic_time () - t) / 1000.0;
    }

  qsort (base, rounds, sizeof (double), compare);
  qsort (ours, rounds, sizeof (double), compare);
  printf ("generate QR (service level), %d rounds, medians:\n", rounds);
  printf ("  provider call alone (baseline) %.2f ms\n", base[rounds / 2]);
  printf ("  Tulbur open (intent committed, invoice created, stored) %.2f ms\n", ours[rounds / 2]);
  printf ("  ratio %.2fx, app overhead %.2f ms (goal <= 5 ms)\n", ours[rounds / 2] / base[rounds / 2],
          ours[rounds / 2] - base[rounds / 2]);

  /* Idle: settle everything first so nothing is pending. */
  {
    g_autoptr(GPtrArray) open = tb_ledger_list_intents (ledger, TB_INTENT_FILTER_OPEN, 0, 1000, NULL);
    for (guint i = 0; i < open->len; i++)
      tb_ledger_intent_set_state (ledger, ((TbIntent *) open->pdata[i])->id, TB_INTENT_CANCELLED, NULL, NULL);
  }
  tb_sim_server_stop (sim);

  real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, counting_poll);

  bare = count_wakeups (idle_ms);
  reconciler = tb_reconciler_new (service);
  tb_reconciler_start (reconciler);
  count_wakeups (500); /* let the start-up pass finish */
  with_app = count_wakeups (idle_ms);

  printf ("idle wake-ups over %.0f s with nothing pending: bare loop %u, with Tulbur's services %u; "
          "extra %.1f per minute (goal 0)\n", idle_ms / 1000.0, bare, with_app,
          ((double) with_app - bare) * 60000.0 / idle_ms);
  printf ("reconciler timer armed: %s\n", tb_reconciler_is_armed (reconciler) ? "yes" : "no");
  return 0;
}
