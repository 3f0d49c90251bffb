/* tb-stack.c: the services stack, built in one place from one configuration
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"
#include "tb-service-error.h"
#include "tb-stack.h"

/* The start-up check looks at this many open intents at most. */
#define CHECK_OPEN_LIMIT 100

struct _TbStack
{
  GObject            parent_instance;

  TbLedger          *ledger;
  TbStackConfig     *config;
  TbClock           *clock;
  TbQpayClient      *client;
  TbQpayProvider    *provider;
  TbPaymentService  *service;
  TbReceiptQueue    *receipts;
  TbReconciler      *reconciler;

  gboolean           started;
  gboolean           pass_again;
};

G_DEFINE_FINAL_TYPE (TbStack, tb_stack, G_TYPE_OBJECT)

/* ---- building ---- */

static void
apply_receipt_settings (TbStack *self)
{
  const TbStackConfig *config = self->config;
  TbReceiptSettings settings = {
    .enabled = config->ebarimt_enabled,
    .receiver_type = config->receiver_type,
    .district_code = config->district_code,
    .classification_code = config->classification_code,
  };

  tb_receipt_queue_set_settings (self->receipts, &settings);
  /* Switched off, settlement records each receipt SKIPPED instead of queueing it. */
  tb_payment_service_set_receipts_enabled (self->service, config->ebarimt_enabled);
  /* A whole-bill QR in Ebarimt-invoice form needs the district; without receipts, none. */
  tb_qpay_provider_set_ebarimt_invoice (self->provider,
                                        config->ebarimt_enabled ? config->district_code : NULL,
                                        config->classification_code);
  /* Switched off, the queue would mark every waiting receipt SKIPPED, including those that
   * wait for another attempt: the passes leave receipts alone instead. */
  tb_reconciler_set_receipt_queue (self->reconciler,
                                   config->ebarimt_enabled ? self->receipts : NULL);
}

static void
build (TbStack *self)
{
  const TbStackTiming *timing = &self->config->timing;

  if (timing->request_timeout_ms > 0)
    tb_qpay_client_set_timeout (self->client, timing->request_timeout_ms);

  self->provider = tb_qpay_provider_new (self->client);
  self->service = tb_payment_service_new (self->ledger, TB_PAYMENT_PROVIDER (self->provider));
  tb_payment_service_set_clock (self->service, self->clock);
  self->receipts = tb_receipt_queue_new (self->ledger, self->client);
  tb_receipt_queue_set_clock (self->receipts, self->clock);
  self->reconciler = tb_reconciler_new (self->service);
  tb_reconciler_set_timing (self->reconciler, timing->reconcile_period_ms,
                            timing->reconcile_min_gap_ms);
  tb_reconciler_set_clock (self->reconciler, self->clock);

  apply_receipt_settings (self);
}

