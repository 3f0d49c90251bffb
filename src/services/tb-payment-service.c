/* tb-payment-service.c: payment intents from QR to settlement
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "tb-payment-service.h"

struct _TbPaymentService
{
  GObject            parent_instance;

  TbLedger          *ledger;
  TbPaymentProvider *provider;
  guint              lifetime_s;
  gboolean           receipts_enabled;
  /* intent id → GQueue of Op: the head is running, the rest wait their turn. */
  GHashTable        *flights;
};

G_DEFINE_FINAL_TYPE (TbPaymentService, tb_payment_service, G_TYPE_OBJECT)

enum {
  INTENT_CHANGED,
  PAYMENT_SETTLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  OP_CHECK,
  OP_CANCEL,
  OP_EXPIRE,
} OpKind;

typedef struct
{
  OpKind     kind;
  gint64     intent_id;
  GPtrArray *waiters;      /* GTask*: every caller that asked for this op's result */
} Op;

/* One running op. */
typedef struct
{
  TbPaymentService *self;
  Op               *op;
  TbIntent         *intent;
  TbBill           *bill;          /* for a create: the lines some invoice forms carry */
  TbProviderCheck  *check;
  TbIntentState     state_before;
  TbCheckOutcome    outcome;
  TbIntentState     final_state;   /* for cancel/expire: CANCELLED or EXPIRED */
  GError           *error;         /* the provider's error, reported once it is noted */
} Run;

static void run_start (TbPaymentService *self, Op *op);

static void
op_free (Op *op)
{
  g_clear_pointer (&op->waiters, g_ptr_array_unref);
  g_free (op);
}

static void
run_free (Run *run)
{
  g_clear_pointer (&run->intent, tb_intent_free);
  g_clear_pointer (&run->bill, tb_bill_free);
  g_clear_pointer (&run->check, tb_provider_check_free);
  g_clear_object (&run->self);
  g_clear_error (&run->error);
  g_free (run);
}

/* ---- ledger work in a thread ---------------------------------------------------------- */

typedef struct
{
  gint64           intent_id;
  TbIntent        *intent;        /* in: for settle */
  TbProviderCheck *check;         /* in: for settle */
  const char      *method_name;
  TbProviderInvoice *invoice;     /* in: for set_invoice */
  gint64           expires_us;
  int              set_state;     /* -1: none */
  char            *note;          /* in: note_check error text */
  gboolean         note_check;
  /* out */
  TbCheckOutcome   outcome;
  TbIntent        *result_intent;
  TbBill          *result_bill;     /* loaded with the intent when it still has to be created */
} LedgerJob;

static void
ledger_job_free (LedgerJob *job)
{
  g_clear_pointer (&job->result_intent, tb_intent_free);
  g_clear_pointer (&job->result_bill, tb_bill_free);
  g_clear_pointer (&job->invoice, tb_provider_invoice_free);
  g_free (job->note);
  g_free (job);
}

static gboolean
fill_outcome (TbLedger        *ledger,
              gint64           intent_id,
              TbCheckOutcome  *outcome,
              TbIntent       **out_intent,
              GError         **error)
{
  g_autoptr(TbIntent) intent = tb_ledger_get_intent (ledger, intent_id, error);
  g_autoptr(TbBill) bill = NULL;

  if (intent == NULL)
    return FALSE;
  bill = tb_ledger_get_bill (ledger, intent->bill_id, error);
  if (bill == NULL)
    return FALSE;

  outcome->intent_id = intent_id;
  outcome->state = intent->state;
  outcome->bill_due = tb_bill_get_due (bill);
  outcome->bill_status = bill->status;
  outcome->overpaid = bill->overpaid;
  if (out_intent != NULL)
    *out_intent = g_steal_pointer (&intent);
  return TRUE;
}

