/* tb-payment-open.c: showing a bill's QR, and releasing a bill before another payment
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"
#include "tb-payment-steps.h"
#include "tb-service-error.h"

/* How often a desk waiting for another desk's invoice looks again. */
#define CREATE_WAIT_MS   250
/* A QR about to expire is not worth showing again: keep a minute of margin. */
#define REUSE_MARGIN_US  (60 * G_USEC_PER_SEC)
/* Rounds of "cancel the bill's other QRs, then decide again" before giving up. */
#define OPEN_MAX_ROUNDS  4

/* ---- opening an intent (the QR) ------------------------------------------------------------ */

typedef struct
{
  gint64     bill_id;
  gint64     intent_id;     /* > 0: just read this intent back */
  gint64     amount;
  char      *provider;
  char      *environment;
  gint64     minimum;
  gboolean   whole_units;
  gint64     usable_until_us;
  /* out */
  TbIntent  *intent;
  GArray    *to_cancel;     /* gint64 */
} OpenOp;

typedef struct
{
  gint64     bill_id;
  gint64     amount;
  guint      rounds;
  guint      next_cancel;
  GArray    *to_cancel;
  TbIntent  *intent;
} OpenData;

static void
open_op_free (OpenOp *op)
{
  g_free (op->provider);
  g_free (op->environment);
  g_clear_pointer (&op->intent, tb_intent_free);
  g_clear_pointer (&op->to_cancel, g_array_unref);
  g_free (op);
}

static void
open_data_free (OpenData *data)
{
  g_clear_pointer (&data->to_cancel, g_array_unref);
  g_clear_pointer (&data->intent, tb_intent_free);
  g_free (data);
}

/* Worker: the bill's open intent of this amount, or a new one, or the intents to cancel first,
 * decided in one ledger transaction. */
static gboolean
open_func (TbLedger  *ledger,
           gpointer   data,
           GError   **error)
{
  OpenOp *op = data;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(GError) invalid = NULL;

  if (op->intent_id > 0)
    return (op->intent = tb_ledger_get_intent (ledger, op->intent_id, error)) != NULL;

  bill = tb_ledger_get_bill (ledger, op->bill_id, error);
  if (bill == NULL)
    return FALSE;

  /* A new QR must fit what is still owed and the provider's rules; reusing one that is already
   * on a screen is always allowed (it was checked when it was made). */
  if (!_tb_payment_validate_amount (op->amount, tb_bill_get_due (bill), op->minimum, op->whole_units,
                                   &invalid))
    {
      g_autoptr(GError) local_error = NULL;

      op->intent = tb_ledger_find_open_intent (ledger, op->bill_id, op->provider, op->environment,
                                               op->amount, &local_error);
      if (op->intent == NULL)
        g_propagate_error (error, local_error != NULL ? g_steal_pointer (&local_error)
                                                      : g_steal_pointer (&invalid));
      return op->intent != NULL;
    }

  op->intent = tb_ledger_open_intent (ledger, op->bill_id, op->provider, op->environment, op->amount,
                                      op->usable_until_us, &op->to_cancel, error);
  return op->intent != NULL || op->to_cancel != NULL;
}

static void open_decide (GTask *task);
static void open_opened (GObject *object, GAsyncResult *result, gpointer user_data);

static void
open_run (GTask   *task,
          gint64   reload_intent_id)
{
  TbPaymentService *self = g_task_get_source_object (task);
  TbPaymentProvider *provider = tb_payment_service_get_provider (self);
  OpenData *data = g_task_get_task_data (task);
  OpenOp *op = g_new0 (OpenOp, 1);

  op->bill_id = data->bill_id;
  op->intent_id = reload_intent_id;
  op->amount = data->amount;
  op->provider = g_strdup (tb_payment_provider_get_name (provider));
  op->environment = g_strdup (tb_payment_provider_get_environment (provider));
  op->minimum = tb_payment_provider_get_minimum (provider);
  op->whole_units = tb_payment_provider_whole_units_only (provider);
  op->usable_until_us = tb_clock_now_us (tb_payment_service_get_clock (self)) + REUSE_MARGIN_US;
  tb_ledger_task_run (tb_payment_service_get_ledger (self), self, open_func, op,
                      (GDestroyNotify) open_op_free, NULL, open_opened, task);
}