TbStack *
tb_stack_new (TbLedger             *ledger,
              const TbStackConfig  *config,
              GError              **error)
{
  g_autoptr(TbStack) self = NULL;

  g_return_val_if_fail (TB_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (config != NULL && config->qpay != NULL, NULL);

  self = g_object_new (TB_TYPE_STACK, NULL);
  self->ledger = g_object_ref (ledger);
  self->config = tb_stack_config_copy (config);
  if (self->config->qpay->base_url == NULL)
    self->config->qpay->base_url = g_strdup (tb_qpay_environment_default_url (config->qpay->environment));
  self->clock = config->clock != NULL ? g_object_ref (config->clock) : tb_clock_new_system ();

  /* One client for payments and receipts: one login. */
  self->client = tb_qpay_client_new (self->config->qpay, NULL, error);
  if (self->client == NULL)
    return NULL;

  build (self);
  return g_steal_pointer (&self);
}

void
tb_stack_set_receipt_settings (TbStack    *self,
                               gboolean    enabled,
                               const char *receiver_type,
                               const char *district_code,
                               const char *classification_code)
{
  TbStackConfig *config;

  g_return_if_fail (TB_IS_STACK (self));

  config = self->config;
  config->ebarimt_enabled = enabled;
  g_free (config->receiver_type);
  config->receiver_type = g_strdup (receiver_type);
  g_free (config->district_code);
  config->district_code = g_strdup (district_code);
  g_free (config->classification_code);
  config->classification_code = g_strdup (classification_code);
  apply_receipt_settings (self);
}

/* ---- running ---- */

void
tb_stack_issue_receipts_soon (TbStack *self)
{
  g_return_if_fail (TB_IS_STACK (self));

  if (!self->started || !tb_receipt_queue_get_enabled (self->receipts))
    return;

  if (tb_reconciler_is_running (self->reconciler))
    {
      self->pass_again = TRUE;
      return;
    }

  /* Not running: stop only drops the armed timer; start runs a pass at once. */
  tb_reconciler_stop (self->reconciler);
  tb_reconciler_start (self->reconciler);
}

static void
pass_done_cb (TbStack      *self,
              guint         checked,
              guint         settled,
              TbReconciler *reconciler)
{
  if (!self->pass_again)
    return;
  self->pass_again = FALSE;
  tb_stack_issue_receipts_soon (self);
}

static void
settled_cb (TbStack          *self,
            gint64            bill_id,
            gint64            amount,
            gint64            intent_id,
            TbPaymentService *service)
{
  tb_stack_issue_receipts_soon (self);
}

void
tb_stack_start (TbStack *self)
{
  g_return_if_fail (TB_IS_STACK (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->pass_again = FALSE;
  g_signal_connect_object (self->service, "payment-settled", G_CALLBACK (settled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reconciler, "pass-done", G_CALLBACK (pass_done_cb), self,
                           G_CONNECT_SWAPPED);
  tb_reconciler_start (self->reconciler);
}

void
tb_stack_stop (TbStack *self)
{
  g_return_if_fail (TB_IS_STACK (self));

  if (!self->started)
    return;
  self->started = FALSE;
  tb_reconciler_stop (self->reconciler);
  g_signal_handlers_disconnect_by_data (self->service, self);
  g_signal_handlers_disconnect_by_data (self->reconciler, self);
}

TbPaymentWatcher *
tb_stack_new_watcher (TbStack *self,
                      gint64   intent_id,
                      gint64   expires_us)
{
  TbPaymentWatcher *watcher;

  g_return_val_if_fail (TB_IS_STACK (self), NULL);

  watcher = tb_payment_watcher_new (self->service, intent_id, expires_us);
  tb_payment_watcher_set_interval (watcher, self->config->timing.watcher_interval_ms,
                                   self->config->timing.watcher_max_backoff_ms);
  tb_payment_watcher_set_clock (watcher, self->clock);
  return watcher;
}

/* ---- the start-up check (docs/payment-intents.md) ---- */

typedef struct
{
  char   *provider;
  char   *environment;
  gint64  young_us;      /* created at or after this */
  GArray *ids;           /* gint64, oldest first */
  guint   next;
} CheckOpen;

static void
check_open_free (CheckOpen *check)
{
  g_free (check->provider);
  g_free (check->environment);
  g_clear_pointer (&check->ids, g_array_unref);
  g_free (check);
}

static gboolean
list_open_step (TbLedger  *ledger,
                gpointer   op,
                GError   **error)
{
  CheckOpen *check = op;
  g_autoptr(GPtrArray) open = tb_ledger_list_intents (ledger, TB_INTENT_FILTER_OPEN, 0,
                                                      CHECK_OPEN_LIMIT, error);

  if (open == NULL)
    return FALSE;

  /* Newest first from the ledger; checked oldest first, as the reconciler does. Intents of
   * another environment would be unknown to this provider. */
  for (guint i = open->len; i > 0; i--)
    {
      const TbIntent *intent = open->pdata[i - 1];

      if (intent->created_us >= check->young_us &&
          g_strcmp0 (intent->provider, check->provider) == 0 &&
          g_strcmp0 (intent->environment, check->environment) == 0)
        g_array_append_val (check->ids, intent->id);
    }
  return TRUE;
}

static void check_open_next (GTask *task);

static void
open_checked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tb_payment_service_check_finish (TB_PAYMENT_SERVICE (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* The reconciler tries it again on a later pass. */
      g_debug ("Start-up check failed: %s", error->message);
    }
  check_open_next (g_steal_pointer (&task));
}

static void
check_open_next (GTask *task)
{
  TbStack *self = g_task_get_source_object (task);
  CheckOpen *check = g_task_get_task_data (task);
  gint64 id;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (check->next >= check->ids->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  id = g_array_index (check->ids, gint64, check->next++);
  tb_payment_service_check_async (self->service, id, g_task_get_cancellable (task),
                                  open_checked_cb, task);
}

static void
open_listed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  check_open_next (task);
}

void
tb_stack_check_open_async (TbStack             *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  TbPaymentProvider *provider;
  GTask *task;
  CheckOpen *check;

  g_return_if_fail (TB_IS_STACK (self));

  provider = TB_PAYMENT_PROVIDER (self->provider);
  check = g_new0 (CheckOpen, 1);
  check->provider = g_strdup (tb_payment_provider_get_name (provider));
  check->environment = g_strdup (tb_payment_provider_get_environment (provider));
  check->young_us = tb_clock_now_us (self->clock) - (gint64) TB_RECONCILER_MAX_AGE_S * G_USEC_PER_SEC;
  check->ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_stack_check_open_async);
  g_task_set_task_data (task, check, (GDestroyNotify) check_open_free);
  tb_ledger_task_run (self->ledger, self, list_open_step, check, NULL, cancellable,
                      open_listed_cb, task);
}

gboolean
tb_stack_check_open_finish (TbStack       *self,
                            GAsyncResult  *result,
                            guint         *out_checked,
                            GError       **error)
{
  CheckOpen *check;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  check = g_task_get_task_data (G_TASK (result));
  if (out_checked != NULL)
    *out_checked = check->next;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- getters ---- */

const TbStackConfig *
tb_stack_get_config (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->config;
}

TbLedger *
tb_stack_get_ledger (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->ledger;
}

TbClock *
tb_stack_get_clock (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->clock;
}

TbQpayClient *
tb_stack_get_client (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->client;
}

TbQpayProvider *
tb_stack_get_provider (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->provider;
}

TbPaymentService *
tb_stack_get_payment_service (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->service;
}

TbReceiptQueue *
tb_stack_get_receipt_queue (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->receipts;
}

TbReconciler *
tb_stack_get_reconciler (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return self->reconciler;
}

const char *
tb_stack_get_environment (TbStack *self)
{
  g_return_val_if_fail (TB_IS_STACK (self), NULL);
  return tb_payment_provider_get_environment (TB_PAYMENT_PROVIDER (self->provider));
}

/* ---- GObject ---- */

static void
tb_stack_dispose (GObject *object)
{
  TbStack *self = TB_STACK (object);

  if (self->reconciler != NULL)
    tb_stack_stop (self);
  /* Operations still in flight hold their own references and finish on these objects. */
  g_clear_object (&self->reconciler);
  g_clear_object (&self->receipts);
  g_clear_object (&self->service);
  g_clear_object (&self->provider);
  g_clear_object (&self->client);
  g_clear_object (&self->clock);
  g_clear_object (&self->ledger);

  G_OBJECT_CLASS (tb_stack_parent_class)->dispose (object);
}

static void
tb_stack_finalize (GObject *object)
{
  TbStack *self = TB_STACK (object);

  g_clear_pointer (&self->config, tb_stack_config_free);

  G_OBJECT_CLASS (tb_stack_parent_class)->finalize (object);
}

static void
tb_stack_class_init (TbStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_stack_dispose;
  object_class->finalize = tb_stack_finalize;
}

static void
tb_stack_init (TbStack *self)
{
}
