/* tb-payment-watcher.c: polls one intent while its QR is on screen
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tb-payment-watcher.h"

struct _TbPaymentWatcher
{
  GObject           parent_instance;

  TbPaymentService *service;
  TbClock          *clock;
  gint64            intent_id;
  gint64            expires_us;
  guint             interval_ms;
  guint             max_backoff_ms;
  guint             next_delay_ms;
  guint             timeout_id;
  GCancellable     *cancellable;
  gboolean          running;
  gboolean          in_flight;
  gboolean          check_again;      /* check_now() while in flight: check once more after */
  gboolean          connection_problem;
  guint             check_count;
  char             *last_error;
  TbWatchStatus     status;
  TbCheckOutcome    outcome;
};

G_DEFINE_FINAL_TYPE (TbPaymentWatcher, tb_payment_watcher, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void check (TbPaymentWatcher *self);

static gboolean
timeout_cb (gpointer user_data)
{
  TbPaymentWatcher *self = user_data;

  self->timeout_id = 0;
  check (self);
  return G_SOURCE_REMOVE;
}

static void
arm (TbPaymentWatcher *self,
     guint             delay_ms)
{
  tb_clock_clear (self->clock, &self->timeout_id);
  if (!self->running)
    return;
  self->next_delay_ms = delay_ms;
  self->timeout_id = tb_clock_timeout_add (self->clock, delay_ms, timeout_cb, self, NULL);
}

static TbWatchStatus
status_for_state (TbIntentState state)
{
  switch (state)
    {
    case TB_INTENT_PAID:
      return TB_WATCH_PAID;
    case TB_INTENT_EXPIRED:
      return TB_WATCH_EXPIRED;
    case TB_INTENT_CANCELLED:
      return TB_WATCH_CANCELLED;
    case TB_INTENT_FAILED:
      return TB_WATCH_FAILED;
    case TB_INTENT_NEW:
    case TB_INTENT_PENDING:
    default:
      return TB_WATCH_WAITING;
    }
}

/* Checks again at once when check_now() was pressed during the check, else arms @delay_ms. */
static void
continue_after (TbPaymentWatcher *self,
                guint             delay_ms)
{
  if (self->check_again)
    {
      self->check_again = FALSE;
      check (self);
    }
  else
    arm (self, delay_ms);
}

static void
check_failed (TbPaymentWatcher *self,
              const GError     *error)
{
  guint next = self->interval_ms;

  g_free (self->last_error);
  self->last_error = g_strdup (error->message);
  self->status = TB_WATCH_WAITING;
  /* Back off on network trouble: 3, 6, 12 … 30 s. Other errors keep the normal pace. */
  if (tb_payment_service_error_is_transient (self->service, error))
    {
      if (self->connection_problem)
        next = MIN (self->next_delay_ms * 2, self->max_backoff_ms);
      self->connection_problem = TRUE;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  arm (self, next);
}

static void
check_answered (TbPaymentWatcher     *self,
                const TbCheckOutcome *outcome)
{
  self->outcome = *outcome;
  self->connection_problem = FALSE;
  g_clear_pointer (&self->last_error, g_free);
  self->status = status_for_state (outcome->state);

  if (self->status != TB_WATCH_WAITING)
    {
      /* The intent ended (paid, expired, cancelled): nothing more to watch. */
      self->running = FALSE;
      tb_clock_clear (self->clock, &self->timeout_id);
      g_signal_emit (self, signals[CHANGED], 0);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  continue_after (self, self->interval_ms);
}

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TbPaymentWatcher) self = user_data;
  g_autoptr(GError) error = NULL;
  TbCheckOutcome outcome;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == tb_payment_service_expire_async)
    ok = tb_payment_service_expire_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error);
  else
    ok = tb_payment_service_check_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error);

  self->in_flight = FALSE;
  self->check_count++;

  /* The answer to a check made before stop(): no news. If the watcher was started again
   * meanwhile, nothing else will arm it, so the next check is armed here (arm() does nothing
   * while stopped). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    continue_after (self, self->interval_ms);
  else if (!ok)
    check_failed (self, error);
  else
    check_answered (self, &outcome);
}

static void
check (TbPaymentWatcher *self)
{
  if (!self->running)
    return;
  if (self->in_flight)
    {
      self->check_again = TRUE;
      return;
    }

  tb_clock_clear (self->clock, &self->timeout_id);
  self->in_flight = TRUE;
  self->status = TB_WATCH_CHECKING;
  g_signal_emit (self, signals[CHANGED], 0);

  /* Past its lifetime the service makes a final check and then expires the invoice. */
  if (self->expires_us > 0 && tb_clock_now_us (self->clock) >= self->expires_us)
    tb_payment_service_expire_async (self->service, self->intent_id, self->cancellable,
                                     check_done, g_object_ref (self));
  else
    tb_payment_service_check_async (self->service, self->intent_id, self->cancellable,
                                    check_done, g_object_ref (self));
}

