/* tb-reconciler.c: the background pass over pending intents
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "core/tb-ledger-task.h"
#include "tb-reconciler.h"

struct _TbReconciler
{
  GObject           parent_instance;

  TbPaymentService *service;
  TbReceiptQueue   *receipts;
  gulong            changed_id;
  guint             timeout_id;
  guint             period_ms;
  guint             min_gap_ms;
  gboolean          started;
  gboolean          pass_running;
  GCancellable     *cancellable;
  TbClock          *clock;
};

G_DEFINE_FINAL_TYPE (TbReconciler, tb_reconciler, G_TYPE_OBJECT)

enum {
  PASS_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GPtrArray        *due;       /* TbIntent* */
  guint             next;
  gboolean          any_open;  /* after the pass: is anything still watched (re-arm)? */
  gboolean          receipts_done;
  TbReconcileStats  stats;
} Pass;

static void
pass_free (Pass *pass)
{
  g_clear_pointer (&pass->due, g_ptr_array_unref);
  g_free (pass);
}

/* The ledger questions of a pass, asked in a worker thread. */
typedef struct
{
  char             *provider;
  char             *environment;
  gint64            created_after_us;
  gint64            open_checked_before_us;
  gint64            closed_checked_before_us;
  guint             limit;
  gboolean          receipts;   /* also: is any receipt waiting for another attempt? */
  /* out */
  GPtrArray        *due;
} DueOp;

static void
due_op_free (DueOp *op)
{
  g_free (op->provider);
  g_free (op->environment);
  g_clear_pointer (&op->due, g_ptr_array_unref);
  g_free (op);
}

static gboolean
due_func (TbLedger  *ledger,
          gpointer   data,
          GError   **error)
{
  DueOp *op = data;

  op->due = tb_ledger_due_intents (ledger, op->provider, op->environment, op->created_after_us,
                                   op->open_checked_before_us, op->closed_checked_before_us,
                                   op->limit, error);
  if (op->due == NULL)
    return FALSE;

  /* Receipts waiting for another attempt keep the timer too. */
  if (op->due->len == 0 && op->receipts)
    {
      g_autoptr(GPtrArray) receipts = tb_ledger_list_receipts (ledger, TB_RECEIPT_FILTER_OPEN, 0, 1, NULL);

      if (receipts != NULL && receipts->len > 0)
        g_ptr_array_add (op->due, NULL);
    }
  return TRUE;
}

/* Intents of this service's provider and environment only: after a switch from the simulator
 * to live QPay, simulator invoices mean nothing to QPay. A gap < 0 means "any". */
static DueOp *
due_op_new (TbReconciler *self,
            gint64        open_gap_us,
            gint64        closed_gap_us,
            guint         limit)
{
  TbPaymentProvider *provider = tb_payment_service_get_provider (self->service);
  gint64 now = tb_clock_now_us (self->clock);
  DueOp *op = g_new0 (DueOp, 1);

  op->provider = g_strdup (tb_payment_provider_get_name (provider));
  op->environment = g_strdup (tb_payment_provider_get_environment (provider));
  op->created_after_us = now - (gint64) TB_RECONCILER_MAX_AGE_S * G_USEC_PER_SEC;
  op->open_checked_before_us = open_gap_us < 0 ? G_MAXINT64 : now - open_gap_us;
  op->closed_checked_before_us = closed_gap_us < 0 ? G_MAXINT64 : now - closed_gap_us;
  op->limit = limit;
  return op;
}

static void pass_next (GTask *task);

static void
open_left_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Pass *pass = g_task_get_task_data (task);
  DueOp *op = tb_ledger_task_get_op (result);

  if (!tb_ledger_task_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pass->any_open = op->due->len > 0;
  g_task_return_boolean (task, TRUE);
}

static void
intent_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Pass *pass = g_task_get_task_data (task);
  TbCheckOutcome outcome;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == tb_payment_service_expire_async)
    {
      ok = tb_payment_service_expire_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error);
      if (ok && outcome.state == TB_INTENT_EXPIRED)
        pass->stats.expired++;
    }
  else
    ok = tb_payment_service_check_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error);

  pass->stats.checked++;
  if (ok)
    pass->stats.settled += outcome.newly_settled;
  else
    {
      pass->stats.failed++;
      /* Logged without secrets: the message is the provider's translated sentence. */
      g_debug ("Reconciler: check failed: %s", error->message);
    }

  if (g_task_return_error_if_cancelled (task))
    return;
  pass_next (g_steal_pointer (&task));
}

