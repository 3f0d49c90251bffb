/* tb-cli-reconcile.c: tulbur-cli reconcile
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "services/tb-reconciler.h"

#include "tb-cli.h"

#define MAX_INTERVAL_S (24 * 3600)
/* --once goes through the open intents in batches of TB_RECONCILER_BATCH; this bounds the
 * number of batches (and so the intents one run checks). */
#define MAX_ONCE_PASSES 100

typedef struct
{
  TbCli            *cli;
  TbReconciler     *reconciler;
  GMainLoop        *loop;
  GCancellable     *cancellable;
  guint             interval_s;
  guint             timeout_id;
  gboolean          pass_running;
  gboolean          stopping;
} Watch;

static void run_pass (Watch *watch);

static void
add_stats (TbReconcileStats       *total,
           const TbReconcileStats *stats)
{
  total->checked += stats->checked;
  total->settled += stats->settled;
  total->expired += stats->expired;
  total->failed += stats->failed;
  total->receipts += stats->receipts;
  total->receipts_failed += stats->receipts_failed;
}

static void
build_stats (JsonBuilder            *builder,
             const TbReconcileStats *stats)
{
  json_builder_set_member_name (builder, "checked");
  json_builder_add_int_value (builder, stats->checked);
  json_builder_set_member_name (builder, "settled");
  json_builder_add_int_value (builder, stats->settled);
  json_builder_set_member_name (builder, "expired");
  json_builder_add_int_value (builder, stats->expired);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, stats->failed);
  tb_cli_json_add_int (builder, "receipts", stats->receipts);
  tb_cli_json_add_int (builder, "receipts_failed", stats->receipts_failed);
}

/* ---- --once ---- */

static void
print_once (TbCli                  *cli,
            const TbReconcileStats *stats)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      build_stats (builder, stats);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
      return;
    }

  /* TRANSLATORS: how many open QR payments were checked with QPay */
  g_print ("%s %u\n", _("QR payments checked:"), stats->checked);
  g_print ("%s %u\n", _("Payments recorded:"), stats->settled);
  g_print ("%s %u\n", _("QR payments expired:"), stats->expired);
  /* TRANSLATORS: checks that failed (network, QPay); they are tried again later */
  g_print ("%s %u\n", _("Checks failed:"), stats->failed);
  if (tb_receipt_queue_get_enabled (cli->receipts))
    {
      /* TRANSLATORS: e-receipts (Ebarimt) registered with the tax office by this run */
      g_print ("%s %u\n", _("E-receipts registered:"), stats->receipts);
      /* TRANSLATORS: e-receipts that failed; they are tried again later */
      g_print ("%s %u\n", _("E-receipts failed:"), stats->receipts_failed);
    }
}

static gboolean
reconcile_once (TbCli         *cli,
                TbReconciler  *reconciler,
                GError       **error)
{
  TbReconcileStats total = { 0 };
  gint64 started_us = g_get_real_time ();

  /* One pass of the reconciler takes at most TB_RECONCILER_BATCH intents, oldest first, and
   * skips those checked within its minimum gap. Asked for by hand, every open intent should
   * be looked at once: the first batch has no gap at all; later batches skip what was checked
   * since this command started (with a second of margin, so that the reconciler's own clock
   * reading, taken a little later in its thread, never lets an intent in twice), and a batch
   * that is not full was the last. */
  for (guint pass = 0; pass < MAX_ONCE_PASSES; pass++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      TbReconcileStats stats = { 0 };
      gint64 gap_ms = 0;

      if (pass > 0)
        gap_ms = (g_get_real_time () - started_us) / 1000 + 1000;
      tb_reconciler_set_timing (reconciler, TB_RECONCILER_PERIOD_S * 1000,
                                (guint) MIN (gap_ms, (gint64) G_MAXUINT));
      tb_reconciler_run_once_async (reconciler, NULL, tb_cli_store_result, &result);
      tb_cli_wait (&result);
      if (!tb_reconciler_run_once_finish (reconciler, result, &stats, error))
        return FALSE;

      add_stats (&total, &stats);
      if (stats.checked < TB_RECONCILER_BATCH)
        break;
    }

  print_once (cli, &total);
  return TRUE;
}

/* ---- continuous ---- */