static void
ledger_job_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TbPaymentService *self = source_object;
  LedgerJob *job = task_data;
  g_autoptr(GError) error = NULL;

  /* Settle every paid row once, keyed by the provider's id, all in one transaction: a crash
   * cannot record some rows of this answer and leave the intent PAID without the others. */
  if (job->check != NULL && job->check->payments->len > 0)
    {
      TbPaymentMethod method = TB_METHOD_QPAY;
      guint n = job->check->payments->len;
      g_autofree TbSettleRequest *requests = g_new0 (TbSettleRequest, n);
      g_autofree TbSettleResult *results = g_new0 (TbSettleResult, n);

      tb_payment_method_from_string (job->method_name, &method);
      for (guint i = 0; i < n; i++)
        {
          TbProviderPayment *payment = job->check->payments->pdata[i];

          requests[i].bill_id = job->intent->bill_id;
          requests[i].method = method;
          requests[i].amount = payment->amount;
          requests[i].provider_txn_id = payment->txn_id;
          requests[i].intent_id = job->intent->id;
          requests[i].skip_receipt = !self->receipts_enabled;
        }

      if (!tb_ledger_settle_many (self->ledger, requests, n, results, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint i = 0; i < n; i++)
        if (!results[i].already_settled)
          {
            job->outcome.newly_settled++;
            job->outcome.settled_amount += requests[i].amount;
          }
    }

  if (job->invoice != NULL)
    {
      g_autofree char *links = tb_provider_links_to_json (job->invoice->links);

      if (!tb_ledger_intent_set_invoice (self->ledger, job->intent_id, job->invoice->invoice_id,
                                         job->invoice->qr_text, job->invoice->short_url, links,
                                         job->expires_us, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  if (job->set_state >= 0 &&
      !tb_ledger_intent_set_state (self->ledger, job->intent_id, (TbIntentState) job->set_state,
                                   job->note, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->note_check && !tb_ledger_intent_note_check (self->ledger, job->intent_id, job->note, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!fill_outcome (self->ledger, job->intent_id, &job->outcome, &job->result_intent, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->result_intent->state == TB_INTENT_NEW && job->result_intent->provider_invoice_id == NULL)
    job->result_bill = tb_ledger_get_bill (self->ledger, job->result_intent->bill_id, NULL);

  g_task_return_boolean (task, TRUE);
}

static void
run_ledger_job (Run                 *run,
                LedgerJob           *job,
                GAsyncReadyCallback  callback)
{
  GTask *task = g_task_new (run->self, NULL, callback, run);

  g_task_set_source_tag (task, run_ledger_job);
  g_task_set_task_data (task, job, (GDestroyNotify) ledger_job_free);
  g_task_run_in_thread (task, ledger_job_thread);
  g_object_unref (task);
}

static LedgerJob *
ledger_job_new (Run *run)
{
  LedgerJob *job = g_new0 (LedgerJob, 1);

  job->intent_id = run->op->intent_id;
  job->set_state = -1;
  return job;
}

/* ---- finishing an op ------------------------------------------------------------------- */

static void
run_finish (Run    *run,
            GError *error)
{
  TbPaymentService *self = run->self;
  g_autoptr(GError) owned_error = error;
  GQueue *queue = g_hash_table_lookup (self->flights, &run->op->intent_id);
  Op *op = run->op;

  g_assert (queue != NULL && g_queue_peek_head (queue) == op);
  g_queue_pop_head (queue);

  for (guint i = 0; i < op->waiters->len; i++)
    {
      GTask *task = op->waiters->pdata[i];

      if (owned_error != NULL)
        g_task_return_error (task, g_error_copy (owned_error));
      else
        g_task_return_pointer (task, g_memdup2 (&run->outcome, sizeof run->outcome), g_free);
    }

  if (owned_error == NULL)
    {
      if (run->outcome.newly_settled > 0)
        g_signal_emit (self, signals[PAYMENT_SETTLED], 0, run->intent != NULL ? run->intent->bill_id : (gint64) 0,
                       run->outcome.settled_amount, op->intent_id);
      if (run->outcome.state != run->state_before || run->outcome.newly_settled > 0)
        g_signal_emit (self, signals[INTENT_CHANGED], 0, op->intent_id, (int) run->outcome.state);
    }

  if (g_queue_is_empty (queue))
    g_hash_table_remove (self->flights, &op->intent_id);
  else
    run_start (self, g_queue_peek_head (queue));

  op_free (op);
  run_free (run);
}

static void
ledger_job_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  LedgerJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      run_finish (run, error);
      return;
    }

  job->outcome.intent_id = run->op->intent_id;
  run->outcome.state = job->outcome.state;
  run->outcome.newly_settled += job->outcome.newly_settled;
  run->outcome.settled_amount += job->outcome.settled_amount;
  run->outcome.bill_due = job->outcome.bill_due;
  run->outcome.bill_status = job->outcome.bill_status;
  run->outcome.overpaid = job->outcome.overpaid;
  run->outcome.intent_id = run->op->intent_id;
  run_finish (run, NULL);
}

/* Records a failed provider call on the intent (for staff and the reconciler), then reports
 * the provider's error, unchanged, to the callers. */
static void
note_error_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) ignored = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &ignored))
    g_warning ("Could not record a failed payment check: %s", ignored->message);

  run_finish (run, g_steal_pointer (&run->error));
}