static void
receipts_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TbReceiptStats stats = { 0 };

  if (!tb_receipt_queue_process_finish (TB_RECEIPT_QUEUE (object), result, &stats, &error))
    g_warning ("Receipt pass failed: %s", error->message);
  pass->stats.receipts += stats.registered;
  pass->stats.receipts_failed += stats.failed;
  pass_next (task);
}

static void
pass_next (GTask *task)
{
  TbReconciler *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);

  if (pass->next < pass->due->len)
    {
      TbIntent *intent = pass->due->pdata[pass->next++];

      /* One at a time: the pass never puts more than one request in flight. */
      if (tb_intent_is_open (intent) && intent->expires_us > 0 &&
          tb_clock_now_us (self->clock) >= intent->expires_us)
        tb_payment_service_expire_async (self->service, intent->id, NULL, intent_done, task);
      else
        tb_payment_service_check_async (self->service, intent->id, NULL, intent_done, task);
      return;
    }

  if (self->receipts != NULL && !pass->receipts_done)
    {
      pass->receipts_done = TRUE;
      tb_receipt_queue_process_async (self->receipts, NULL, receipts_done, task);
      return;
    }

  /* Anything still watched, whenever it was last checked? Then the timer stays. */
  {
    DueOp *op = due_op_new (self, -1, -1, 1);

    op->receipts = self->receipts != NULL && tb_receipt_queue_get_enabled (self->receipts);
    tb_ledger_task_run (tb_payment_service_get_ledger (self->service), self, due_func, op,
                        (GDestroyNotify) due_op_free, NULL, open_left_done, task);
  }
}

static void
due_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Pass *pass = g_task_get_task_data (task);
  DueOp *op = tb_ledger_task_get_op (result);

  if (!tb_ledger_task_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pass->due = g_steal_pointer (&op->due);
  pass_next (g_steal_pointer (&task));
}

void
tb_reconciler_run_once_async (TbReconciler        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Pass *pass;

  g_return_if_fail (TB_IS_RECONCILER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_reconciler_run_once_async);
  pass = g_new0 (Pass, 1);
  g_task_set_task_data (task, pass, (GDestroyNotify) pass_free);

  /* Open intents not checked within the gap, and intents that are closed but whose invoices
   * may still take money at the slower cadence: one batch for both. */
  tb_ledger_task_run (tb_payment_service_get_ledger (self->service), self, due_func,
                      due_op_new (self, (gint64) self->min_gap_ms * 1000,
                                  (gint64) TB_RECONCILER_SETTLED_GAP_S * G_USEC_PER_SEC,
                                  TB_RECONCILER_BATCH),
                      (GDestroyNotify) due_op_free, NULL, due_done, task);
}

gboolean
tb_reconciler_run_once_finish (TbReconciler      *self,
                               GAsyncResult      *result,
                               TbReconcileStats  *out_stats,
                               GError           **error)
{
  Pass *pass;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  pass = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_stats != NULL)
    *out_stats = pass->stats;
  return TRUE;
}

static void schedule_pass (TbReconciler *self);

static gboolean
timeout_cb (gpointer user_data)
{
  TbReconciler *self = user_data;

  self->timeout_id = 0;
  schedule_pass (self);
  return G_SOURCE_REMOVE;
}

static void
arm (TbReconciler *self)
{
  if (!self->started || self->timeout_id != 0 || self->pass_running)
    return;
  self->timeout_id = tb_clock_timeout_add (self->clock, self->period_ms, timeout_cb, self, NULL);
}

static void
pass_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TbReconciler) self = user_data;
  g_autoptr(GError) error = NULL;
  TbReconcileStats stats = { 0 };
  Pass *pass = g_task_get_task_data (G_TASK (result));
  gboolean any_open = pass->any_open;

  self->pass_running = FALSE;
  if (!tb_reconciler_run_once_finish (self, result, &stats, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Reconciliation pass failed: %s", error->message);
      any_open = TRUE; /* try again later */
    }

  g_signal_emit (self, signals[PASS_DONE], 0, stats.checked, stats.settled);

  /* Nothing pending: no timer, no wake-ups, until a new QR appears. */
  if (any_open)
    arm (self);
}

