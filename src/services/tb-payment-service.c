/* tb-payment-service.c: payment intents from QR to settlement
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"
#include "core/tb-money.h"
#include "tb-payment-steps.h"
#include "tb-service-error.h"

/* How long one desk may take to get an intent's invoice before another desk may try: longer
 * than a login plus a create request (20 s each by default). A second invoice made after it
 * ran out is still recorded and cancelled. */
#define CREATE_LEASE_US  (60 * G_USEC_PER_SEC)

struct _TbPaymentService
{
  GObject            parent_instance;

  TbLedger          *ledger;
  TbPaymentProvider *provider;
  TbClock           *clock;
  char              *lease_owner;   /* this service's name in intent leases */
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
  GPtrArray        *invoices;      /* TbRunInvoice* */
  guint             next;
  gboolean          claimed;       /* this run holds the lease to create the invoice */
  TbIntentState     state_before;
  TbCheckOutcome    outcome;
  TbIntentState     final_state;   /* CANCELLED or EXPIRED once the cancel is confirmed; PAID */
  GError           *error;         /* what the op reports: the provider's own error */
  char             *note;          /* why, for staff, on the intent */
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
  g_clear_pointer (&run->invoices, g_ptr_array_unref);
  g_clear_object (&run->self);
  g_clear_error (&run->error);
  g_free (run->note);
  g_free (run);
}

static gboolean
is_closing (TbIntentState state)
{
  return state == TB_INTENT_CANCELLED || state == TB_INTENT_EXPIRED;
}

static TbWriteStep *
step_op_new (Run *run)
{
  TbWriteStep *op = g_new0 (TbWriteStep, 1);

  op->intent_id = run->op->intent_id;
  op->bill_id = run->intent != NULL ? run->intent->bill_id : 0;
  op->method = TB_METHOD_QPAY;
  tb_payment_method_from_string (tb_payment_provider_get_name (run->self->provider), &op->method);
  op->skip_receipt = !run->self->receipts_enabled;
  op->set_state = -1;
  op->flags = g_ptr_array_new_with_free_func (g_free);
  return op;
}

static void
run_step (Run                 *run,
          TbWriteStep              *op,
          GAsyncReadyCallback  callback)
{
  tb_ledger_task_run (run->self->ledger, run->self, _tb_write_step_func, op, (GDestroyNotify) _tb_write_step_free,
                      NULL, callback, run);
}

/* ---- finishing an op ------------------------------------------------------------------- */

static void
emit_changes (Run *run)
{
  TbPaymentService *self = run->self;
  gint64 intent_id = run->op->intent_id;

  if (run->outcome.newly_settled > 0)
    g_signal_emit (self, signals[PAYMENT_SETTLED], 0, run->intent != NULL ? run->intent->bill_id : (gint64) 0,
                   run->outcome.settled_amount, intent_id);
  if (run->outcome.state != run->state_before || run->outcome.newly_settled > 0 ||
      run->outcome.newly_reversed > 0 || run->outcome.flagged > 0)
    g_signal_emit (self, signals[INTENT_CHANGED], 0, intent_id, (int) run->outcome.state);
}

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

  run->outcome.intent_id = op->intent_id;
  for (guint i = 0; i < op->waiters->len; i++)
    {
      GTask *task = op->waiters->pdata[i];

      if (owned_error != NULL)
        g_task_return_error (task, g_error_copy (owned_error));
      else
        g_task_return_pointer (task, g_memdup2 (&run->outcome, sizeof run->outcome), g_free);
    }

  if (owned_error == NULL)
    emit_changes (run);

  if (g_queue_is_empty (queue))
    g_hash_table_remove (self->flights, &op->intent_id);
  else
    run_start (self, g_queue_peek_head (queue));

  op_free (op);
  run_free (run);
}

static void
take_outcome (Run                  *run,
              const TbCheckOutcome *outcome)
{
  run->outcome.state = outcome->state;
  run->outcome.newly_settled += outcome->newly_settled;
  run->outcome.settled_amount += outcome->settled_amount;
  run->outcome.newly_reversed += outcome->newly_reversed;
  run->outcome.reversed_amount += outcome->reversed_amount;
  run->outcome.flagged += outcome->flagged;
  run->outcome.bill_due = outcome->bill_due;
  run->outcome.bill_status = outcome->bill_status;
  run->outcome.overpaid = outcome->overpaid;
  run->outcome.extra_invoices = outcome->extra_invoices;
}