static void
fail_with_note (Run           *run,
                GError        *error,
                TbIntentState  new_state)
{
  LedgerJob *job = ledger_job_new (run);

  g_clear_error (&run->error);
  run->error = error;
  job->note = g_strdup (error->message);
  if (new_state == TB_INTENT_FAILED)
    job->set_state = TB_INTENT_FAILED;
  else
    job->note_check = TRUE;
  run_ledger_job (run, job, note_error_done);
}

/* ---- the steps --------------------------------------------------------------------------- */

static void settle_check (Run *run);

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  run->check = tb_payment_provider_check_finish (TB_PAYMENT_PROVIDER (object), result, &error);
  if (run->check == NULL)
    {
      /* The cancel itself went through: the invoice can no longer be paid, so the intent is
       * closed even though the final check could not be made. */
      if (run->final_state == TB_INTENT_CANCELLED || run->final_state == TB_INTENT_EXPIRED)
        {
          LedgerJob *job = ledger_job_new (run);

          job->set_state = run->final_state;
          job->note = g_strdup (error->message);
          g_error_free (error);
          run_ledger_job (run, job, ledger_job_done);
          return;
        }
      fail_with_note (run, error, TB_INTENT_PENDING);
      return;
    }
  settle_check (run);
}

static void
provider_check (Run *run)
{
  tb_payment_provider_check_async (run->self->provider, run->intent->provider_invoice_id, NULL,
                                   check_done, run);
}

static void
settle_check (Run *run)
{
  LedgerJob *job = ledger_job_new (run);

  job->intent = run->intent;
  job->check = run->check;
  job->method_name = tb_payment_provider_get_name (run->self->provider);
  job->note_check = TRUE;
  if (run->final_state == TB_INTENT_CANCELLED || run->final_state == TB_INTENT_EXPIRED)
    job->set_state = run->final_state;
  run_ledger_job (run, job, ledger_job_done);
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;
  g_autoptr(TbProviderInvoice) invoice = NULL;
  LedgerJob *job;

  invoice = tb_payment_provider_create_finish (TB_PAYMENT_PROVIDER (object), result, &error);
  if (invoice == NULL)
    {
      /* A transient failure leaves the intent NEW: the next attempt sends the same
       * sender_invoice_no. A refusal is final for this intent. */
      fail_with_note (run, error,
                      tb_payment_provider_error_is_transient (run->self->provider, error)
                        ? TB_INTENT_PENDING : TB_INTENT_FAILED);
      return;
    }

  job = ledger_job_new (run);
  job->invoice = g_steal_pointer (&invoice);
  job->expires_us = g_get_real_time () + (gint64) run->self->lifetime_s * G_USEC_PER_SEC;
  run_ledger_job (run, job, ledger_job_done);
}

static void
provider_create (Run *run)
{
  TbProviderInvoiceRequest request = { 0 };
  g_autofree char *description = g_strdup_printf (C_("invoice description", "Bill %s"),
                                                  run->intent->bill_number);

  request.intent_id = run->intent->id;
  request.sender_invoice_no = run->intent->sender_invoice_no;
  request.amount = run->intent->amount;
  request.description = description;
  request.bill = run->bill;
  tb_payment_provider_create_async (run->self->provider, &request, NULL, create_done, run);
}

