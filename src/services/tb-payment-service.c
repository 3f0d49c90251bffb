/* tb-payment-service.c: payment intents from QR to settlement
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/tb-ledger-task.h"
#include "core/tb-money.h"
#include "tb-payment-service.h"
#include "tb-service-error.h"

/* How long one desk may take to get an intent's invoice before another desk may try: longer
 * than a login plus a create request (20 s each by default). A second invoice made after it
 * ran out is still recorded and cancelled. */
#define CREATE_LEASE_US  (60 * G_USEC_PER_SEC)
/* How often a desk waiting for another desk's invoice looks again. */
#define CREATE_WAIT_MS   250
/* A QR about to expire is not worth showing again: keep a minute of margin. */
#define REUSE_MARGIN_US  (60 * G_USEC_PER_SEC)
/* Rounds of "cancel the bill's other QRs, then decide again" before giving up. */
#define OPEN_MAX_ROUNDS  4

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

/* One invoice of the intent, as a run works on it. */
typedef struct
{
  char            *invoice_id;
  gboolean         extra;          /* not the intent's own invoice: cancel it */
  gboolean         cancel_tried;
  gboolean         cancelled;      /* the provider confirmed the cancel */
  gboolean         check_tried;
  TbProviderCheck *check;          /* the answer, NULL when the check failed */
} Invoice;