/* The last step's outcome; the op then reports @run->error, or success. */
static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;
  TbWriteStep *op = tb_ledger_task_get_op (result);
  GError *error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      run_finish (run, error);
      return;
    }
  take_outcome (run, &op->outcome);
  run_finish (run, g_steal_pointer (&run->error));
}

/* ---- checking and cancelling the intent's invoices ------------------------------------ */

static void work_next (Run *run);

static TbRunInvoice *
current_invoice (Run *run)
{
  return run->invoices->pdata[run->next];
}

static gboolean
is_own (Run     *run,
        TbRunInvoice *invoice)
{
  return !invoice->extra;
}

static void
invoice_checked (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  TbRunInvoice *invoice = current_invoice (run);
  GError *error = NULL;

  invoice->check = tb_payment_provider_check_finish (TB_PAYMENT_PROVIDER (object), result, &error);
  if (invoice->check != NULL || !is_own (run, invoice))
    g_clear_error (&error);
  else if (run->note == NULL)
    run->note = g_strdup (error->message);
  /* A check reports its failure; a cancel reports only its own (its final check is retried by
   * the reconciler). */
  if (error != NULL && run->error == NULL && run->op->kind == OP_CHECK)
    run->error = g_steal_pointer (&error);
  g_clear_error (&error);
  work_next (run);
}

static void
invoice_cancelled (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Run *run = user_data;
  TbRunInvoice *invoice = current_invoice (run);
  GError *error = NULL;

  if (tb_payment_provider_cancel_finish (TB_PAYMENT_PROVIDER (object), result, &error))
    invoice->cancelled = TRUE;
  else if (tb_payment_provider_error_is_already_paid (run->self->provider, error))
    {
      /* Paid before the cancel: settle it (the check below) and keep the intent as it is. */
      if (is_own (run, invoice))
        run->final_state = TB_INTENT_PAID;
      g_error_free (error);
    }
  else if (is_own (run, invoice))
    {
      /* Lost, unreadable or refused: the invoice may still take money. The intent stays open
       * and is checked on; the caller hears the provider's own error. */
      run->final_state = TB_INTENT_NEW;
      g_free (run->note);
      run->note = g_strdup_printf (_("The QR could not be cancelled (%s). It may still be paid: Tulbur keeps checking it."),
                                   error->message);
      g_clear_error (&run->error);
      run->error = error;
    }
  else
    g_error_free (error);
  work_next (run);
}

static gboolean
wants_cancel (Run     *run,
              TbRunInvoice *invoice)
{
  return invoice->extra || is_closing (run->final_state);
}

static void
apply_invoices (Run *run)
{
  TbWriteStep *op = step_op_new (run);
  gboolean own_checked = FALSE;

  for (guint i = 0; i < run->invoices->len; i++)
    {
      TbRunInvoice *invoice = run->invoices->pdata[i];

      own_checked |= is_own (run, invoice) && invoice->check != NULL;
    }
  op->invoices = run->invoices;
  op->note = g_strdup (run->note);
  /* A cancel the provider confirmed closes the intent, even when the final check failed: not
   * noting a check then keeps it due for the reconciler's next look. */
  if (is_closing (run->final_state))
    op->set_state = run->final_state;
  op->note_check = own_checked || (op->note != NULL && !is_closing (run->final_state));
  run_step (run, op, step_done);
}

static void
work_next (Run *run)
{
  TbPaymentProvider *provider = run->self->provider;

  for (; run->next < run->invoices->len; run->next++)
    {
      TbRunInvoice *invoice = current_invoice (run);

      if (wants_cancel (run, invoice) && !invoice->cancel_tried)
        {
          invoice->cancel_tried = TRUE;
          tb_payment_provider_cancel_async (provider, invoice->invoice_id, NULL, invoice_cancelled, run);
          return;
        }
      if (!invoice->check_tried)
        {
          invoice->check_tried = TRUE;
          tb_payment_provider_check_async (provider, invoice->invoice_id, NULL, invoice_checked, run);
          return;
        }
    }
  apply_invoices (run);
}

/* Expiry: a first check of the own invoice; paid in full needs no cancel. */
static void
expire_checked (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  TbRunInvoice *own = run->invoices->pdata[0];
  GError *error = NULL;
  g_autoptr(TbProviderCheck) check = NULL;

  check = tb_payment_provider_check_finish (TB_PAYMENT_PROVIDER (object), result, &error);
  if (check == NULL)
    {
      /* Cannot tell whether it was paid: no cancel now; the next pass tries again. */
      run->final_state = TB_INTENT_NEW;
      run->note = g_strdup (error->message);
      run->error = error;
      run->next = run->invoices->len;
      apply_invoices (run);
      return;
    }
  if (check->paid_total >= run->intent->amount && check->payments->len > 0)
    {
      run->final_state = TB_INTENT_PAID;
      own->check = g_steal_pointer (&check);
      own->check_tried = TRUE;
    }
  work_next (run);
}

