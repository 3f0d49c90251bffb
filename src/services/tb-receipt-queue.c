/* tb-receipt-queue.c: issues Ebarimt 3.0 receipts for settled QPay payments
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-ledger-task.h"
#include "core/tb-seal.h"
#include "core/tb-rules.h"
#include "tb-receipt-queue.h"

/* The defaults, immutable once made: set_settings() replaces the whole snapshot on the main
 * thread, and each attempt holds a reference to the one it started with, so a worker never
 * reads a string that the main thread frees. */
typedef struct
{
  gboolean  enabled;
  char     *receiver_type;
  char     *district_code;
  char     *classification_code;
} Settings;

struct _TbReceiptQueue
{
  GObject       parent_instance;

  TbLedger     *ledger;
  TbQpayClient *client;
  TbClock      *clock;
  Settings     *settings;
  gint          enabled;   /* settings->enabled, readable from any thread (the reconciler's) */
};

G_DEFINE_FINAL_TYPE (TbReceiptQueue, tb_receipt_queue, G_TYPE_OBJECT)

enum {
  RECEIPT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
settings_clear (Settings *settings)
{
  g_free (settings->receiver_type);
  g_free (settings->district_code);
  g_free (settings->classification_code);
}

static Settings *
settings_new (const TbReceiptSettings *from)
{
  Settings *settings = g_atomic_rc_box_new0 (Settings);

  settings->enabled = from->enabled;
  settings->receiver_type = g_strdup (g_strcmp0 (from->receiver_type, "COMPANY") == 0 ? "COMPANY"
                                                                                      : "CITIZEN");
  if (from->district_code != NULL && *from->district_code != '\0')
    settings->district_code = g_strdup (from->district_code);
  if (from->classification_code != NULL && *from->classification_code != '\0')
    settings->classification_code = g_strdup (from->classification_code);
  return settings;
}

static void
settings_unref (Settings *settings)
{
  g_atomic_rc_box_release_full (settings, (GDestroyNotify) settings_clear);
}

/* One receipt on its way. Filled in worker threads (the ledger steps) and on the main thread
 * (the QPay calls), never at the same time. */
typedef struct
{
  gint64                receipt_id;
  gboolean              force;        /* the Retry button */
  gboolean              create_again; /* staff checked at QPay: no lookup first */
  Settings             *settings;     /* the snapshot this attempt uses */
  TbClock              *clock;
  /* filled by the prepare step */
  gboolean              done;         /* nothing (more) to send */
  gboolean              unknown;      /* look it up before creating */
  TbReceiptState        outcome;
  TbQpayEbarimtRequest *request;
  TbQpayEbarimt        *answer;
  char                 *error_key;
  char                 *error_message;
  gboolean              error_unknown;
  TbReceipt            *result;
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->settings, settings_unref);
  g_clear_object (&job->clock);
  g_clear_pointer (&job->request, tb_qpay_ebarimt_request_free);
  g_clear_pointer (&job->answer, tb_qpay_ebarimt_free);
  g_clear_pointer (&job->result, tb_receipt_free);
  g_free (job->error_key);
  g_free (job->error_message);
  g_free (job);
}

gint64
tb_receipt_queue_backoff_us (int attempts)
{
  static const int minutes[] = { 1, 2, 5, 15, 60 };
  int i = CLAMP (attempts, 1, (int) G_N_ELEMENTS (minutes)) - 1;

  return (gint64) minutes[i] * 60 * G_USEC_PER_SEC;
}

static gint64
next_attempt_us (Job *job,
                 int  attempts)
{
  return tb_clock_now_us (job->clock) + tb_receipt_queue_backoff_us (attempts);
}

gboolean
tb_receipt_is_outcome_unknown (const TbReceipt *receipt)
{
  g_return_val_if_fail (receipt != NULL, FALSE);

  return receipt->state == TB_RECEIPT_ERROR && receipt->unknown &&
         g_strcmp0 (receipt->last_error_key, TB_RECEIPT_KEY_UNKNOWN_OUTCOME) == 0;
}

/* ---- ledger steps (worker threads, through tb_ledger_task_run) ------------------------------ */