static void
tb_payment_watcher_dispose (GObject *object)
{
  TbPaymentWatcher *self = TB_PAYMENT_WATCHER (object);

  tb_payment_watcher_stop (self);
  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->clock);
  G_OBJECT_CLASS (tb_payment_watcher_parent_class)->dispose (object);
}

static void
tb_payment_watcher_finalize (GObject *object)
{
  TbPaymentWatcher *self = TB_PAYMENT_WATCHER (object);

  g_free (self->last_error);
  G_OBJECT_CLASS (tb_payment_watcher_parent_class)->finalize (object);
}

static void
tb_payment_watcher_class_init (TbPaymentWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_payment_watcher_dispose;
  object_class->finalize = tb_payment_watcher_finalize;

  /**
   * TbPaymentWatcher::changed:
   *
   * The status, the connection problem flag or the outcome changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tb_payment_watcher_init (TbPaymentWatcher *self)
{
  self->interval_ms = TB_PAYMENT_WATCHER_INTERVAL_MS;
  self->max_backoff_ms = TB_PAYMENT_WATCHER_MAX_BACKOFF_MS;
  self->next_delay_ms = self->interval_ms;
  self->cancellable = g_cancellable_new ();
  self->status = TB_WATCH_WAITING;
}

TbPaymentWatcher *
tb_payment_watcher_new (TbPaymentService *service,
                        gint64            intent_id,
                        gint64            expires_us)
{
  TbPaymentWatcher *self;

  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (service), NULL);

  self = g_object_new (TB_TYPE_PAYMENT_WATCHER, NULL);
  self->service = g_object_ref (service);
  self->clock = g_object_ref (tb_payment_service_get_clock (service));
  self->intent_id = intent_id;
  self->expires_us = expires_us;
  return self;
}

void
tb_payment_watcher_start (TbPaymentWatcher *self)
{
  g_return_if_fail (TB_IS_PAYMENT_WATCHER (self));

  if (self->running)
    return;
  self->running = TRUE;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  /* A check still in flight from before stop() arms the next one when its answer comes. */
  if (!self->in_flight)
    arm (self, self->interval_ms);
}

void
tb_payment_watcher_stop (TbPaymentWatcher *self)
{
  g_return_if_fail (TB_IS_PAYMENT_WATCHER (self));

  self->running = FALSE;
  self->check_again = FALSE;
  if (self->clock != NULL)
    tb_clock_clear (self->clock, &self->timeout_id);
  /* Stops waiting for an answer; the service still records whatever the answer says. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
tb_payment_watcher_check_now (TbPaymentWatcher *self)
{
  g_return_if_fail (TB_IS_PAYMENT_WATCHER (self));

  if (!self->running)
    return;
  if (self->in_flight)
    return; /* the answer in flight is as fresh as a new one would be */
  check (self);
}

void
tb_payment_watcher_set_interval (TbPaymentWatcher *self,
                                 guint             interval_ms,
                                 guint             max_backoff_ms)
{
  g_return_if_fail (TB_IS_PAYMENT_WATCHER (self));
  self->interval_ms = MAX (interval_ms, 1);
  self->max_backoff_ms = MAX (max_backoff_ms, self->interval_ms);
}

gint64
tb_payment_watcher_get_intent_id (TbPaymentWatcher *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_WATCHER (self), 0);
  return self->intent_id;
}

TbWatchStatus
tb_payment_watcher_get_status (TbPaymentWatcher *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_WATCHER (self), TB_WATCH_WAITING);
  return self->status;
}

gboolean
tb_payment_watcher_get_connection_problem (TbPaymentWatcher *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_WATCHER (self), FALSE);
  return self->connection_problem;
}

const char *
tb_payment_watcher_get_last_error (TbPaymentWatcher *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_WATCHER (self), NULL);
  return self->last_error;
}

guint
tb_payment_watcher_get_next_delay (TbPaymentWatcher *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_WATCHER (self), 0);
  return self->next_delay_ms;
}

guint
tb_payment_watcher_get_check_count (TbPaymentWatcher *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_WATCHER (self), 0);
  return self->check_count;
}

const TbCheckOutcome *
tb_payment_watcher_get_outcome (TbPaymentWatcher *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_WATCHER (self), NULL);
  return &self->outcome;
}

void
tb_payment_watcher_set_clock (TbPaymentWatcher *self,
                              TbClock          *clock)
{
  g_return_if_fail (TB_IS_PAYMENT_WATCHER (self));
  g_return_if_fail (TB_IS_CLOCK (clock));

  if (self->timeout_id != 0)
    {
      tb_clock_clear (self->clock, &self->timeout_id);
      g_set_object (&self->clock, clock);
      arm (self, self->next_delay_ms);
      return;
    }
  g_set_object (&self->clock, clock);
}