/* ---- creating the invoice -------------------------------------------------------------- */

static void
extra_cancelled (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  TbRunInvoice *invoice = run->invoices->pdata[run->invoices->len - 1];
  g_autoptr(GError) error = NULL;
  TbWriteStep *op;

  /* Not confirmed: it stays a live extra invoice, and later checks cancel it. */
  if (!tb_payment_provider_cancel_finish (TB_PAYMENT_PROVIDER (object), result, &error))
    {
      run_finish (run, NULL);
      return;
    }
  invoice->cancelled = TRUE;
  invoice->check_tried = TRUE;
  invoice->unseen = TRUE;
  op = step_op_new (run);
  op->invoices = run->invoices;
  run_step (run, op, step_done);
}

static void
invoice_added (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  TbWriteStep *op = tb_ledger_task_get_op (result);
  GError *error = NULL;
  TbRunInvoice *invoice;

  if (!tb_ledger_task_finish (result, &error))
    {
      run_finish (run, error);
      return;
    }
  take_outcome (run, &op->outcome);
  if (!op->extra)
    {
      run_finish (run, NULL);
      return;
    }

  /* Another desk's invoice got there first (or the intent was closed meanwhile): ours must not
   * stay payable. It is on record, so a failed cancel here is retried by later checks. */
  g_info ("Intent %" G_GINT64_FORMAT " got a second provider invoice; cancelling it", run->op->intent_id);
  invoice = g_new0 (TbRunInvoice, 1);
  invoice->invoice_id = g_strdup (op->invoice->invoice_id);
  invoice->extra = TRUE;
  g_ptr_array_add (run->invoices, invoice);
  tb_payment_provider_cancel_async (run->self->provider, invoice->invoice_id, NULL, extra_cancelled, run);
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;
  TbProviderInvoice *invoice;
  TbWriteStep *op = step_op_new (run);

  invoice = tb_payment_provider_create_finish (TB_PAYMENT_PROVIDER (object), result, &error);
  if (invoice == NULL)
    {
      /* A transient failure leaves the intent NEW: the next attempt sends the same
       * sender_invoice_no. A refusal is final for this intent. Either way the lease goes. */
      op->release_owner = g_strdup (run->self->lease_owner);
      op->note = g_strdup (error->message);
      if (tb_payment_provider_error_is_transient (run->self->provider, error))
        op->note_check = TRUE;
      else
        op->set_state = TB_INTENT_FAILED;
      run->error = error;
      run_step (run, op, step_done);
      return;
    }

  op->invoice = invoice;
  op->expires_us = tb_clock_now_us (run->self->clock) + (gint64) run->self->lifetime_s * G_USEC_PER_SEC;
  run_step (run, op, invoice_added);
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

/* ---- starting an op --------------------------------------------------------------------- */

static void
take_invoices (Run       *run,
               GPtrArray *ids)
{
  run->invoices = g_ptr_array_new_with_free_func ((GDestroyNotify) _tb_run_invoice_free);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      TbRunInvoice *invoice = g_new0 (TbRunInvoice, 1);

      invoice->invoice_id = g_strdup (ids->pdata[i]);
      invoice->extra = g_strcmp0 (invoice->invoice_id, run->intent->provider_invoice_id) != 0;
      g_ptr_array_add (run->invoices, invoice);
    }
}

static void
start_cancel (Run *run)
{
  TbIntent *intent = run->intent;
  gboolean has_own = run->invoices->len > 0 && is_own (run, run->invoices->pdata[0]);

  if (!tb_intent_is_open (intent) || !has_own)
    {
      /* Closed already, or never created at the provider (nobody can pay it); extra invoices
       * are still cancelled and checked. */
      if (!tb_intent_is_open (intent))
        run->final_state = TB_INTENT_NEW;
      if (has_own)
        ((TbRunInvoice *) run->invoices->pdata[0])->check_tried = TRUE;
      work_next (run);
      return;
    }
  if (run->op->kind == OP_EXPIRE)
    {
      TbRunInvoice *own = run->invoices->pdata[0];

      tb_payment_provider_check_async (run->self->provider, own->invoice_id, NULL, expire_checked, run);
      return;
    }
  work_next (run);
}