/* Records a skip or a validation failure: nothing is sent. */
static gboolean
finish_early (TbLedger         *ledger,
              Job              *job,
              const TbReceipt  *receipt,
              TbReceiptState    outcome,
              const char       *problem,
              GError          **error)
{
  job->done = TRUE;
  job->outcome = outcome;
  if (outcome == TB_RECEIPT_SKIPPED)
    return tb_ledger_receipt_skip (ledger, receipt->id, problem, error);
  return tb_ledger_receipt_failed (ledger, receipt->id, "INVALID_INPUT", problem,
                                   next_attempt_us (job, receipt->attempts + 1), receipt->unknown,
                                   error);
}

/* What is wrong with the receiver, district or classification (the rules of tb-rules.c, the
 * same ones the customer dialog, the bill's receipt options and Preferences use), translated;
 * NULL when fine, with the receiver normalised in *@out_receiver. */
static char *
check_request (const char  *type,
               const char  *receiver,
               const char  *district,
               const char  *classification,
               char       **out_receiver)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clean_district = NULL;
  g_autofree char *clean_classification = NULL;

  if (!tb_rules_ebarimt_receiver (type, receiver, out_receiver, &error) ||
      !tb_rules_district_code (district, FALSE, &clean_district, &error) ||
      !tb_rules_classification_code (classification, FALSE, &clean_classification, &error))
    return g_strdup (error->message);
  return NULL;
}

/* Builds the request from the bill's own choices or the snapshot's defaults. */
static gboolean
build_request (TbLedger         *ledger,
               Job              *job,
               const TbReceipt  *receipt,
               GError          **error)
{
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbCustomer) customer = NULL;
  const Settings *defaults = job->settings;
  const char *type, *district, *classification, *receiver;
  g_autofree char *problem = NULL;
  g_autofree char *clean_receiver = NULL;

  if (!(bill = tb_ledger_get_bill (ledger, receipt->bill_id, error)))
    return FALSE;
  if (bill->customer_id > 0)
    customer = tb_ledger_get_customer (ledger, bill->customer_id, NULL);

  type = bill->receipt_receiver_type != NULL ? bill->receipt_receiver_type : defaults->receiver_type;
  district = bill->receipt_district_code != NULL ? bill->receipt_district_code : defaults->district_code;
  classification = bill->receipt_classification_code != NULL ? bill->receipt_classification_code
                                                             : defaults->classification_code;
  if (g_strcmp0 (type, "COMPANY") == 0)
    receiver = customer != NULL ? customer->register_no : NULL;
  else
    receiver = bill->receipt_phone;

  problem = check_request (type, receiver, district, classification, &clean_receiver);
  if (problem == NULL && receipt->provider_txn_id == NULL)
    problem = g_strdup (_("This payment has no QPay payment id."));
  if (problem != NULL)
    return finish_early (ledger, job, receipt, TB_RECEIPT_ERROR, problem, error);
  receiver = clean_receiver;

  job->request = tb_qpay_ebarimt_request_new (receipt->provider_txn_id,
                                              g_strcmp0 (type, "COMPANY") == 0 ? TB_QPAY_RECEIVER_COMPANY
                                                                               : TB_QPAY_RECEIVER_CITIZEN,
                                              receiver);
  job->request->district_code = g_strdup (district);
  job->request->classification_code = g_strdup (classification);
  job->unknown = receipt->unknown && !job->create_again;

  /* Recorded before the request goes out: from here a crash or a lost answer leaves the
   * receipt `unknown`, and the next attempt looks it up first. */
  return job->unknown ||
         tb_ledger_receipt_begin_attempt (ledger, receipt->id, type, receiver, district,
                                          classification, error);
}

/* Decides what to send; records a validation failure or a skip right away, so that a bad
 * value never reaches QPay. */
static gboolean
prepare (TbLedger  *ledger,
         Job       *job,
         GError   **error)
{
  g_autoptr(TbReceipt) receipt = NULL;

  if (job->force && !tb_ledger_receipt_retry_now (ledger, job->receipt_id, error))
    return FALSE;
  if (!(receipt = tb_ledger_get_receipt (ledger, job->receipt_id, FALSE, error)))
    return FALSE;

  if (receipt->state != TB_RECEIPT_PENDING && receipt->state != TB_RECEIPT_ERROR)
    {
      job->done = TRUE;
      job->outcome = receipt->state;
      return TRUE;
    }
  if (!job->settings->enabled)
    return finish_early (ledger, job, receipt, TB_RECEIPT_SKIPPED,
                         _("E-receipts are switched off."), error);

  return build_request (ledger, job, receipt, error);
}