static void
print_pass (TbCli                  *cli,
            const TbReconcileStats *stats)
{
  gint64 now_us = g_get_real_time ();

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *utc = tb_cli_format_utc (now_us);
      g_autofree char *line = NULL;

      /* One compact object per line (JSON Lines), so that a reader can take each pass as it
       * comes. */
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, utc);
      build_stats (builder, stats);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      line = json_generator_to_data (generator, NULL);
      fputs (line, stdout);
      fputc ('\n', stdout);
    }
  else
    {
      g_autofree char *when = tb_cli_format_local (now_us);

      /* TRANSLATORS: one line per reconciliation pass: the local time, then four counts */
      g_print (_("%s  checked %u, payments recorded %u, expired %u, failed %u"),
               when, stats->checked, stats->settled, stats->expired, stats->failed);
      if (tb_receipt_queue_get_enabled (cli->receipts))
        /* TRANSLATORS: continues the line above: e-receipts registered and failed */
        g_print (_("; e-receipts %u, failed %u"), stats->receipts, stats->receipts_failed);
      g_print ("\n");
    }

  /* Whoever reads the other end of a pipe sees each pass when it happens. */
  fflush (stdout);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Watch *watch = user_data;

  watch->timeout_id = 0;
  run_pass (watch);
  return G_SOURCE_REMOVE;
}

static void
pass_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Watch *watch = user_data;
  g_autoptr(GError) error = NULL;
  TbReconcileStats stats = { 0 };

  watch->pass_running = FALSE;

  if (tb_reconciler_run_once_finish (TB_RECONCILER (object), result, &stats, &error))
    print_pass (watch->cli, &stats);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The ledger could not be read (busy, disk): say so and try again next time. */
      g_printerr ("tulbur-cli: %s\n", error->message);
    }

  if (watch->stopping)
    {
      g_main_loop_quit (watch->loop);
      return;
    }
  watch->timeout_id = g_timeout_add_seconds (watch->interval_s, timeout_cb, watch);
}

static void
run_pass (Watch *watch)
{
  /* The background rule (DESIGN.md §5): an intent checked within the last two minutes is left
   * alone; a shorter --interval shortens that gap too, or it would skip every other pass. */
  guint gap_ms = MIN ((guint) TB_RECONCILER_MIN_GAP_S, watch->interval_s) * 1000;

  tb_reconciler_set_timing (watch->reconciler, watch->interval_s * 1000, gap_ms);
  watch->pass_running = TRUE;
  tb_reconciler_run_once_async (watch->reconciler, watch->cancellable, pass_done_cb, watch);
}

static gboolean
signal_cb (gpointer user_data)
{
  Watch *watch = user_data;

  /* Stop between checks: a request already sent still has its answer recorded (the service
   * lets it finish), then the pass ends and the loop quits. */
  watch->stopping = TRUE;
  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  g_cancellable_cancel (watch->cancellable);
  if (!watch->pass_running)
    g_main_loop_quit (watch->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
reconcile_continuously (TbCli        *cli,
                        TbReconciler *reconciler,
                        guint         interval_s)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Watch watch = { 0 };
  guint int_id;
  guint term_id;

  watch.cli = cli;
  watch.reconciler = reconciler;
  watch.loop = loop;
  watch.cancellable = cancellable;
  watch.interval_s = interval_s;

  /* Not tb_reconciler_start (): its timer sleeps while nothing is open and is woken only by
   * this process's own QRs, but here the QRs are made by the app and by other commands. */
  int_id = g_unix_signal_add (SIGINT, signal_cb, &watch);
  term_id = g_unix_signal_add (SIGTERM, signal_cb, &watch);
  run_pass (&watch);
  g_main_loop_run (loop);
  g_source_remove (int_id);
  g_source_remove (term_id);
  g_clear_handle_id (&watch.timeout_id, g_source_remove);

  return TRUE;
}

gboolean
tb_cli_reconcile (TbCli    *cli,
                  char   ***args,
                  GError  **error)
{
  g_autofree char *interval_arg = NULL;
  g_autoptr(TbReconciler) reconciler = NULL;
  TbPaymentService *service;
  gboolean once = FALSE;
  guint64 interval_s = TB_RECONCILER_PERIOD_S;
  const GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("Check every open QR payment once, print the counts and exit"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval_arg,
      N_("Seconds between passes when running continuously (default: 60)"), N_("SECONDS") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error))
    return FALSE;

  if (interval_arg != NULL &&
      (!g_utf8_validate (interval_arg, -1, NULL) || interval_arg[0] == '+' ||
       !g_ascii_string_to_unsigned (interval_arg, 10, 1, MAX_INTERVAL_S, &interval_s, NULL)))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   _("--interval: use a whole number of seconds from 1 to %u"),
                   (guint) MAX_INTERVAL_S);
      return FALSE;
    }

  if (!(service = tb_cli_get_payment_service (cli, error)))
    return FALSE;
  reconciler = tb_reconciler_new (service);
  /* Only when switched on: the queue would otherwise mark every waiting receipt SKIPPED,
   * including those a run with receipts on left to retry. */
  if (tb_receipt_queue_get_enabled (cli->receipts))
    tb_reconciler_set_receipt_queue (reconciler, cli->receipts);

  if (once)
    return reconcile_once (cli, reconciler, error);
  return reconcile_continuously (cli, reconciler, (guint) interval_s);
}