static void
intent_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  TbLoadStep *op = tb_ledger_task_get_op (result);
  GError *error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      run_finish (run, error);
      return;
    }

  run->intent = g_steal_pointer (&op->intent);
  run->bill = g_steal_pointer (&op->bill);
  run->claimed = op->claimed;
  run->state_before = run->outcome.state = run->intent->state;
  if (op->foreign)
    {
      run_finish (run, g_error_new (TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED,
                                    _("This QR was made with other payment settings (%s, %s). Switch back to them to check or cancel it."),
                                    run->intent->provider, run->intent->environment));
      return;
    }
  take_invoices (run, op->invoices);

  if (run->op->kind != OP_CHECK)
    {
      run->final_state = run->op->kind == OP_CANCEL ? TB_INTENT_CANCELLED : TB_INTENT_EXPIRED;
      start_cancel (run);
    }
  else if (run->claimed)
    provider_create (run);
  else if (run->intent->state == TB_INTENT_NEW && run->intent->provider_invoice_id == NULL)
    {
      /* Another desk holds the lease and is creating the invoice now. */
      run->outcome.creating_elsewhere = TRUE;
      run_step (run, step_op_new (run), step_done);
    }
  else
    work_next (run);
}

static void
run_start (TbPaymentService *self,
           Op               *op)
{
  Run *run = g_new0 (Run, 1);
  TbLoadStep *load = g_new0 (TbLoadStep, 1);
  gint64 now = tb_clock_now_us (self->clock);

  run->self = g_object_ref (self);
  run->op = op;
  run->final_state = TB_INTENT_NEW;

  load->intent_id = op->intent_id;
  load->create = op->kind == OP_CHECK;
  load->provider = g_strdup (tb_payment_provider_get_name (self->provider));
  load->environment = g_strdup (tb_payment_provider_get_environment (self->provider));
  load->owner = g_strdup (self->lease_owner);
  load->now_us = now;
  load->lease_until_us = now + CREATE_LEASE_US;
  tb_ledger_task_run (self->ledger, self, _tb_load_step_func, load, (GDestroyNotify) _tb_load_step_free, NULL,
                      intent_loaded, run);
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

void
_tb_payment_service_emit_intent_changed (TbPaymentService *self,
                                         gint64            intent_id,
                                         TbIntentState     state)
{
  g_signal_emit (self, signals[INTENT_CHANGED], 0, intent_id, (int) state);
}

/* ---- the object ---------------------------------------------------------------------------- */

gboolean
_tb_payment_validate_amount (gint64     amount,
                 gint64     due,
                 gint64     minimum,
                 gboolean   whole_units,
                 GError   **error)
{
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
  if (whole_units && amount % 100 != 0)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("A QR payment takes whole tögrög only. Round the amount."));
      return FALSE;
    }
  return TRUE;
}

gboolean
tb_payment_service_validate_amount (TbPaymentService  *self,
                                    gint64             amount,
                                    gint64             due,
                                    GError           **error)
{
  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (self), FALSE);

  return _tb_payment_validate_amount (amount, due, tb_payment_provider_get_minimum (self->provider),
                          tb_payment_provider_whole_units_only (self->provider), error);
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
  g_clear_object (&self->clock);
  G_OBJECT_CLASS (tb_payment_service_parent_class)->dispose (object);
}

static void
tb_payment_service_finalize (GObject *object)
{
  TbPaymentService *self = TB_PAYMENT_SERVICE (object);

  /* Every op holds a reference on the service, so none can be left here. */
  g_assert (g_hash_table_size (self->flights) == 0);
  g_clear_pointer (&self->flights, g_hash_table_unref);
  g_free (self->lease_owner);
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
   * An intent changed state, had payments recorded or reversed, or was flagged. Emitted on the
   * main thread.
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
  self->clock = tb_clock_new_system ();
  self->lease_owner = _tb_payment_lease_owner_new ();
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

void
tb_payment_service_set_clock (TbPaymentService *self,
                              TbClock          *clock)
{
  g_return_if_fail (TB_IS_PAYMENT_SERVICE (self));
  g_return_if_fail (TB_IS_CLOCK (clock));
  g_set_object (&self->clock, clock);
}

TbClock *
tb_payment_service_get_clock (TbPaymentService *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_SERVICE (self), NULL);
  return self->clock;
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