static gboolean
prepare_step (TbLedger  *ledger,
              gpointer   op,
              GError   **error)
{
  Job *job = op;

  if (!prepare (ledger, job, error))
    return FALSE;
  if (job->done)
    job->result = tb_ledger_get_receipt (ledger, job->receipt_id, FALSE, NULL);
  return TRUE;
}

static gboolean
record_step (TbLedger  *ledger,
             gpointer   op,
             GError   **error)
{
  Job *job = op;
  gboolean ok;

  if (job->answer != NULL)
    {
      TbReceiptRegistration reg = {
        .ebarimt_id = job->answer->id,
        .receipt_id = job->answer->receipt_id,
        .lottery = job->answer->lottery,
        .qr_data = job->answer->qr_data,
        .merchant_tin = job->answer->merchant_tin,
        .amount = job->answer->amount,
        .vat_e4 = job->answer->vat_e4,
        .city_tax_e4 = job->answer->city_tax_e4,
      };

      ok = tb_ledger_receipt_registered (ledger, job->receipt_id, &reg, error);
      job->outcome = TB_RECEIPT_REGISTERED;
    }
  else
    {
      g_autoptr(TbReceipt) receipt = tb_ledger_get_receipt (ledger, job->receipt_id, FALSE, error);

      ok = receipt != NULL &&
           tb_ledger_receipt_failed (ledger, job->receipt_id, job->error_key, job->error_message,
                                     next_attempt_us (job, MAX (receipt->attempts, 1)),
                                     job->error_unknown, error);
      job->outcome = TB_RECEIPT_ERROR;
    }

  if (ok)
    job->result = tb_ledger_get_receipt (ledger, job->receipt_id, FALSE, NULL);
  return ok;
}

static gboolean
begin_attempt_step (TbLedger  *ledger,
                    gpointer   op,
                    GError   **error)
{
  Job *job = op;
  const TbQpayEbarimtRequest *request = job->request;

  return tb_ledger_receipt_begin_attempt (ledger, job->receipt_id,
                                          tb_qpay_receiver_type_to_string (request->receiver_type),
                                          request->receiver, request->district_code,
                                          request->classification_code, error);
}

/* ---- one receipt, main-thread steps --------------------------------------------------------- */

static void
run_step (TbReceiptQueue      *self,
          Job                 *job,
          TbLedgerTaskFunc     func,
          GAsyncReadyCallback  callback,
          GTask               *outer)
{
  tb_ledger_task_run (self->ledger, self, func, job, NULL, NULL, callback, outer);
}

/* Ends @outer (and drops the reference the steps hold) with @error, or TRUE. */
static void
return_outer (GTask  *outer,
              GError *error)
{
  if (error != NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_boolean (outer, TRUE);
  g_object_unref (outer);
}

static gboolean
is_lost_answer (const GError *error)
{
  /* The request may have reached QPay and registered the receipt; only its answer is missing. */
  return error->domain == TB_QPAY_ERROR &&
         (error->code == TB_QPAY_ERROR_TIMEOUT || error->code == TB_QPAY_ERROR_NETWORK ||
          error->code == TB_QPAY_ERROR_SERVER || error->code == TB_QPAY_ERROR_BAD_RESPONSE);
}

static void
recorded (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *outer = user_data;
  Job *job = g_task_get_task_data (outer);
  GError *error = NULL;

  if (tb_ledger_task_finish (result, &error))
    g_signal_emit (object, signals[RECEIPT_CHANGED], 0, job->receipt_id, (int) job->outcome);
  return_outer (outer, error);
}

static void
store_failure (Job          *job,
               const GError *error)
{
  g_free (job->error_key);
  g_free (job->error_message);
  job->error_key = g_strdup (tb_qpay_error_get_key (error));
  job->error_message = g_strdup (error->message);
  job->error_unknown = is_lost_answer (error);
}

static void
created (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *outer = user_data;
  TbReceiptQueue *self = g_task_get_source_object (outer);
  Job *job = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  job->answer = tb_qpay_client_create_ebarimt_finish (TB_QPAY_CLIENT (object), result, &error);
  if (job->answer == NULL || job->answer->receipt_id == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE,
                                     _("QPay did not return the receipt number."));
      g_clear_pointer (&job->answer, tb_qpay_ebarimt_free);
      store_failure (job, error);
    }
  run_step (self, job, record_step, recorded, outer);
}