static void
cancel_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  if (!tb_payment_provider_cancel_finish (TB_PAYMENT_PROVIDER (object), result, &error))
    {
      if (tb_payment_provider_error_is_already_paid (run->self->provider, error))
        {
          /* Paid before we could cancel: settle it and keep the intent as it is. */
          g_clear_error (&error);
          run->final_state = TB_INTENT_PAID;
          provider_check (run);
          return;
        }
      fail_with_note (run, error, TB_INTENT_PENDING);
      return;
    }

  /* Cancelled: one final check, which also moves the intent to its final state, catches a
   * payment that raced the cancel. */
  provider_check (run);
}

static void
expire_check_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  run->check = tb_payment_provider_check_finish (TB_PAYMENT_PROVIDER (object), result, &error);
  if (run->check == NULL)
    {
      fail_with_note (run, error, TB_INTENT_PENDING);
      return;
    }

  /* Paid in full: settle, no cancel needed. Otherwise cancel, then settle what was found. */
  if (run->check->paid_total >= run->intent->amount && run->check->payments->len > 0)
    {
      run->final_state = TB_INTENT_PAID;
      settle_check (run);
      return;
    }
  g_clear_pointer (&run->check, tb_provider_check_free);
  tb_payment_provider_cancel_async (run->self->provider, run->intent->provider_invoice_id, NULL,
                                    cancel_done, run);
}

static void
intent_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  LedgerJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  TbIntent *intent;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      run_finish (run, error);
      return;
    }

  intent = run->intent = g_steal_pointer (&job->result_intent);
  run->bill = g_steal_pointer (&job->result_bill);
  run->state_before = intent->state;
  run->outcome = job->outcome;
  run->outcome.newly_settled = 0;
  run->outcome.settled_amount = 0;

  switch (run->op->kind)
    {
    case OP_CHECK:
      if (intent->provider_invoice_id != NULL)
        provider_check (run);
      else if (intent->state == TB_INTENT_NEW)
        provider_create (run);
      else
        run_finish (run, NULL);
      break;

    case OP_CANCEL:
    case OP_EXPIRE:
      run->final_state = run->op->kind == OP_CANCEL ? TB_INTENT_CANCELLED : TB_INTENT_EXPIRED;
      if (!tb_intent_is_open (intent))
        run_finish (run, NULL);
      else if (intent->provider_invoice_id == NULL)
        {
          /* The provider never answered the create: no QR was shown, nobody can pay it. */
          LedgerJob *state_job = ledger_job_new (run);
          state_job->set_state = run->final_state;
          run_ledger_job (run, state_job, ledger_job_done);
        }
      else if (run->op->kind == OP_CANCEL)
        tb_payment_provider_cancel_async (run->self->provider, intent->provider_invoice_id, NULL,
                                          cancel_done, run);
      else
        tb_payment_provider_check_async (run->self->provider, intent->provider_invoice_id, NULL,
                                         expire_check_done, run);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
run_start (TbPaymentService *self,
           Op               *op)
{
  Run *run = g_new0 (Run, 1);

  run->self = g_object_ref (self);
  run->op = op;
  run->final_state = TB_INTENT_NEW;
  run_ledger_job (run, ledger_job_new (run), intent_loaded);
}

static void
enqueue (TbPaymentService *self,
         OpKind            kind,
         gint64            intent_id,
         GTask            *task)
{
  GQueue *queue = g_hash_table_lookup (self->flights, &intent_id);
  Op *last;
  Op *op;

  if (queue == NULL)
    {
      gint64 *key = g_new (gint64, 1);

      *key = intent_id;
      queue = g_queue_new ();
      g_hash_table_insert (self->flights, key, queue);
    }

  /* A check joins a check that is running or waiting: one provider request answers both. */
  last = g_queue_peek_tail (queue);
  if (kind == OP_CHECK && last != NULL && last->kind == OP_CHECK)
    {
      g_ptr_array_add (last->waiters, g_object_ref (task));
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = kind;
  op->intent_id = intent_id;
  op->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (op->waiters, g_object_ref (task));
  g_queue_push_tail (queue, op);

  if (g_queue_get_length (queue) == 1)
    run_start (self, op);
}

static void
start_op (TbPaymentService    *self,
          OpKind               kind,
          gint64               intent_id,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* A cancelled caller stops waiting; the provider request itself runs to its end so that its
   * answer (perhaps a payment) is still recorded. */
  g_task_set_return_on_cancel (task, FALSE);
  enqueue (self, kind, intent_id, task);
}

static gboolean
finish_op (GAsyncResult    *result,
           TbCheckOutcome  *out_outcome,
           GError         **error)
{
  g_autofree TbCheckOutcome *outcome = g_task_propagate_pointer (G_TASK (result), error);

  if (outcome == NULL)
    return FALSE;
  if (out_outcome != NULL)
    *out_outcome = *outcome;
  return TRUE;
}

void
tb_payment_service_check_async (TbPaymentService    *self,
                                gint64               intent_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));
  start_op (self, OP_CHECK, intent_id, cancellable, callback, user_data, tb_payment_service_check_async);
}