static void
open_cancelled_one (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tb_payment_service_cancel_finish (TB_PAYMENT_SERVICE (object), result, NULL, &error))
    {
      /* If the old invoice cannot be cancelled, a second QR could be paid on top of it. The
       * provider's or network's error keeps its domain and code (the advice follows from
       * them); the message says what it stopped. */
      g_task_return_new_error (task, error->domain, error->code,
                               _("The previous QR for this bill could not be cancelled: %s"),
                               error->message);
      return;
    }
  open_decide (g_steal_pointer (&task));
}

static gboolean
open_wait_done (gpointer user_data)
{
  GTask *task = user_data;
  OpenData *data = g_task_get_task_data (task);

  open_run (task, data->intent->id);
  return G_SOURCE_REMOVE;
}

static void
open_checked (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TbPaymentService *self = TB_PAYMENT_SERVICE (object);
  OpenData *data = g_task_get_task_data (task);
  TbCheckOutcome outcome;

  if (!tb_payment_service_check_finish (self, result, &outcome, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (outcome.creating_elsewhere)
    {
      /* Another desk is getting this intent's invoice: wait for it instead of making one. */
      tb_clock_timeout_add (tb_payment_service_get_clock (self), CREATE_WAIT_MS, open_wait_done,
                            g_steal_pointer (&task), NULL);
      return;
    }
  open_run (g_steal_pointer (&task), data->intent->id);
}

static void
open_use_intent (GTask *task)
{
  TbPaymentService *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  switch (data->intent->state)
    {
    case TB_INTENT_NEW:
      /* Not created at the provider yet (or its answer was lost): a check creates it with the
       * same sender_invoice_no, or finds another desk creating it. */
      _tb_payment_service_emit_intent_changed (self, data->intent->id, data->intent->state);
      tb_payment_service_check_async (self, data->intent->id, NULL, open_checked, task);
      return;

    case TB_INTENT_PENDING:
    case TB_INTENT_PAID:
      g_task_return_pointer (task, g_steal_pointer (&data->intent), (GDestroyNotify) tb_intent_free);
      break;

    case TB_INTENT_FAILED:
      g_task_return_new_error (task, TB_SERVICE_ERROR, TB_SERVICE_ERROR_PROVIDER, "%s",
                               data->intent->last_error != NULL ? data->intent->last_error
                                                                : _("The payment provider refused the request."));
      break;

    case TB_INTENT_CANCELLED:
    case TB_INTENT_EXPIRED:
    default:
      g_task_return_new_error (task, TB_SERVICE_ERROR, TB_SERVICE_ERROR_CHANGED, "%s",
                               _("The QR was cancelled meanwhile. Try again."));
      break;
    }
  g_object_unref (task);
}

static void
open_opened (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  OpenData *data = g_task_get_task_data (task);
  OpenOp *op = tb_ledger_task_get_op (result);

  if (!tb_ledger_task_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&data->intent, tb_intent_free);
  g_clear_pointer (&data->to_cancel, g_array_unref);
  data->intent = g_steal_pointer (&op->intent);
  data->to_cancel = g_steal_pointer (&op->to_cancel);
  data->next_cancel = 0;

  if (data->intent != NULL)
    open_use_intent (g_steal_pointer (&task));
  else
    open_decide (g_steal_pointer (&task));
}

/* Cancels the intents the ledger named, one at a time, then asks the ledger again. */
static void
open_decide (GTask *task)
{
  TbPaymentService *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  if (data->to_cancel != NULL && data->next_cancel < data->to_cancel->len)
    {
      gint64 id = g_array_index (data->to_cancel, gint64, data->next_cancel++);

      tb_payment_service_cancel_async (self, id, NULL, open_cancelled_one, task);
      return;
    }
  if (++data->rounds > OPEN_MAX_ROUNDS)
    {
      g_task_return_new_error (task, TB_SERVICE_ERROR, TB_SERVICE_ERROR_CHANGED, "%s",
                               _("The bill's QRs keep changing at another desk. Try again in a moment."));
      g_object_unref (task);
      return;
    }
  open_run (task, 0);
}

void
tb_payment_service_open_async (TbPaymentService    *self,
                               gint64               bill_id,
                               gint64               amount,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  OpenData *data;

  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_payment_service_open_async);
  g_task_set_return_on_cancel (task, FALSE);

  data = g_new0 (OpenData, 1);
  data->bill_id = bill_id;
  data->amount = amount;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  open_decide (task);
}

TbIntent *
tb_payment_service_open_finish (TbPaymentService  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- releasing a bill before another payment ----------------------------------------------- */

typedef struct
{
  gint64     bill_id;
  GPtrArray *open;          /* TbIntent* */
  guint      next;
  guint      failed;
  GError    *first_error;
} ReleaseOp;

static void
release_op_free (ReleaseOp *op)
{
  g_clear_pointer (&op->open, g_ptr_array_unref);
  g_clear_error (&op->first_error);
  g_free (op);
}

static gboolean
release_list_func (TbLedger  *ledger,
                   gpointer   data,
                   GError   **error)
{
  ReleaseOp *op = data;

  g_autoptr(GPtrArray) all = tb_ledger_list_intents (ledger, TB_INTENT_FILTER_ALL, op->bill_id, 1000, error);

  if (all == NULL)
    return FALSE;
  /* Open QRs, and closed intents with another desk's invoice not yet confirmed cancelled. */
  op->open = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_intent_free);
  for (guint i = 0; i < all->len; i++)
    {
      TbIntent *intent = all->pdata[i];

      if (tb_intent_is_open (intent) || intent->extra_invoices > 0)
        g_ptr_array_add (op->open, g_steal_pointer (&all->pdata[i]));
    }
  return TRUE;
}

static void release_next (GTask *task);

static void
release_cancelled (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  ReleaseOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TbCheckOutcome outcome = { 0 };

  if (!tb_payment_service_cancel_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error))
    {
      op->failed++;
      if (op->first_error == NULL)
        op->first_error = g_steal_pointer (&error);
    }
  else if (outcome.state == TB_INTENT_NEW || outcome.state == TB_INTENT_PENDING ||
           outcome.extra_invoices > 0)
    op->failed++;
  release_next (task);
}