static void
send_create (TbReceiptQueue *self,
             GTask          *outer)
{
  Job *job = g_task_get_task_data (outer);

  tb_qpay_client_create_ebarimt_async (self->client, job->request, NULL, created, outer);
}

static void
attempt_begun (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *outer = user_data;
  GError *error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      return_outer (outer, error);
      return;
    }
  send_create (TB_RECEIPT_QUEUE (object), outer);
}

typedef enum
{
  LOOKUP_FOUND,        /* QPay has the receipt: record it */
  LOOKUP_NONE,         /* QPay says there is none (or it was cancelled): create it */
  LOOKUP_LOST,         /* the lookup's own answer was lost: ask again later */
  LOOKUP_UNAVAILABLE,  /* any other answer: nobody can tell, staff must */
} LookupOutcome;

static gboolean
is_cancelled_status (const char *status)
{
  return g_strcmp0 (status, "CANCELED") == 0 || g_strcmp0 (status, "CANCELLED") == 0;
}

static LookupOutcome
classify_lookup (const TbQpayEbarimt *answer,
                 const GError        *error)
{
  if (answer != NULL && is_cancelled_status (answer->status))
    return LOOKUP_NONE;
  if (answer != NULL && answer->receipt_id != NULL)
    return LOOKUP_FOUND;
  if (answer != NULL)
    return LOOKUP_UNAVAILABLE;  /* an answer without a receipt number says nothing */
  if (tb_qpay_error_has_key (error, "EBARIMT_NOT_REGISTERED"))
    return LOOKUP_NONE;
  if (is_lost_answer (error))
    return LOOKUP_LOST;
  return LOOKUP_UNAVAILABLE;
}

/* Issue #16, 13: a create whose answer was lost may have registered the receipt. When QPay
 * cannot be asked, a second create could file the sale twice: the receipt stays `unknown`,
 * with a message for staff, and only lookups are tried again. */
static void
store_unknown_outcome (Job *job)
{
  g_free (job->error_key);
  g_free (job->error_message);
  job->error_key = g_strdup (TB_RECEIPT_KEY_UNKNOWN_OUTCOME);
  job->error_message = g_strdup (_("QPay cannot say whether this e-receipt was registered: its answer to the request was lost and looking it up failed. Tulbur will not send it again on its own. Check the payment’s e-receipt in the QPay merchant portal; only if it has none, have the e-receipt created again."));
  job->error_unknown = TRUE;
}

static void
looked_up (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *outer = user_data;
  TbReceiptQueue *self = g_task_get_source_object (outer);
  Job *job = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  job->answer = tb_qpay_client_get_ebarimt_finish (TB_QPAY_CLIENT (object), result, &error);
  switch (classify_lookup (job->answer, error))
    {
    case LOOKUP_FOUND:
      /* The lost request did register it: record that, create nothing. */
      run_step (self, job, record_step, recorded, outer);
      return;
    case LOOKUP_NONE:
      g_clear_pointer (&job->answer, tb_qpay_ebarimt_free);
      run_step (self, job, begin_attempt_step, attempt_begun, outer);
      return;
    case LOOKUP_LOST:
      store_failure (job, error);
      job->error_unknown = TRUE;
      break;
    case LOOKUP_UNAVAILABLE:
    default:
      store_unknown_outcome (job);
      break;
    }
  g_clear_pointer (&job->answer, tb_qpay_ebarimt_free);
  run_step (self, job, record_step, recorded, outer);
}

static void
prepared (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *outer = user_data;
  TbReceiptQueue *self = TB_RECEIPT_QUEUE (object);
  Job *job = g_task_get_task_data (outer);
  GError *error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      return_outer (outer, error);
      return;
    }

  if (job->done)
    {
      if (job->outcome == TB_RECEIPT_SKIPPED || job->outcome == TB_RECEIPT_ERROR)
        g_signal_emit (self, signals[RECEIPT_CHANGED], 0, job->receipt_id, (int) job->outcome);
      return_outer (outer, NULL);
      return;
    }

  if (job->unknown)
    tb_qpay_client_get_ebarimt_async (self->client, job->request->payment_id, NULL, looked_up, outer);
  else
    send_create (self, outer);
}

/* Processes one receipt with the settings of now; @callback gets a GTask whose task data is
 * the Job. */
