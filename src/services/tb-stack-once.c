/* tb-stack-once.c: `reconcile --once`, one bounded run over every open intent
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"
#include "tb-service-error.h"
#include "tb-stack.h"

/* Bounds the batches (and so the intents one run checks). */
#define MAX_ONCE_PASSES  100
/* How often a bounded run hands the requests the time that is left. */
#define DEADLINE_TICK_MS 100
/* Reasons quoted when checks failed, and the intents looked at to find them. */
#define MAX_REASONS      3
#define MAX_FAILED_SCAN  1000

typedef struct
{
  gint64            deadline_us;
  gint64            started_us;
  guint             pass;
  guint             timeout_ms;      /* the configured request timeout */
  TbReconcileStats  total;
  GCancellable     *cancellable;     /* the passes': cancelled at the deadline too */
  gulong            cancelled_id;
  guint             tick_id;
  guint             deadline_id;
  gboolean          timed_out;
  GPtrArray        *reasons;         /* distinct last_error texts of failed checks */
} Once;

static void
once_free (Once *once)
{
  g_clear_object (&once->cancellable);
  g_clear_pointer (&once->reasons, g_ptr_array_unref);
  g_free (once);
}

/* Every request gets at most the time that is left; past the deadline, nothing is retried. */
static void
hand_out_time (TbStack *self,
               Once    *once)
{
  TbQpayClient *client = tb_stack_get_client (self);
  gint64 left_ms = (once->deadline_us - tb_clock_now_us (tb_stack_get_clock (self))) / 1000;

  tb_qpay_client_set_timeout (client, (guint) CLAMP (left_ms, 1, (gint64) once->timeout_ms));
  if (left_ms <= 0)
    tb_qpay_client_set_retry (client, 1, TB_QPAY_CLIENT_DEFAULT_BACKOFF_MS,
                              TB_QPAY_CLIENT_DEFAULT_BACKOFF_MAX_MS);
}

static gboolean
tick_cb (gpointer user_data)
{
  GTask *task = user_data;

  hand_out_time (g_task_get_source_object (task), g_task_get_task_data (task));
  return G_SOURCE_CONTINUE;
}

static gboolean
deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Once *once = g_task_get_task_data (task);

  once->deadline_id = 0;
  once->timed_out = TRUE;
  hand_out_time (g_task_get_source_object (task), once);
  g_cancellable_cancel (once->cancellable);
  return G_SOURCE_REMOVE;
}

/* Restores what the run changed on the shared client and drops its timers. */
static void
once_end (GTask *task)
{
  TbStack *self = g_task_get_source_object (task);
  Once *once = g_task_get_task_data (task);
  TbClock *clock = tb_stack_get_clock (self);

  tb_clock_clear (clock, &once->tick_id);
  tb_clock_clear (clock, &once->deadline_id);
  g_cancellable_disconnect (g_task_get_cancellable (task), once->cancelled_id);
  once->cancelled_id = 0;
  tb_reconciler_set_timing (tb_stack_get_reconciler (self),
                            tb_stack_get_config (self)->timing.reconcile_period_ms,
                            tb_stack_get_config (self)->timing.reconcile_min_gap_ms);
  tb_qpay_client_set_timeout (tb_stack_get_client (self), once->timeout_ms);
  tb_qpay_client_set_retry (tb_stack_get_client (self), TB_QPAY_CLIENT_DEFAULT_ATTEMPTS,
                            TB_QPAY_CLIENT_DEFAULT_BACKOFF_MS, TB_QPAY_CLIENT_DEFAULT_BACKOFF_MAX_MS);
}

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

/* ---- the reasons ---- */

typedef struct
{
  gint64     since_us;
  GPtrArray *reasons;
} Reasons;

/* Failed checks leave their (translated, secret-free) message on the intent. */
static gboolean
reasons_step (TbLedger  *ledger,
              gpointer   op,
              GError   **error)
{
  Reasons *reasons = op;
  g_autoptr(GPtrArray) open = tb_ledger_list_intents (ledger, TB_INTENT_FILTER_OPEN, 0,
                                                      MAX_FAILED_SCAN, error);

  if (open == NULL)
    return FALSE;
  for (guint i = 0; i < open->len && reasons->reasons->len < MAX_REASONS; i++)
    {
      const TbIntent *intent = open->pdata[i];

      if (intent->last_error != NULL && intent->last_check_us >= reasons->since_us &&
          !g_ptr_array_find_with_equal_func (reasons->reasons, intent->last_error, g_str_equal, NULL))
        g_ptr_array_add (reasons->reasons, g_strdup (intent->last_error));
    }
  return TRUE;
}

static void
return_failed (GTask *task)
{
  Once *once = g_task_get_task_data (task);
  g_autofree char *why = NULL;

  g_ptr_array_add (once->reasons, NULL);
  why = once->reasons->len > 1 ? g_strjoinv ("; ", (char **) once->reasons->pdata)
                               : g_strdup (_("the reason was not recorded"));
  g_task_return_new_error (task, TB_SERVICE_ERROR, TB_SERVICE_ERROR_FAILED,
                           /* TRANSLATORS: "2 of 3 QR payment checks failed: <QPay's reason>". They are
                            * tried again on the next run. */
                           g_dngettext (GETTEXT_PACKAGE,
                                        "%u of %u QR payment check failed: %s",
                                        "%u of %u QR payment checks failed: %s",
                                        once->total.failed),
                           once->total.failed, once->total.checked, why);
}