gboolean
tb_payment_service_check_finish (TbPaymentService  *self,
                                 GAsyncResult      *result,
                                 TbCheckOutcome    *out_outcome,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_op (result, out_outcome, error);
}

void
tb_payment_service_cancel_async (TbPaymentService    *self,
                                 gint64               intent_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));
  start_op (self, OP_CANCEL, intent_id, cancellable, callback, user_data, tb_payment_service_cancel_async);
}

gboolean
tb_payment_service_cancel_finish (TbPaymentService  *self,
                                  GAsyncResult      *result,
                                  TbCheckOutcome    *out_outcome,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_op (result, out_outcome, error);
}

void
tb_payment_service_expire_async (TbPaymentService    *self,
                                 gint64               intent_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));
  start_op (self, OP_EXPIRE, intent_id, cancellable, callback, user_data, tb_payment_service_expire_async);
}

gboolean
tb_payment_service_expire_finish (TbPaymentService  *self,
                                  GAsyncResult      *result,
                                  TbCheckOutcome    *out_outcome,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return finish_op (result, out_outcome, error);
}

/* ---- opening an intent (the QR) ------------------------------------------------------------ */

typedef struct
{
  gint64     bill_id;
  gint64     amount;
  GPtrArray *to_cancel;    /* gint64* intent ids */
  guint      next_cancel;
  TbIntent  *intent;       /* the one to use */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_pointer (&data->to_cancel, g_ptr_array_unref);
  g_clear_pointer (&data->intent, tb_intent_free);
  g_free (data);
}