static void
schedule_pass (TbReconciler *self)
{
  if (!self->started || self->pass_running)
    return;
  tb_clock_clear (self->clock, &self->timeout_id);
  self->pass_running = TRUE;
  tb_reconciler_run_once_async (self, self->cancellable, pass_done, g_object_ref (self));
}

static void
intent_changed_cb (TbPaymentService *service,
                   gint64            intent_id,
                   int               state,
                   TbReconciler     *self)
{
  /* A new open intent: make sure a pass will come (nothing happens if one is armed). */
  if (state == TB_INTENT_NEW || state == TB_INTENT_PENDING)
    arm (self);
}

static void
tb_reconciler_dispose (GObject *object)
{
  TbReconciler *self = TB_RECONCILER (object);

  tb_reconciler_stop (self);
  if (self->service != NULL)
    g_clear_signal_handler (&self->changed_id, self->service);
  g_clear_object (&self->service);
  g_clear_object (&self->receipts);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->clock);
  G_OBJECT_CLASS (tb_reconciler_parent_class)->dispose (object);
}

static void
tb_reconciler_class_init (TbReconcilerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tb_reconciler_dispose;

  /**
   * TbReconciler::pass-done:
   * @checked: intents checked
   * @settled: payments newly recorded
   */
  signals[PASS_DONE] = g_signal_new ("pass-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
tb_reconciler_init (TbReconciler *self)
{
  self->period_ms = TB_RECONCILER_PERIOD_S * 1000;
  self->min_gap_ms = TB_RECONCILER_MIN_GAP_S * 1000;
  self->cancellable = g_cancellable_new ();
  self->clock = tb_clock_new_system ();
}

TbReconciler *
tb_reconciler_new (TbPaymentService *service)
{
  TbReconciler *self;

  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (service), NULL);

  self = g_object_new (TB_TYPE_RECONCILER, NULL);
  self->service = g_object_ref (service);
  self->changed_id = g_signal_connect (service, "intent-changed", G_CALLBACK (intent_changed_cb), self);
  return self;
}

void
tb_reconciler_start (TbReconciler *self)
{
  g_return_if_fail (TB_IS_RECONCILER (self));

  if (self->started)
    return;
  self->started = TRUE;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  schedule_pass (self);
}

void
tb_reconciler_stop (TbReconciler *self)
{
  g_return_if_fail (TB_IS_RECONCILER (self));

  self->started = FALSE;
  tb_clock_clear (self->clock, &self->timeout_id);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
tb_reconciler_set_timing (TbReconciler *self,
                          guint         period_ms,
                          guint         min_gap_ms)
{
  g_return_if_fail (TB_IS_RECONCILER (self));
  self->period_ms = MAX (period_ms, 1);
  self->min_gap_ms = min_gap_ms;
}

void
tb_reconciler_set_receipt_queue (TbReconciler   *self,
                                 TbReceiptQueue *queue)
{
  g_return_if_fail (TB_IS_RECONCILER (self));
  g_set_object (&self->receipts, queue);
}

gboolean
tb_reconciler_is_armed (TbReconciler *self)
{
  g_return_val_if_fail (TB_IS_RECONCILER (self), FALSE);
  return self->timeout_id != 0;
}

gboolean
tb_reconciler_is_running (TbReconciler *self)
{
  g_return_val_if_fail (TB_IS_RECONCILER (self), FALSE);
  return self->pass_running;
}

void
tb_reconciler_set_clock (TbReconciler *self,
                         TbClock      *clock)
{
  g_return_if_fail (TB_IS_RECONCILER (self));
  g_return_if_fail (TB_IS_CLOCK (clock));

  /* A timer armed on the old clock moves to the new one. */
  if (self->timeout_id != 0)
    {
      tb_clock_clear (self->clock, &self->timeout_id);
      g_set_object (&self->clock, clock);
      arm (self);
      return;
    }
  g_set_object (&self->clock, clock);
}