static void
reasons_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Once *once = g_task_get_task_data (task);
  Reasons *reasons = tb_ledger_task_get_op (result);

  if (tb_ledger_task_finish (result, NULL))
    once->reasons = g_ptr_array_ref (reasons->reasons);
  else
    once->reasons = g_ptr_array_new_with_free_func (g_free);
  return_failed (task);
}

static void
reasons_free (Reasons *reasons)
{
  g_clear_pointer (&reasons->reasons, g_ptr_array_unref);
  g_free (reasons);
}

/* ---- the passes ---- */

static void
once_return (GTask  *task,
             GError *error)
{
  TbStack *self = g_task_get_source_object (task);
  Once *once = g_task_get_task_data (task);
  Reasons *reasons;

  once_end (task);

  if (once->timed_out && (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, TB_SERVICE_ERROR, TB_SERVICE_ERROR_DEADLINE,
                               _("The run stopped at its deadline: %u open QR payments were checked, "
                                 "%u of them failed. Those not checked are checked on the next run."),
                               once->total.checked, once->total.failed);
    }
  else if (error != NULL)
    g_task_return_error (task, error);
  else if (once->total.failed == 0)
    g_task_return_boolean (task, TRUE);
  else
    {
      reasons = g_new0 (Reasons, 1);
      reasons->since_us = once->started_us;
      reasons->reasons = g_ptr_array_new_with_free_func (g_free);
      tb_ledger_task_run (tb_stack_get_ledger (self), self, reasons_step, reasons,
                          (GDestroyNotify) reasons_free, NULL, reasons_done, g_object_ref (task));
    }
  g_object_unref (task);
}

static void run_pass (GTask *task);

static void
pass_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Once *once = g_task_get_task_data (task);
  TbReconcileStats stats = { 0 };
  GError *error = NULL;

  if (!tb_reconciler_run_once_finish (TB_RECONCILER (object), result, &stats, &error))
    {
      once_return (task, error);
      return;
    }
  add_stats (&once->total, &stats);

  /* A batch that is not full was the last. */
  if (stats.checked < TB_RECONCILER_BATCH || once->pass >= MAX_ONCE_PASSES || once->timed_out)
    {
      once_return (task, NULL);
      return;
    }
  run_pass (task);
}

/* One pass takes at most TB_RECONCILER_BATCH intents, oldest first, and skips those checked
 * within its minimum gap. Asked for by hand, every open intent is looked at once: the first
 * batch has no gap at all; later batches skip what was checked since this run started (with a
 * second of margin, so that the reconciler's own clock reading, taken a little later in its
 * thread, never lets an intent in twice). */
static void
run_pass (GTask *task)
{
  TbStack *self = g_task_get_source_object (task);
  Once *once = g_task_get_task_data (task);
  TbReconciler *reconciler = tb_stack_get_reconciler (self);
  gint64 gap_ms = 0;

  if (once->pass++ > 0)
    gap_ms = (tb_clock_now_us (tb_stack_get_clock (self)) - once->started_us) / 1000 + 1000;
  tb_reconciler_set_timing (reconciler, tb_stack_get_config (self)->timing.reconcile_period_ms,
                            (guint) MIN (gap_ms, (gint64) G_MAXUINT));
  hand_out_time (self, once);
  tb_reconciler_run_once_async (reconciler, once->cancellable, pass_done, task);
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

void
tb_stack_reconcile_once_async (TbStack             *self,
                               gint64               deadline_us,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  TbClock *clock;
  GTask *task;
  Once *once;
  gint64 left_ms;

  g_return_if_fail (TB_IS_STACK (self));

  clock = tb_stack_get_clock (self);
  once = g_new0 (Once, 1);
  once->deadline_us = deadline_us;
  once->started_us = tb_clock_now_us (clock);
  once->timeout_ms = tb_stack_get_config (self)->timing.request_timeout_ms;
  if (once->timeout_ms == 0)
    once->timeout_ms = TB_QPAY_CLIENT_DEFAULT_TIMEOUT_MS;
  once->cancellable = g_cancellable_new ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_stack_reconcile_once_async);
  g_task_set_task_data (task, once, (GDestroyNotify) once_free);

  if (cancellable != NULL)
    once->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                g_object_ref (once->cancellable), g_object_unref);
  left_ms = MAX ((deadline_us - once->started_us) / 1000, 0);
  once->deadline_id = tb_clock_timeout_add (clock, (guint) MIN (left_ms, (gint64) G_MAXUINT),
                                            deadline_cb, task, NULL);
  once->tick_id = tb_clock_timeout_add (clock, DEADLINE_TICK_MS, tick_cb, task, NULL);
  run_pass (task);
}

gboolean
tb_stack_reconcile_once_finish (TbStack           *self,
                                GAsyncResult      *result,
                                TbReconcileStats  *out_stats,
                                GError           **error)
{
  Once *once;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  once = g_task_get_task_data (G_TASK (result));
  if (out_stats != NULL)
    *out_stats = once->total;
  return g_task_propagate_boolean (G_TASK (result), error);
}
