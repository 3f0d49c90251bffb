/* tb-receipt-queue.c: issues Ebarimt 3.0 receipts for settled QPay payments
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-seal.h"
#include "tb-receipt-queue.h"

struct _TbReceiptQueue
{
  GObject       parent_instance;

  TbLedger     *ledger;
  TbQpayClient *client;
  gboolean      enabled;
  char         *receiver_type;
  char         *district_code;
  char         *classification_code;
  guint         minute_ms;
};

G_DEFINE_FINAL_TYPE (TbReceiptQueue, tb_receipt_queue, G_TYPE_OBJECT)

enum {
  RECEIPT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One receipt on its way. */
typedef struct
{
  gint64                receipt_id;
  gboolean              force;        /* the Retry button */
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
next_attempt_us (TbReceiptQueue *self,
                 int             attempts)
{
  gint64 delay = tb_receipt_queue_backoff_us (attempts);

  if (self->minute_ms > 0)
    delay = delay / (60 * G_USEC_PER_SEC) * self->minute_ms * 1000;
  return g_get_real_time () + delay;
}

static gboolean
all_digits (const char *text,
            gsize       min_len,
            gsize       max_len)
{
  gsize len;

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  if (len < min_len || len > max_len)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* ---- steps in a worker thread ------------------------------------------------------------- */

/* Decides what to send; records a validation failure or a skip right away, so that a bad
 * value never reaches QPay. */
static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TbReceiptQueue *self = source_object;
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbReceipt) receipt = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbCustomer) customer = NULL;
  const char *type, *district, *classification;
  const char *receiver = NULL;
  const char *problem = NULL;
  TbQpayReceiverType receiver_type;

  if (job->force && !tb_ledger_receipt_retry_now (self->ledger, job->receipt_id, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  receipt = tb_ledger_get_receipt (self->ledger, job->receipt_id, FALSE, &error);
  if (receipt == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (receipt->state != TB_RECEIPT_PENDING && receipt->state != TB_RECEIPT_ERROR)
    {
      job->done = TRUE;
      job->outcome = receipt->state;
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!self->enabled)
    {
      job->done = TRUE;
      job->outcome = TB_RECEIPT_SKIPPED;
      if (!tb_ledger_receipt_skip (self->ledger, receipt->id, _("E-receipts are switched off."), &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  bill = tb_ledger_get_bill (self->ledger, receipt->bill_id, &error);
  if (bill == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (bill->customer_id > 0)
    customer = tb_ledger_get_customer (self->ledger, bill->customer_id, NULL);

  type = bill->receipt_receiver_type != NULL ? bill->receipt_receiver_type : self->receiver_type;
  district = bill->receipt_district_code != NULL ? bill->receipt_district_code : self->district_code;
  classification = bill->receipt_classification_code != NULL ? bill->receipt_classification_code
                                                             : self->classification_code;

  if (g_strcmp0 (type, "COMPANY") == 0)
    {
      receiver_type = TB_QPAY_RECEIVER_COMPANY;
      receiver = customer != NULL ? customer->register_no : NULL;
      /* A company receipt needs the buyer's TIN (11 digits) or company register (7 digits). */
      if (!all_digits (receiver, 7, 7) && !all_digits (receiver, 11, 11))
        problem = _("A company receipt needs the customer’s 11-digit TIN (or 7-digit company register). Add it to the customer, or issue a citizen receipt.");
    }
  else
    {
      receiver_type = TB_QPAY_RECEIVER_CITIZEN;
      receiver = bill->receipt_phone;
      if (receiver != NULL && !all_digits (receiver, 8, 8))
        problem = _("An e-barimt phone number has 8 digits, for example 99112233.");
    }

  if (problem == NULL && district != NULL && !all_digits (district, 4, 4))
    problem = _("The district code must have 4 digits, for example 3505. Fix it in Preferences or on the bill.");
  if (problem == NULL && classification != NULL && !all_digits (classification, 7, 7))
    problem = _("The classification code must have 7 digits, for example 6743000. Fix it in Preferences or on the bill.");
  if (problem == NULL && receipt->provider_txn_id == NULL)
    problem = _("This payment has no QPay payment id.");

  if (problem != NULL)
    {
      job->done = TRUE;
      job->outcome = TB_RECEIPT_ERROR;
      if (!tb_ledger_receipt_failed (self->ledger, receipt->id, "INVALID_INPUT", problem,
                                     next_attempt_us (self, receipt->attempts + 1), receipt->unknown, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  job->request = tb_qpay_ebarimt_request_new (receipt->provider_txn_id, receiver_type, receiver);
  job->request->district_code = g_strdup (district);
  job->request->classification_code = g_strdup (classification);
  job->unknown = receipt->unknown;

  /* Recorded before the request goes out: from here a crash or a lost answer leaves the
   * receipt `unknown`, and the next attempt looks it up first. */
  if (!job->unknown &&
      !tb_ledger_receipt_begin_attempt (self->ledger, receipt->id, type, receiver, district,
                                        classification, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
record_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TbReceiptQueue *self = source_object;
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (job->answer != NULL)
    {
      TbReceiptRegistration reg = { 0 };

      reg.ebarimt_id = job->answer->id;
      reg.receipt_id = job->answer->receipt_id;
      reg.lottery = job->answer->lottery;
      reg.qr_data = job->answer->qr_data;
      reg.merchant_tin = job->answer->merchant_tin;
      reg.amount = job->answer->amount;
      reg.vat_e4 = job->answer->vat_e4;
      reg.city_tax_e4 = job->answer->city_tax_e4;
      ok = tb_ledger_receipt_registered (self->ledger, job->receipt_id, &reg, &error);
      job->outcome = TB_RECEIPT_REGISTERED;
    }
  else
    {
      g_autoptr(TbReceipt) receipt = tb_ledger_get_receipt (self->ledger, job->receipt_id, FALSE, &error);

      ok = receipt != NULL &&
           tb_ledger_receipt_failed (self->ledger, job->receipt_id, job->error_key, job->error_message,
                                     next_attempt_us (self, MAX (receipt->attempts, 1)),
                                     job->error_unknown, &error);
      job->outcome = TB_RECEIPT_ERROR;
    }

  if (ok)
    job->result = tb_ledger_get_receipt (self->ledger, job->receipt_id, FALSE, NULL);

  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
begin_attempt_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  TbReceiptQueue *self = source_object;
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbReceipt) receipt = tb_ledger_get_receipt (self->ledger, job->receipt_id, TRUE, &error);

  if (receipt == NULL ||
      !tb_ledger_receipt_begin_attempt (self->ledger, job->receipt_id,
                                        tb_qpay_receiver_type_to_string (job->request->receiver_type),
                                        job->request->receiver, job->request->district_code,
                                        job->request->classification_code, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- one receipt, main-thread steps --------------------------------------------------------- */

static void run_in_thread (TbReceiptQueue *self, Job *job, GTaskThreadFunc func, GAsyncReadyCallback cb, GTask *outer);

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
  g_autoptr(GTask) outer = user_data;
  TbReceiptQueue *self = TB_RECEIPT_QUEUE (object);
  Job *job = g_task_get_task_data (outer);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  g_signal_emit (self, signals[RECEIPT_CHANGED], 0, job->receipt_id, (int) job->outcome);
  g_task_return_boolean (outer, TRUE);
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
  run_in_thread (self, job, record_thread, recorded, outer);
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

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
      return;
    }
  send_create (TB_RECEIPT_QUEUE (object), outer);
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
  if (job->answer != NULL && job->answer->receipt_id != NULL &&
      g_strcmp0 (job->answer->status, "CANCELED") != 0 && g_strcmp0 (job->answer->status, "CANCELLED") != 0)
    {
      /* The lost request did register it: record that, create nothing. */
      run_in_thread (self, job, record_thread, recorded, outer);
      return;
    }
  g_clear_pointer (&job->answer, tb_qpay_ebarimt_free);

  if (error != NULL && is_lost_answer (error))
    {
      /* Still cannot tell: stay unknown and try later. */
      store_failure (job, error);
      job->error_unknown = TRUE;
      run_in_thread (self, job, record_thread, recorded, outer);
      return;
    }

  /* QPay says there is none (or cannot look receipts up at all): create it now. */
  run_in_thread (self, job, begin_attempt_thread, attempt_begun, outer);
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

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
      return;
    }

  if (job->done)
    {
      if (job->outcome == TB_RECEIPT_SKIPPED || job->outcome == TB_RECEIPT_ERROR)
        g_signal_emit (self, signals[RECEIPT_CHANGED], 0, job->receipt_id, (int) job->outcome);
      job->result = tb_ledger_get_receipt (self->ledger, job->receipt_id, FALSE, NULL);
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      return;
    }

  if (job->unknown)
    tb_qpay_client_get_ebarimt_async (self->client, job->request->payment_id, NULL, looked_up, outer);
  else
    send_create (self, outer);
}

static void
run_in_thread (TbReceiptQueue      *self,
               Job                 *job,
               GTaskThreadFunc      func,
               GAsyncReadyCallback  cb,
               GTask               *outer)
{
  GTask *task = g_task_new (self, NULL, cb, outer);

  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, func);
  g_object_unref (task);
}

/* Processes one receipt; @callback gets a GTask whose task data is the Job. */
static void
process_one (TbReceiptQueue      *self,
             gint64               receipt_id,
             gboolean             force,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->receipt_id = receipt_id;
  job->force = force;
  g_task_set_source_tag (outer, process_one);
  g_task_set_task_data (outer, job, (GDestroyNotify) job_free);
  run_in_thread (self, job, prepare_thread, prepared, outer);
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
  process_one (self, receipt_id, TRUE, NULL, retried, task);
}

TbReceipt *
tb_receipt_queue_retry_finish (TbReceiptQueue  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
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

      process_one (self, receipt->id, FALSE, NULL, batch_one_done, task);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
due_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TbReceiptQueue *self = source_object;
  Batch *batch = task_data;
  g_autoptr(GError) error = NULL;

  batch->due = tb_ledger_due_receipts (self->ledger, g_get_real_time (), 50, &error);
  if (batch->due == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
due_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
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
  GTask *due;
  Batch *batch;

  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_queue_process_async);
  batch = g_new0 (Batch, 1);
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);

  due = g_task_new (self, NULL, due_done, task);
  g_task_set_task_data (due, batch, NULL);
  g_task_run_in_thread (due, due_thread);
  g_object_unref (due);
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

static void
cancel_recorded_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  TbReceiptQueue *self = source_object;
  CancelData *data = task_data;
  g_autoptr(GError) error = NULL;

  if (!tb_ledger_receipt_cancelled (self->ledger, data->receipt_id, data->note, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
cancel_recorded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  CancelData *data = g_task_get_task_data (outer);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
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
  GTask *record;

  answer = tb_qpay_client_cancel_ebarimt_finish (TB_QPAY_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
      return;
    }

  record = g_task_new (self, NULL, cancel_recorded, outer);
  g_task_set_task_data (record, g_task_get_task_data (outer), NULL);
  g_task_run_in_thread (record, cancel_recorded_thread);
  g_object_unref (record);
}

static void
cancel_loaded_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  TbReceiptQueue *self = source_object;
  CancelData *data = task_data;
  g_autoptr(GError) error = NULL;

  data->receipt = tb_ledger_get_receipt (self->ledger, data->receipt_id, FALSE, &error);
  if (data->receipt == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (data->receipt->state != TB_RECEIPT_REGISTERED)
    g_task_return_new_error (task, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE, "%s",
                             _("Only a registered receipt can be cancelled."));
  else
    g_task_return_boolean (task, TRUE);
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

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
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
  GTask *load;
  CancelData *data;

  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_queue_cancel_async);
  data = g_new0 (CancelData, 1);
  data->receipt_id = receipt_id;
  data->note = g_strdup (note != NULL && *note != '\0' ? note : _("Sale cancelled"));
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);

  load = g_task_new (self, NULL, cancel_loaded, task);
  g_task_set_task_data (load, data, NULL);
  g_task_run_in_thread (load, cancel_loaded_thread);
  g_object_unref (load);
}

gboolean
tb_receipt_queue_cancel_finish (TbReceiptQueue  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tb_receipt_queue_set_settings (TbReceiptQueue          *self,
                               const TbReceiptSettings *settings)
{
  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));
  g_return_if_fail (settings != NULL);

  self->enabled = settings->enabled;
  g_free (self->receiver_type);
  self->receiver_type = g_strdup (g_strcmp0 (settings->receiver_type, "COMPANY") == 0 ? "COMPANY" : "CITIZEN");
  g_free (self->district_code);
  self->district_code = settings->district_code != NULL && *settings->district_code != '\0'
                          ? g_strdup (settings->district_code) : NULL;
  g_free (self->classification_code);
  self->classification_code = settings->classification_code != NULL && *settings->classification_code != '\0'
                                ? g_strdup (settings->classification_code) : NULL;
}

gboolean
tb_receipt_queue_get_enabled (TbReceiptQueue *self)
{
  g_return_val_if_fail (TB_IS_RECEIPT_QUEUE (self), FALSE);
  return self->enabled;
}

void
tb_receipt_queue_load_env (TbReceiptQueue *self)
{
  const char *enabled = g_getenv ("QPAY_EBARIMT_ENABLED");
  TbReceiptSettings settings = { 0 };

  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));

  settings.enabled = enabled != NULL && (g_ascii_strcasecmp (enabled, "1") == 0 ||
                                         g_ascii_strcasecmp (enabled, "true") == 0 ||
                                         g_ascii_strcasecmp (enabled, "yes") == 0);
  settings.receiver_type = g_getenv ("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE");
  settings.district_code = g_getenv ("QPAY_EBARIMT_DEFAULT_DISTRICT_CODE");
  settings.classification_code = g_getenv ("QPAY_EBARIMT_DEFAULT_CLASSIFICATION_CODE");
  tb_receipt_queue_set_settings (self, &settings);
}

void
tb_receipt_queue_set_minute_ms (TbReceiptQueue *self,
                                guint           minute_ms)
{
  g_return_if_fail (TB_IS_RECEIPT_QUEUE (self));
  self->minute_ms = minute_ms;
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

  g_free (self->receiver_type);
  g_free (self->district_code);
  g_free (self->classification_code);
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
  self->receiver_type = g_strdup ("CITIZEN");
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
