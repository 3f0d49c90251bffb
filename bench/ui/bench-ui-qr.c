/* bench-ui-qr.c: from "Generate QR" to the QR painted, against QPay's own answer time
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run under a display (the GUI test environment of HACKING.md), e.g.
 *   GSK_RENDERER=cairo GDK_DEBUG=gl-disable GTK_A11Y=none GDK_BACKEND=x11 \
 *   GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=_build/data \
 *   dbus-run-session -- xvfb-run -a -s '-screen 0 1280x1024x24' \
 *   _build/bench/ui/bench-ui-qr [--rounds N] [--latency MS]
 *
 * Two measurements, alternating round by round over fresh bills in one ledger, against the
 * QPay simulator answering after --latency ms (default 150, what demo mode uses). The simulator
 * runs in a thread of its own, as a real server would: its latency passes while the app's main
 * thread works, exactly as QPay's does.
 *   A  the receptionist's view: Generate QR pressed in the real TbWindow (payment panel →
 *      payment service → ledger → simulator → ledger) until the QR window's first painted
 *      frame (GdkFrameClock::after-paint);
 *   B  the same tb_payment_service_open_async() for the same kind of bill, with no window:
 *      the ledger writes and the simulator's answer, which the app cannot make faster.
 * A − B (medians) is what the app adds on top: what it cannot do while QPay is thinking
 * (encoding the QR, the texture, the frame that shows it) plus whatever of the window's
 * construction and first frame did not fit in the wait. Goal: ≤ 5 ms. With --latency 0 nothing
 * can overlap the wait, so A − B is then the whole cost of opening the window.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tb-money.h"
#include "tb-payment-panel.h"
#include "tb-qpay-setup.h"
#include "tb-qr-window.h"
#include "tb-test-utils.h"
#include "tb-window.h"

#define GOAL_MS 5.0
#define WARMUP  3

typedef struct
{
  gint64   start_us;
  gint64   end_us;
  gboolean done;
} Timing;

static void
after_paint_cb (GdkFrameClock *clock,
                Timing        *timing)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, timing);
  timing->end_us = g_get_monotonic_time ();
  timing->done = TRUE;
}

/* Runs inside the bill page's own handler chain, right after the QR window was presented. */
static void
qr_ready_cb (TbPaymentPanel *panel,
             gpointer        intent_pointer,
             Timing         *timing)
{
  const TbIntent *intent = intent_pointer;
  TbQrWindow *window = tb_qr_window_find (intent->id);

  g_assert (window != NULL);
  g_assert (gtk_widget_get_realized (GTK_WIDGET (window)));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), timing);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Timing *timing = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;

  intent = tb_payment_service_open_finish (TB_PAYMENT_SERVICE (object), result, &error);
  if (intent == NULL)
    g_error ("open: %s", error->message);

  timing->end_us = g_get_monotonic_time ();
  timing->done = TRUE;
}

/* ---- small helpers (the bench links no test library) ---- */

static GtkWidget *
find_widget (GtkWidget  *root,
             const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
get_widget (GtkWidget  *root,
            const char *name)
{
  GtkWidget *widget = find_widget (root, name);

  if (widget == NULL)
    g_error ("No widget named “%s”", name);

  return widget;
}

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
wait_until (gboolean (*condition) (gpointer),
            gpointer  data,
            guint     timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, deadline_cb, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);

  return condition (data);
}

/* 12 500 ₮ in two lines, written directly (outside any timing). */
/* ---- the simulator's thread ---- */

typedef struct
{
  GMutex        mutex;
  GCond         cond;
  GMainContext *context;
  GMainLoop    *loop;
  TbSimServer  *sim;
  guint         latency_ms;
  gboolean      ready;
} SimThread;

