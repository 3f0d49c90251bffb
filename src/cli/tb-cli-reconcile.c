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
#include "services/tb-service-error.h"

#include "tb-cli.h"

#define MAX_INTERVAL_S (24 * 3600)
/* --once ends within this many seconds unless --deadline says otherwise: a hanging QPay must
 * not hold a cron job (or the next one) for long. */
#define DEFAULT_DEADLINE_S 120
#define MAX_DEADLINE_S     (24 * 3600)

typedef struct
{
  TbCli            *cli;
  TbReconciler     *reconciler;
  gboolean          receipts;
  GMainLoop        *loop;
  GCancellable     *cancellable;
  guint             interval_s;
  guint             timeout_id;
  gboolean          pass_running;
  gboolean          stopping;
} Watch;

static void run_pass (Watch *watch);

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
            gboolean                receipts,
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
  if (receipts)
    {
      /* TRANSLATORS: e-receipts (Ebarimt) registered with the tax office by this run */
      g_print ("%s %u\n", _("E-receipts registered:"), stats->receipts);
      /* TRANSLATORS: e-receipts that failed; they are tried again later */
      g_print ("%s %u\n", _("E-receipts failed:"), stats->receipts_failed);
    }
}

/* Prints the counts (JSON stays JSON) and fails when checks failed or time ran out: cron
 * and scripts see exit 1 and the reason on stderr. */
static gboolean
reconcile_once (TbCli     *cli,
                TbStack   *stack,
                guint      deadline_s,
                GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  TbClock *clock = tb_stack_get_clock (stack);
  TbReconcileStats total = { 0 };
  gboolean ok;

  tb_stack_reconcile_once_async (stack, tb_clock_now_us (clock) + (gint64) deadline_s * G_USEC_PER_SEC,
                                 NULL, tb_cli_store_result, &result);
  tb_cli_wait (&result);
  ok = tb_stack_reconcile_once_finish (stack, result, &total, &local_error);

  /* A pass that could not even read the ledger has nothing to count. */
  if (ok || local_error->domain == TB_SERVICE_ERROR)
    print_once (cli, tb_receipt_queue_get_enabled (tb_stack_get_receipt_queue (stack)), &total);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

/* ---- continuous ---- */

static void
print_pass (TbCli                  *cli,
            gboolean                receipts,
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
      if (receipts)
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
    print_pass (watch->cli, watch->receipts, &stats);
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
  /* The background rule (docs/payment-intents.md): an intent checked within the last two minutes is left
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
                        TbStack      *stack,
                        guint         interval_s)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Watch watch = { 0 };
  guint int_id;
  guint term_id;

  watch.cli = cli;
  watch.reconciler = tb_stack_get_reconciler (stack);
  watch.receipts = tb_receipt_queue_get_enabled (tb_stack_get_receipt_queue (stack));
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

static gboolean
parse_seconds (const char  *text,
               const char  *option,
               guint        max,
               guint64     *out,
               GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL) || text[0] == '+' ||
      !g_ascii_string_to_unsigned (text, 10, 1, max, out, NULL))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   /* TRANSLATORS: %s is an option: --interval or --deadline */
                   _("%s: use a whole number of seconds from 1 to %u"), option, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
tb_cli_reconcile (TbCli    *cli,
                  char   ***args,
                  GError  **error)
{
  g_autofree char *interval_arg = NULL;
  g_autofree char *deadline_arg = NULL;
  TbStack *stack;
  gboolean once = FALSE;
  guint64 interval_s = TB_RECONCILER_PERIOD_S;
  guint64 deadline_s = DEFAULT_DEADLINE_S;
  const GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("Check every open QR payment once, print the counts and exit"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval_arg,
      N_("Seconds between passes when running continuously (default: 60)"), N_("SECONDS") },
    { "deadline", 0, 0, G_OPTION_ARG_STRING, &deadline_arg,
      N_("With --once: stop after this many seconds, whatever is left (default: 120)"),
      N_("SECONDS") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error))
    return FALSE;
  if (!parse_seconds (interval_arg, "--interval", MAX_INTERVAL_S, &interval_s, error) ||
      !parse_seconds (deadline_arg, "--deadline", MAX_DEADLINE_S, &deadline_s, error))
    return FALSE;

  if (!(stack = tb_cli_get_stack (cli, error)))
    return FALSE;

  if (once)
    return reconcile_once (cli, stack, (guint) deadline_s, error);
  return reconcile_continuously (cli, stack, (guint) interval_s);
}