/* Thread: decide what to do with the bill's open intents. */
static void
open_plan_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TbPaymentService *self = source_object;
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(TbBill) bill = NULL;
  const char *provider = tb_payment_provider_get_name (self->provider);
  const char *environment = tb_payment_provider_get_environment (self->provider);
  /* A QR about to expire is not worth showing again: keep a minute of margin. */
  gint64 usable_until = g_get_real_time () + 60 * G_USEC_PER_SEC;

  bill = tb_ledger_get_bill (self->ledger, data->bill_id, &error);
  if (bill == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  open = tb_ledger_list_intents (self->ledger, TB_INTENT_FILTER_OPEN, data->bill_id, 100, &error);
  if (open == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->to_cancel = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < open->len; i++)
    {
      TbIntent *intent = open->pdata[i];
      gboolean ours = g_strcmp0 (intent->provider, provider) == 0 &&
                      g_strcmp0 (intent->environment, environment) == 0;
      gboolean usable = intent->state == TB_INTENT_NEW ||
                        (intent->qr_text != NULL &&
                         (intent->expires_us == 0 || intent->expires_us > usable_until));

      if (data->intent == NULL && ours && intent->amount == data->amount && usable)
        data->intent = g_steal_pointer (&open->pdata[i]);
      else
        {
          gint64 *id = g_new (gint64, 1);
          *id = intent->id;
          g_ptr_array_add (data->to_cancel, id);
        }
    }

  /* A new QR must fit what is still owed and the provider's rules; reusing one that is already
   * on a screen is always allowed (it was checked when it was made). */
  if (data->intent == NULL &&
      !tb_payment_service_validate_amount (self, data->amount, tb_bill_get_due (bill), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void open_next_step (GTask *task);

static void
open_cancelled_one (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tb_payment_service_cancel_finish (TB_PAYMENT_SERVICE (object), result, NULL, &error))
    {
      /* If the old invoice cannot be cancelled, a second QR could be paid on top of it. */
      g_task_return_new_error (task, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                               _("The previous QR for this bill could not be cancelled: %s"),
                               error->message);
      return;
    }
  open_next_step (g_steal_pointer (&task));
}

static void
open_checked (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TbCheckOutcome outcome;

  if (!tb_payment_service_check_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  open_next_step (g_steal_pointer (&task));
}

static void
open_reload_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TbPaymentService *self = source_object;
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  TbIntent *intent;

  if (data->intent == NULL)
    {
      /* Commit the intent and its number before the provider is called. */
      intent = tb_ledger_create_intent (self->ledger, data->bill_id,
                                        tb_payment_provider_get_name (self->provider),
                                        tb_payment_provider_get_environment (self->provider),
                                        data->amount, &error);
    }
  else
    intent = tb_ledger_get_intent (self->ledger, data->intent->id, &error);

  if (intent == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&data->intent, tb_intent_free);
  data->intent = intent;
  g_task_return_boolean (task, TRUE);
}

static void
open_reloaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TbPaymentService *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->intent->state)
    {
    case TB_INTENT_NEW:
      /* Not created at the provider yet (or its answer was lost): a check creates it, with
       * the same sender_invoice_no. */
      g_signal_emit (self, signals[INTENT_CHANGED], 0, data->intent->id, (int) data->intent->state);
      tb_payment_service_check_async (self, data->intent->id, NULL, open_checked, g_steal_pointer (&task));
      return;

    case TB_INTENT_PENDING:
    case TB_INTENT_PAID:
      g_task_return_pointer (task, g_steal_pointer (&data->intent), (GDestroyNotify) tb_intent_free);
      return;

    case TB_INTENT_FAILED:
      g_task_return_new_error (task, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED, "%s",
                               data->intent->last_error != NULL ? data->intent->last_error
                                                                : _("The payment provider refused the request."));
      return;

    case TB_INTENT_CANCELLED:
    case TB_INTENT_EXPIRED:
    default:
      g_task_return_new_error (task, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE, "%s",
                               _("The QR was cancelled meanwhile. Try again."));
      return;
    }
}

static void
open_next_step (GTask *task)
{
  OpenData *data = g_task_get_task_data (task);
  TbPaymentService *self = g_task_get_source_object (task);
  GTask *reload;

  /* First cancel the bill's other open QRs, one at a time. */
  if (data->next_cancel < data->to_cancel->len)
    {
      gint64 id = *(gint64 *) data->to_cancel->pdata[data->next_cancel++];

      tb_payment_service_cancel_async (self, id, NULL, open_cancelled_one, task);
      return;
    }

  reload = g_task_new (self, NULL, open_reloaded, task);
  g_task_set_task_data (reload, data, NULL);
  g_task_run_in_thread (reload, open_reload_thread);
  g_object_unref (reload);
}

static void
open_planned (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  open_next_step (g_steal_pointer (&task));
}

void
tb_payment_service_open_async (TbPaymentService    *self,
                               gint64               bill_id,
                               gint64               amount,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GTask *plan;
  OpenData *data;

  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_payment_service_open_async);
  g_task_set_return_on_cancel (task, FALSE);

  data = g_new0 (OpenData, 1);
  data->bill_id = bill_id;
  data->amount = amount;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  plan = g_task_new (self, NULL, open_planned, g_steal_pointer (&task));
  g_task_set_task_data (plan, data, NULL);
  g_task_run_in_thread (plan, open_plan_thread);
  g_object_unref (plan);
}