static void
process_one (TbReceiptQueue      *self,
             gint64               receipt_id,
             gboolean             force,
             gboolean             create_again,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->receipt_id = receipt_id;
  job->force = force;
  job->create_again = create_again;
  job->settings = g_atomic_rc_box_acquire (self->settings);
  job->clock = g_object_ref (self->clock);
  g_task_set_source_tag (outer, process_one);
  g_task_set_task_data (outer, job, (GDestroyNotify) job_free);
  run_step (self, job, prepare_step, prepared, outer);
}

/* ---- public API -------------------------------------------------------------------------- */

static void
retried (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&job->result), (GDestroyNotify) tb_receipt_free);
}

void
tb_receipt_queue_retry_async (TbReceiptQueue      *self,
                              gint64               receipt_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_queue_retry_async);
  process_one (self, receipt_id, TRUE, FALSE, NULL, retried, task);
}

TbReceipt *
tb_receipt_queue_retry_finish (TbReceiptQueue  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tb_receipt_queue_create_again_async (TbReceiptQueue      *self,
                                     gint64               receipt_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_queue_retry_async);
  process_one (self, receipt_id, TRUE, TRUE, NULL, retried, task);
}

typedef struct
{
  gint64          now_us;
  GPtrArray      *due;
  guint           next;
  TbReceiptStats  stats;
} Batch;

static void
batch_free (Batch *batch)
{
  g_clear_pointer (&batch->due, g_ptr_array_unref);
  g_free (batch);
}

static void batch_next (GTask *task);

static void
batch_one_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Batch *batch = g_task_get_task_data (task);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Could not issue a receipt: %s", error->message);
      batch->stats.failed++;
    }
  else if (job->outcome == TB_RECEIPT_REGISTERED)
    batch->stats.registered++;
  else if (job->outcome == TB_RECEIPT_SKIPPED)
    batch->stats.skipped++;
  else if (job->outcome == TB_RECEIPT_ERROR)
    batch->stats.failed++;

  if (g_task_return_error_if_cancelled (task))
    return;
  batch_next (g_steal_pointer (&task));
}

static void
batch_next (GTask *task)
{
  TbReceiptQueue *self = g_task_get_source_object (task);
  Batch *batch = g_task_get_task_data (task);

  if (batch->next < batch->due->len)
    {
      TbReceipt *receipt = batch->due->pdata[batch->next++];

      process_one (self, receipt->id, FALSE, FALSE, NULL, batch_one_done, task);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
due_step (TbLedger  *ledger,
          gpointer   op,
          GError   **error)
{
  Batch *batch = op;

  batch->due = tb_ledger_due_receipts (ledger, batch->now_us, 50, error);
  return batch->due != NULL;
}

static void
due_done (GObject      *object,
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
  batch_next (task);
}

void
tb_receipt_queue_process_async (TbReceiptQueue      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Batch *batch;

  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_queue_process_async);
  batch = g_new0 (Batch, 1);
  batch->now_us = tb_clock_now_us (self->clock);
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);

  tb_ledger_task_run (self->ledger, self, due_step, batch, NULL, NULL, due_done, task);
}

gboolean
tb_receipt_queue_process_finish (TbReceiptQueue  *self,
                                 GAsyncResult    *result,
                                 TbReceiptStats  *out_stats,
                                 GError         **error)
{
  Batch *batch;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  batch = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_stats != NULL)
    *out_stats = batch->stats;
  return TRUE;
}

/* ---- cancelling a registered receipt ---- */

typedef struct
{
  gint64     receipt_id;
  char      *note;
  TbReceipt *receipt;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_free (data->note);
  g_clear_pointer (&data->receipt, tb_receipt_free);
  g_free (data);
}

static gboolean
cancel_record_step (TbLedger  *ledger,
                    gpointer   op,
                    GError   **error)
{
  CancelData *data = op;

  return tb_ledger_receipt_cancelled (ledger, data->receipt_id, data->note, error);
}

static void
cancel_recorded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  CancelData *data = g_task_get_task_data (outer);
  GError *error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  g_signal_emit (object, signals[RECEIPT_CHANGED], 0, data->receipt_id, (int) TB_RECEIPT_CANCELLED);
  g_task_return_boolean (outer, TRUE);
}

static void
cancelled_at_qpay (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *outer = user_data;
  TbReceiptQueue *self = g_task_get_source_object (outer);
  g_autoptr(TbQpayEbarimt) answer = NULL;
  GError *error = NULL;

  answer = tb_qpay_client_cancel_ebarimt_finish (TB_QPAY_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      return_outer (outer, error);
      return;
    }
  tb_ledger_task_run (self->ledger, self, cancel_record_step, g_task_get_task_data (outer), NULL,
                      NULL, cancel_recorded, outer);
}