static gpointer
sim_thread_main (gpointer data)
{
  SimThread *thread = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  TbSimServer *sim;

  g_main_context_push_thread_default (context);
  sim = tb_sim_server_new ();
  if (!tb_sim_server_start (sim, 0, &error))
    g_error ("%s", error->message);
  tb_sim_server_set_latency (sim, thread->latency_ms);

  g_mutex_lock (&thread->mutex);
  thread->context = g_main_context_ref (context);
  thread->loop = g_main_loop_ref (loop);
  thread->sim = g_object_ref (sim);
  thread->ready = TRUE;
  g_cond_signal (&thread->cond);
  g_mutex_unlock (&thread->mutex);

  g_main_loop_run (loop);

  tb_sim_server_stop (sim);
  g_object_unref (sim);
  g_main_context_pop_thread_default (context);

  return NULL;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gint64
new_bill (TbLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  TbLineInput first = { .description = "Consultation", .quantity_milli = 1000,
                        .unit_price = 1100000, .vat = TRUE };
  TbLineInput second = { .description = "Bandage", .quantity_milli = 1000,
                         .unit_price = 150000, .vat = TRUE };
  gint64 bill_id = 0;

  if (!tb_ledger_create_bill (ledger, 0, NULL, &bill_id, NULL, &error) ||
      !tb_ledger_add_line (ledger, bill_id, &first, NULL, &error) ||
      !tb_ledger_add_line (ledger, bill_id, &second, NULL, &error))
    g_error ("%s", error->message);

  return bill_id;
}

static GtkWidget *
find_qr_window (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWidget *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (TB_IS_QR_WINDOW (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  if (values->len == 0)
    return 0;
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2;
}

static gboolean
ready_cb (gpointer user_data)
{
  return tb_qpay_setup_get_payment_service (user_data) != NULL;
}

static gboolean
mapped_cb (gpointer user_data)
{
  return gtk_widget_get_mapped (user_data);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = NULL;
  SimThread sim_thread = { 0 };
  GThread *thread;
  g_autoptr(TbQpaySetup) setup = NULL;
  g_autoptr(GArray) with_window = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) service_only = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *db_path = NULL;
  char *tmpdir;
  g_autoptr(GtkApplication) application = NULL;
  TbWindow *window;
  GtkWidget *panel;
  int rounds = 30;
  int latency_ms = 150;
  double a, b;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (g_strcmp0 (argv[i], "--rounds") == 0)
        rounds = MAX (1, atoi (argv[i + 1]));
      else if (g_strcmp0 (argv[i], "--latency") == 0)
        latency_ms = MAX (0, atoi (argv[i + 1]));
    }

  if (!gtk_init_check ())
    {
      fprintf (stderr, "bench-ui-qr needs a display (run it under xvfb-run)\n");
      return 77;
    }
  adw_init ();
  application = gtk_application_new ("io.github.tulbur.Tulbur.BenchQr", G_APPLICATION_NON_UNIQUE);
  g_application_set_resource_base_path (G_APPLICATION (application), RESOURCE_PREFIX);
  g_application_register (G_APPLICATION (application), NULL, NULL);

  tmpdir = tb_test_tmpdir_new ();
  db_path = g_build_filename (tmpdir, "bench.db", NULL);
  ledger = tb_ledger_open (db_path, &error);
  if (ledger == NULL)
    g_error ("%s", error->message);

  g_mutex_init (&sim_thread.mutex);
  g_cond_init (&sim_thread.cond);
  sim_thread.latency_ms = (guint) latency_ms;
  thread = g_thread_new ("bench-sim", sim_thread_main, &sim_thread);
  g_mutex_lock (&sim_thread.mutex);
  while (!sim_thread.ready)
    g_cond_wait (&sim_thread.cond, &sim_thread.mutex);
  g_mutex_unlock (&sim_thread.mutex);

  /* Demo mode over the bench's simulator: the same stack the app builds. */
  setup = tb_qpay_setup_new (ledger, NULL);
  tb_qpay_setup_use_sim (setup, sim_thread.sim);
  tb_qpay_setup_start (setup);
  if (!wait_until (ready_cb, setup, 10000))
    g_error ("QPay did not start: %s", tb_qpay_setup_get_problem (setup));

  window = tb_window_new (application, ledger, NULL);
  tb_window_set_qpay_setup (window, setup);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 900);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (mapped_cb, window, 5000);

  for (int round = 0; round < rounds + WARMUP; round++)
    {
      TbPaymentService *service = tb_qpay_setup_get_payment_service (setup);
      Timing timing = { 0 };
      gint64 bill_id;
      GtkWidget *qr;
      gulong handler;

      /* A: the window, from the press to the painted QR. */
      bill_id = new_bill (ledger);
      tb_window_reload (window);
      if (!tb_window_open_bill (window, bill_id))
        g_error ("bill %" G_GINT64_FORMAT " not shown", bill_id);
      panel = get_widget (GTK_WIDGET (window), "payment-panel");
      gtk_check_button_set_active (GTK_CHECK_BUTTON (get_widget (GTK_WIDGET (window), "method-qpay")), TRUE);
      spin (30);

      handler = g_signal_connect_after (panel, "qr-ready", G_CALLBACK (qr_ready_cb), &timing);
      timing.start_us = g_get_monotonic_time ();
      g_signal_emit_by_name (get_widget (GTK_WIDGET (window), "generate-qpay"), "clicked");
      if (!tb_test_wait_for (&timing.done, 10000))
        g_error ("the QR was not painted");
      g_signal_handler_disconnect (panel, handler);
      if (round >= WARMUP)
        {
          double ms = (timing.end_us - timing.start_us) / 1000.0;

          g_array_append_val (with_window, ms);
        }

      qr = find_qr_window ();
      if (qr != NULL)
        gtk_window_destroy (GTK_WINDOW (qr));
      spin (30);

      /* B: the same service call, nothing on screen. */
      memset (&timing, 0, sizeof timing);
      bill_id = new_bill (ledger);
      timing.start_us = g_get_monotonic_time ();
      tb_payment_service_open_async (service, bill_id, 1250000, NULL, opened_cb, &timing);
      if (!tb_test_wait_for (&timing.done, 10000))
        g_error ("open_async did not finish");
      if (round >= WARMUP)
        {
          double ms = (timing.end_us - timing.start_us) / 1000.0;

          g_array_append_val (service_only, ms);
        }
      spin (10);
    }

  a = median (with_window);
  b = median (service_only);
  printf ("rounds\t%d (after %d warm-up)\n", rounds, WARMUP);
  printf ("simulator latency\t%d ms\n", latency_ms);
  printf ("A: Generate QR → QR painted (median)\t%.2f ms\n", a);
  printf ("B: open_async alone (median)\t%.2f ms\n", b);
  printf ("app overhead A − B\t%.2f ms (goal ≤ %.0f ms): %s\n", a - b, GOAL_MS,
          a - b <= GOAL_MS ? "met" : "NOT met");

  gtk_window_destroy (GTK_WINDOW (window));
  tb_qpay_setup_stop (setup);
  g_clear_object (&setup);
  spin (50);

  g_main_context_invoke (sim_thread.context, quit_loop_cb, sim_thread.loop);
  g_thread_join (thread);
  g_clear_object (&sim_thread.sim);
  g_main_loop_unref (sim_thread.loop);
  g_main_context_unref (sim_thread.context);
  tb_test_tmpdir_free (tmpdir);

  return 0;
}