TbIntent *
tb_payment_service_open_finish (TbPaymentService  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the object ---------------------------------------------------------------------------- */

gboolean
tb_payment_service_validate_amount (TbPaymentService  *self,
                                    gint64             amount,
                                    gint64             due,
                                    GError           **error)
{
  gint64 minimum;

  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (self), FALSE);

  minimum = tb_payment_provider_get_minimum (self->provider);

  if (amount <= 0)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The amount must be more than zero."));
      return FALSE;
    }
  if (amount > due)
    {
      g_autofree char *text = tb_money_format (due, "MNT");

      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                   _("The amount is more than the %s still due on this bill."), text);
      return FALSE;
    }
  if (amount < minimum)
    {
      g_autofree char *text = tb_money_format (minimum, "MNT");

      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                   _("A QR payment must be at least %s."), text);
      return FALSE;
    }
  if (tb_payment_provider_whole_units_only (self->provider) && amount % 100 != 0)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("A QR payment takes whole tögrög only. Round the amount."));
      return FALSE;
    }
  return TRUE;
}

gboolean
tb_payment_service_error_is_transient (TbPaymentService *self,
                                       const GError     *error)
{
  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (self), FALSE);
  return tb_payment_provider_error_is_transient (self->provider, error);
}

static void
tb_payment_service_dispose (GObject *object)
{
  TbPaymentService *self = TB_PAYMENT_SERVICE (object);

  g_clear_object (&self->provider);
  g_clear_object (&self->ledger);
  G_OBJECT_CLASS (tb_payment_service_parent_class)->dispose (object);
}

static void
tb_payment_service_finalize (GObject *object)
{
  TbPaymentService *self = TB_PAYMENT_SERVICE (object);

  /* Every op holds a reference on the service, so none can be left here. */
  g_assert (g_hash_table_size (self->flights) == 0);
  g_clear_pointer (&self->flights, g_hash_table_unref);
  G_OBJECT_CLASS (tb_payment_service_parent_class)->finalize (object);
}

static void
tb_payment_service_class_init (TbPaymentServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_payment_service_dispose;
  object_class->finalize = tb_payment_service_finalize;

  /**
   * TbPaymentService::intent-changed:
   * @intent_id: the intent
   * @state: its #TbIntentState now
   *
   * An intent changed state or had payments recorded. Emitted on the main thread.
   */
  signals[INTENT_CHANGED] =
    g_signal_new ("intent-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);

  /**
   * TbPaymentService::payment-settled:
   * @bill_id: the bill
   * @amount: what was newly recorded, minor units
   * @intent_id: the intent
   *
   * Payments were recorded in the ledger (each exactly once).
   */
  signals[PAYMENT_SETTLED] =
    g_signal_new ("payment-settled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64);
}

static void
tb_payment_service_init (TbPaymentService *self)
{
  self->lifetime_s = TB_PAYMENT_SERVICE_DEFAULT_LIFETIME_S;
  self->flights = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) g_queue_free);
}

TbPaymentService *
tb_payment_service_new (TbLedger          *ledger,
                        TbPaymentProvider *provider)
{
  TbPaymentService *self;

  g_return_val_if_fail (TB_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (TB_IS_PAYMENT_PROVIDER (provider), NULL);

  self = g_object_new (TB_TYPE_PAYMENT_SERVICE, NULL);
  self->ledger = g_object_ref (ledger);
  self->provider = g_object_ref (provider);
  return self;
}

TbLedger *
tb_payment_service_get_ledger (TbPaymentService *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (self), NULL);
  return self->ledger;
}

TbPaymentProvider *
tb_payment_service_get_provider (TbPaymentService *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (self), NULL);
  return self->provider;
}

void
tb_payment_service_set_lifetime (TbPaymentService *self,
                                 guint             seconds)
{
  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));
  self->lifetime_s = MAX (seconds, 1);
}

guint
tb_payment_service_get_lifetime (TbPaymentService *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (self), 0);
  return self->lifetime_s;
}

void
tb_payment_service_set_receipts_enabled (TbPaymentService *self,
                                         gboolean          enabled)
{
  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));
  self->receipts_enabled = enabled;
}