static gboolean
cancel_load_step (TbLedger  *ledger,
                  gpointer   op,
                  GError   **error)
{
  CancelData *data = op;

  data->receipt = tb_ledger_get_receipt (ledger, data->receipt_id, FALSE, error);
  if (data->receipt == NULL)
    return FALSE;
  if (data->receipt->state != TB_RECEIPT_REGISTERED)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("Only a registered receipt can be cancelled."));
      return FALSE;
    }
  return TRUE;
}

static void
cancel_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *outer = user_data;
  TbReceiptQueue *self = TB_RECEIPT_QUEUE (object);
  CancelData *data = g_task_get_task_data (outer);
  GError *error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      return_outer (outer, error);
      return;
    }
  tb_qpay_client_cancel_ebarimt_async (self->client, data->receipt->provider_txn_id, data->note,
                                       NULL, cancelled_at_qpay, outer);
}

void
tb_receipt_queue_cancel_async (TbReceiptQueue      *self,
                               gint64               receipt_id,
                               const char          *note,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  CancelData *data;

  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_queue_cancel_async);
  data = g_new0 (CancelData, 1);
  data->receipt_id = receipt_id;
  data->note = g_strdup (note != NULL && *note != '\0' ? note : _("Sale cancelled"));
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);

  tb_ledger_task_run (self->ledger, self, cancel_load_step, data, NULL, NULL, cancel_loaded, task);
}

gboolean
tb_receipt_queue_cancel_finish (TbReceiptQueue  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- settings ---- */

void
tb_receipt_queue_set_settings (TbReceiptQueue          *self,
                               const TbReceiptSettings *settings)
{
  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));
  g_return_if_fail (settings != NULL);

  /* Attempts under way keep the snapshot they started with. */
  g_clear_pointer (&self->settings, settings_unref);
  self->settings = settings_new (settings);
  g_atomic_int_set (&self->enabled, self->settings->enabled);
}

gboolean
tb_receipt_queue_get_enabled (TbReceiptQueue *self)
{
  g_return_val_if_fail (TB_IS_RECEIPT_QUEUE (self), FALSE);
  return g_atomic_int_get (&self->enabled);
}

void
tb_receipt_queue_set_clock (TbReceiptQueue *self,
                            TbClock        *clock)
{
  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));
  g_return_if_fail (clock == NULL || TB_IS_CLOCK (clock));

  g_clear_object (&self->clock);
  self->clock = clock != NULL ? g_object_ref (clock) : tb_clock_new_system ();
}

static void
tb_receipt_queue_dispose (GObject *object)
{
  TbReceiptQueue *self = TB_RECEIPT_QUEUE (object);

  g_clear_object (&self->client);
  g_clear_object (&self->ledger);
  G_OBJECT_CLASS (tb_receipt_queue_parent_class)->dispose (object);
}

static void
tb_receipt_queue_finalize (GObject *object)
{
  TbReceiptQueue *self = TB_RECEIPT_QUEUE (object);

  g_clear_pointer (&self->settings, settings_unref);
  g_clear_object (&self->clock);
  G_OBJECT_CLASS (tb_receipt_queue_parent_class)->finalize (object);
}

static void
tb_receipt_queue_class_init (TbReceiptQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_receipt_queue_dispose;
  object_class->finalize = tb_receipt_queue_finalize;

  /**
   * TbReceiptQueue::receipt-changed:
   * @receipt_id: the receipt
   * @state: its #TbReceiptState now
   */
  signals[RECEIPT_CHANGED] =
    g_signal_new ("receipt-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);
}

static void
tb_receipt_queue_init (TbReceiptQueue *self)
{
  TbReceiptSettings off = { FALSE, "CITIZEN", NULL, NULL };

  self->settings = settings_new (&off);
  self->clock = tb_clock_new_system ();
}

TbReceiptQueue *
tb_receipt_queue_new (TbLedger     *ledger,
                      TbQpayClient *client)
{
  TbReceiptQueue *self;

  g_return_val_if_fail (TB_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (TB_IS_QPAY_CLIENT (client), NULL);

  self = g_object_new (TB_TYPE_RECEIPT_QUEUE, NULL);
  self->ledger = g_object_ref (ledger);
  self->client = g_object_ref (client);
  return self;
}