static void
release_next (GTask *task)
{
  TbPaymentService *self = g_task_get_source_object (task);
  ReleaseOp *op = g_task_get_task_data (task);

  if (op->next < op->open->len)
    {
      TbIntent *intent = op->open->pdata[op->next++];

      tb_payment_service_cancel_async (self, intent->id, NULL, release_cancelled, task);
      return;
    }
  if (op->failed > 0)
    g_task_return_new_error (task, TB_SERVICE_ERROR, TB_SERVICE_ERROR_QR_OPEN,
                             _("A QPay QR for this bill could not be cancelled (%s). The customer may "
                               "still pay it, so another payment now could charge them twice. Check "
                               "the connection and try again, or wait for the QR to be paid."),
                             op->first_error != NULL ? op->first_error->message
                                                     : _("no answer from QPay"));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
release_listed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  release_next (task);
}

void
tb_payment_service_release_bill_async (TbPaymentService    *self,
                                       gint64               bill_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  ReleaseOp *op;

  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_payment_service_release_bill_async);
  g_task_set_return_on_cancel (task, FALSE);
  op = g_new0 (ReleaseOp, 1);
  op->bill_id = bill_id;
  /* The task owns the op; the ledger task only borrows it. */
  g_task_set_task_data (task, op, (GDestroyNotify) release_op_free);
  tb_ledger_task_run (tb_payment_service_get_ledger (self), self, release_list_func, op, NULL, NULL, release_listed, task);
}

gboolean
tb_payment_service_release_bill_finish (TbPaymentService  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