/* One running op. */
typedef struct
{
  TbPaymentService *self;
  Op               *op;
  TbIntent         *intent;
  TbBill           *bill;          /* for a create: the lines some invoice forms carry */
  GPtrArray        *invoices;      /* Invoice* */
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
invoice_free (Invoice *invoice)
{
  g_free (invoice->invoice_id);
  g_clear_pointer (&invoice->check, tb_provider_check_free);
  g_free (invoice);
}

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

/* ---- ledger work in a worker thread (tb_ledger_task) ----------------------------------- */

/* Loads an op's intent; a check of a NEW intent takes the create lease first. */
typedef struct
{
  gint64     intent_id;
  gboolean   create;
  char      *owner;
  gint64     now_us;
  gint64     lease_until_us;
  /* out */
  TbIntent  *intent;
  TbBill    *bill;
  gboolean   claimed;
  GPtrArray *invoices;             /* char* */
} LoadOp;

static void
load_op_free (LoadOp *op)
{
  g_free (op->owner);
  g_clear_pointer (&op->intent, tb_intent_free);
  g_clear_pointer (&op->bill, tb_bill_free);
  g_clear_pointer (&op->invoices, g_ptr_array_unref);
  g_free (op);
}

/* "<uuid>@<host>:<pid>": unique, and tells whether its process is gone. */
static char *
make_lease_owner (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("%s@%s:%d", uuid, g_get_host_name (), (int) getpid ());
}

/* A lease whose process died on this machine (a crash, a killed CLI) need not be waited for. */
static gboolean
lease_owner_is_gone (const char *owner)
{
  const char *at = owner != NULL ? strchr (owner, '@') : NULL;
  const char *colon = at != NULL ? strrchr (at, ':') : NULL;
  g_autofree char *host = NULL;
  gint64 pid;

  if (colon == NULL)
    return FALSE;
  host = g_strndup (at + 1, (gsize) (colon - at - 1));
  pid = g_ascii_strtoll (colon + 1, NULL, 10);
  if (g_strcmp0 (host, g_get_host_name ()) != 0 || pid <= 0 || pid > G_MAXINT)
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

static gboolean
claim (TbLedger  *ledger,
       LoadOp    *op,
       GError   **error)
{
  g_clear_pointer (&op->intent, tb_intent_free);
  op->intent = tb_ledger_intent_claim_create (ledger, op->intent_id, op->owner, NULL, op->now_us,
                                              op->lease_until_us, &op->claimed, error);
  if (op->intent != NULL && !op->claimed && lease_owner_is_gone (op->intent->lease_owner))
    {
      g_autofree char *stale = g_strdup (op->intent->lease_owner);

      g_clear_pointer (&op->intent, tb_intent_free);
      op->intent = tb_ledger_intent_claim_create (ledger, op->intent_id, op->owner, stale, op->now_us,
                                                  op->lease_until_us, &op->claimed, error);
    }
  return op->intent != NULL;
}

static gboolean
load_func (TbLedger  *ledger,
           gpointer   data,
           GError   **error)
{
  LoadOp *op = data;

  op->intent = tb_ledger_get_intent (ledger, op->intent_id, error);
  if (op->intent == NULL)
    return FALSE;

  if (op->create && op->intent->state == TB_INTENT_NEW && op->intent->provider_invoice_id == NULL)
    {
      if (!claim (ledger, op, error))
        return FALSE;
      if (op->claimed)
        return (op->bill = tb_ledger_get_bill (ledger, op->intent->bill_id, error)) != NULL;
    }

  op->invoices = tb_ledger_intent_live_invoices (ledger, op->intent_id, error);
  return op->invoices != NULL;
}

/* Everything a step writes, in one worker call: the invoice a create got, the rows of the
 * checks, cancelled extra invoices, the intent's new state, the lease, the check note; then
 * the outcome is read back. */
typedef struct
{
  gint64             intent_id;
  gint64             bill_id;
  TbPaymentMethod    method;
  gboolean           skip_receipt;
  TbProviderInvoice *invoice;      /* a create's answer */
  gint64             expires_us;
  GPtrArray         *invoices;     /* Invoice*, borrowed from the run */
  int                set_state;    /* -1: none */
  char              *release_owner;
  gboolean           note_check;
  char              *note;
  /* out */
  gboolean           extra;        /* the create's invoice was kept as an extra one */
  GPtrArray         *flags;        /* char*: what was not credited, for staff */
  TbCheckOutcome     outcome;
} StepOp;

static void
step_op_free (StepOp *op)
{
  g_clear_pointer (&op->invoice, tb_provider_invoice_free);
  g_clear_pointer (&op->flags, g_ptr_array_unref);
  g_free (op->release_owner);
  g_free (op->note);
  g_free (op);
}

static StepOp *
step_op_new (Run *run)
{
  StepOp *op = g_new0 (StepOp, 1);

  op->intent_id = run->op->intent_id;
  op->bill_id = run->intent != NULL ? run->intent->bill_id : 0;
  op->method = TB_METHOD_QPAY;
  tb_payment_method_from_string (tb_payment_provider_get_name (run->self->provider), &op->method);
  op->skip_receipt = !run->self->receipts_enabled;
  op->set_state = -1;
  op->flags = g_ptr_array_new_with_free_func (g_free);
  return op;
}

/* Something for staff on the intent (and in the audit log). */
static void
add_note (StepOp     *op,
          const char *what)
{
  g_ptr_array_add (op->flags, g_strdup (what));
}

/* An answer row that was not credited: noted, and warned about (no personal data: the intent
 * id and what kind of row it was). */
static void
add_flag (StepOp     *op,
          const char *what)
{
  g_warning ("Payment check of intent %" G_GINT64_FORMAT ": %s", op->intent_id, what);
  op->outcome.flagged++;
  add_note (op, what);
}

typedef struct
{
  GArray    *settle;      /* TbSettleRequest */
  GPtrArray *reverse;     /* TbProviderPayment*, borrowed */
  GHashTable *seen;       /* txn ids, borrowed */
} Screened;

/* A PAID, REFUNDED or FAILED row of the invoice asked about: to settle, to reverse, or to flag
 * (its payment id was recorded for another intent). */
static gboolean
screen_row (TbLedger          *ledger,
            StepOp            *op,
            TbProviderPayment *row,
            Screened          *out,
            GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean paid = g_strcmp0 (row->status, "PAID") == 0;
  gboolean undone = g_strcmp0 (row->status, "REFUNDED") == 0 || g_strcmp0 (row->status, "FAILED") == 0;
  gint64 owner_intent = 0;
  gboolean known;

  if (!paid && !undone)
    return TRUE; /* NEW and the like: no money moved */

  known = tb_ledger_find_provider_payment (ledger, op->method, row->txn_id, &owner_intent, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (known && owner_intent != op->intent_id)
    add_flag (op, _("QPay reported a payment that Tulbur had already recorded for another QR. It was not counted again."));
  else if (paid)
    {
      TbSettleRequest request = { 0 };

      request.bill_id = op->bill_id;
      request.method = op->method;
      request.amount = row->amount;
      request.provider_txn_id = row->txn_id;
      request.intent_id = op->intent_id;
      request.skip_receipt = op->skip_receipt;
      g_array_append_val (out->settle, request);
    }
  else if (known)
    g_ptr_array_add (out->reverse, row);
  return TRUE;
}

static gboolean
screen_invoice (TbLedger       *ledger,
                StepOp         *op,
                const Invoice  *invoice,
                Screened       *out,
                GError        **error)
{
  for (guint i = 0; i < invoice->check->payments->len; i++)
    {
      TbProviderPayment *row = invoice->check->payments->pdata[i];

      /* Only rows of the invoice asked about: anything else is reported, never credited. */
      if (row->invoice_id != NULL && g_strcmp0 (row->invoice_id, invoice->invoice_id) != 0)
        {
          add_flag (op, _("QPay's answer for this QR held a payment of another invoice. It was not counted."));
          continue;
        }
      if (!g_hash_table_add (out->seen, row->txn_id))
        continue;
      if (!screen_row (ledger, op, row, out, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
settle_rows (TbLedger  *ledger,
             StepOp    *op,
             GArray    *requests,
             GError   **error)
{
  g_autofree TbSettleResult *results = g_new0 (TbSettleResult, MAX (requests->len, 1));

  if (requests->len == 0)
    return TRUE;
  /* All paid rows of this answer in one transaction: a crash cannot record some of them and
   * leave the intent PAID without the others. */
  if (!tb_ledger_settle_many (ledger, (TbSettleRequest *) (gpointer) requests->data, requests->len,
                              results, error))
    return FALSE;
  for (guint i = 0; i < requests->len; i++)
    if (!results[i].already_settled)
      {
        op->outcome.newly_settled++;
        op->outcome.settled_amount += g_array_index (requests, TbSettleRequest, i).amount;
      }
  return TRUE;
}

static gboolean
reverse_rows (TbLedger   *ledger,
              StepOp     *op,
              GPtrArray  *rows,
              GError    **error)
{
  for (guint i = 0; i < rows->len; i++)
    {
      TbProviderPayment *row = rows->pdata[i];
      gboolean already = TRUE;
      gint64 amount = 0;

      if (!tb_ledger_reverse_provider_payment (ledger, op->method, row->txn_id, row->status,
                                               &amount, &already, error))
        return FALSE;
      if (already)
        continue;
      op->outcome.newly_reversed++;
      op->outcome.reversed_amount += amount;
      add_note (op, row->status[0] == 'R' ? _("A QPay payment on this QR was refunded: it no longer counts as paid.")
                                          : _("A QPay payment on this QR failed after it was recorded: it no longer counts as paid."));
    }
  return TRUE;
}

static gboolean
apply_checks (TbLedger  *ledger,
              StepOp    *op,
              GError   **error)
{
  g_autoptr(GArray) settle = g_array_new (FALSE, TRUE, sizeof (TbSettleRequest));
  g_autoptr(GPtrArray) reverse = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  Screened screened = { settle, reverse, seen };

  for (guint i = 0; i < op->invoices->len; i++)
    {
      Invoice *invoice = op->invoices->pdata[i];

      if (invoice->check != NULL && !screen_invoice (ledger, op, invoice, &screened, error))
        return FALSE;
    }
  if (!settle_rows (ledger, op, settle, error) || !reverse_rows (ledger, op, reverse, error))
    return FALSE;

  for (guint i = 0; i < op->invoices->len; i++)
    {
      Invoice *invoice = op->invoices->pdata[i];

      if (invoice->extra && invoice->cancelled &&
          !tb_ledger_intent_invoice_cancelled (ledger, op->intent_id, invoice->invoice_id, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
fill_outcome (TbLedger        *ledger,
              StepOp          *op,
              GError         **error)
{
  g_autoptr(TbIntent) intent = tb_ledger_get_intent (ledger, op->intent_id, error);
  g_autoptr(TbBill) bill = NULL;

  if (intent == NULL)
    return FALSE;
  bill = tb_ledger_get_bill (ledger, intent->bill_id, error);
  if (bill == NULL)
    return FALSE;

  op->outcome.intent_id = op->intent_id;
  op->outcome.state = intent->state;
  op->outcome.bill_due = tb_bill_get_due (bill);
  op->outcome.bill_status = bill->status;
  op->outcome.overpaid = bill->overpaid;
  return TRUE;
}

static gboolean
step_func (TbLedger  *ledger,
           gpointer   data,
           GError   **error)
{
  StepOp *op = data;

  if (op->invoice != NULL)
    {
      g_autofree char *links = tb_provider_links_to_json (op->invoice->links);

      if (!tb_ledger_intent_add_invoice (ledger, op->intent_id, op->invoice->invoice_id,
                                         op->invoice->qr_text, op->invoice->short_url, links,
                                         op->expires_us, &op->extra, error))
        return FALSE;
    }
  if (op->invoices != NULL && !apply_checks (ledger, op, error))
    return FALSE;
  if (op->set_state >= 0 &&
      !tb_ledger_intent_set_state (ledger, op->intent_id, (TbIntentState) op->set_state, op->note, error))
    return FALSE;
  if (op->release_owner != NULL &&
      !tb_ledger_intent_release_lease (ledger, op->intent_id, op->release_owner, error))
    return FALSE;
  if (op->note_check && !tb_ledger_intent_note_check (ledger, op->intent_id, op->note, error))
    return FALSE;
  /* After the note, so that staff see them on the intent. */
  for (guint i = 0; i < op->flags->len; i++)
    if (!tb_ledger_intent_flag (ledger, op->intent_id, op->flags->pdata[i], "not-credited", error))
      return FALSE;
  return fill_outcome (ledger, op, error);
}

static void
run_step (Run                 *run,
          StepOp              *op,
          GAsyncReadyCallback  callback)
{
  tb_ledger_task_run (run->self->ledger, run->self, step_func, op, (GDestroyNotify) step_op_free,
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
}

/* The last step's outcome; the op then reports @run->error, or success. */
static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;
  StepOp *op = tb_ledger_task_get_op (result);
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

static Invoice *
current_invoice (Run *run)
{
  return run->invoices->pdata[run->next];
}

static gboolean
is_own (Run     *run,
        Invoice *invoice)
{
  return !invoice->extra;
}

static void
invoice_checked (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  Invoice *invoice = current_invoice (run);
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
  Invoice *invoice = current_invoice (run);
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
              Invoice *invoice)
{
  return invoice->extra || is_closing (run->final_state);
}

static void
apply_invoices (Run *run)
{
  StepOp *op = step_op_new (run);
  gboolean own_checked = FALSE;

  for (guint i = 0; i < run->invoices->len; i++)
    {
      Invoice *invoice = run->invoices->pdata[i];

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
      Invoice *invoice = current_invoice (run);

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
  Invoice *own = run->invoices->pdata[0];
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
  Invoice *invoice = run->invoices->pdata[run->invoices->len - 1];
  g_autoptr(GError) error = NULL;
  StepOp *op;

  /* Not confirmed: it stays a live extra invoice, and later checks cancel it. */
  if (!tb_payment_provider_cancel_finish (TB_PAYMENT_PROVIDER (object), result, &error))
    {
      run_finish (run, NULL);
      return;
    }
  invoice->cancelled = TRUE;
  invoice->check_tried = TRUE;
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
  StepOp *op = tb_ledger_task_get_op (result);
  GError *error = NULL;
  Invoice *invoice;

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
  invoice = g_new0 (Invoice, 1);
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
  StepOp *op = step_op_new (run);

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
  run->invoices = g_ptr_array_new_with_free_func ((GDestroyNotify) invoice_free);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      Invoice *invoice = g_new0 (Invoice, 1);

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
        ((Invoice *) run->invoices->pdata[0])->check_tried = TRUE;
      work_next (run);
      return;
    }
  if (run->op->kind == OP_EXPIRE)
    {
      Invoice *own = run->invoices->pdata[0];

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
  LoadOp *op = tb_ledger_task_get_op (result);
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
  LoadOp *load = g_new0 (LoadOp, 1);
  gint64 now = tb_clock_now_us (self->clock);

  run->self = g_object_ref (self);
  run->op = op;
  run->final_state = TB_INTENT_NEW;

  load->intent_id = op->intent_id;
  load->create = op->kind == OP_CHECK;
  load->owner = g_strdup (self->lease_owner);
  load->now_us = now;
  load->lease_until_us = now + CREATE_LEASE_US;
  tb_ledger_task_run (self->ledger, self, load_func, load, (GDestroyNotify) load_op_free, NULL,
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
  guint      wait_id;
} OpenData;

static gboolean validate_amount (gint64 amount, gint64 due, gint64 minimum, gboolean whole_units,
                                 GError **error);

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
  if (!validate_amount (op->amount, tb_bill_get_due (bill), op->minimum, op->whole_units, &invalid))
    {
      op->intent = tb_ledger_find_open_intent (ledger, op->bill_id, op->provider, op->environment,
                                               op->amount, error);
      if (op->intent == NULL && (error == NULL || *error == NULL))
        g_propagate_error (error, g_steal_pointer (&invalid));
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
  OpenData *data = g_task_get_task_data (task);
  OpenOp *op = g_new0 (OpenOp, 1);

  op->bill_id = data->bill_id;
  op->intent_id = reload_intent_id;
  op->amount = data->amount;
  op->provider = g_strdup (tb_payment_provider_get_name (self->provider));
  op->environment = g_strdup (tb_payment_provider_get_environment (self->provider));
  op->minimum = tb_payment_provider_get_minimum (self->provider);
  op->whole_units = tb_payment_provider_whole_units_only (self->provider);
  op->usable_until_us = tb_clock_now_us (self->clock) + REUSE_MARGIN_US;
  tb_ledger_task_run (self->ledger, self, open_func, op, (GDestroyNotify) open_op_free, NULL,
                      open_opened, task);
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

  data->wait_id = 0;
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
      data->wait_id = tb_clock_timeout_add (self->clock, CREATE_WAIT_MS, open_wait_done,
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
      g_signal_emit (self, signals[INTENT_CHANGED], 0, data->intent->id, (int) data->intent->state);
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

  op->open = tb_ledger_list_intents (ledger, TB_INTENT_FILTER_OPEN, op->bill_id, 100, error);
  return op->open != NULL;
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
  else if (outcome.state == TB_INTENT_NEW || outcome.state == TB_INTENT_PENDING)
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
  tb_ledger_task_run (self->ledger, self, release_list_func, op, NULL, NULL, release_listed, task);
}

gboolean
tb_payment_service_release_bill_finish (TbPaymentService  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the object ---------------------------------------------------------------------------- */

static gboolean
validate_amount (gint64     amount,
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

  return validate_amount (amount, due, tb_payment_provider_get_minimum (self->provider),
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
  self->lease_owner = make_lease_owner ();
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
