/* tb-payment-panel-record.c: Record: every cash and card part of one press in one ledger transaction
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"
#include "core/tb-money.h"
#include "services/tb-service-error.h"

#include "tb-payment-panel-private.h"
#include "tb-qpay-setup.h"
#include "tb-ui-util.h"

typedef struct
{
  gint64            bill_id;
  guint             n_requests;
  TbSettleRequest   requests[N_METHODS];
  char             *txn_ids[N_METHODS];
  TbSettleResult    results[N_METHODS];
  gint64            change;
  char             *currency;
} SettleOp;

static void
settle_op_free (SettleOp *op)
{
  for (guint i = 0; i < op->n_requests; i++)
    g_free (op->txn_ids[i]);
  g_free (op->currency);
  g_free (op);
}

/* All parts of one press in ONE transaction: a crash or a refused part leaves none of them
 * recorded, and the attempt key makes a retry after a lost answer record nothing twice. */
static gboolean
settle_op_run (TbLedger  *ledger,
               gpointer   data,
               GError   **error)
{
  SettleOp *op = data;

  return tb_ledger_settle_many (ledger, op->requests, op->n_requests, op->results, error);
}

static void
settle_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TbPaymentPanel *self = TB_PAYMENT_PANEL (object);
  SettleOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;
  gboolean complete;
  gint64 recorded = 0;

  complete = tb_ledger_task_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  for (guint i = 0; complete && i < op->n_requests; i++)
    if (!op->results[i].already_settled)
      recorded += op->requests[i].amount;

  tb_payment_panel_set_in_flight (self, FALSE);

  if (complete)
    {
      /* A new attempt starts from a clean form with a new key. */
      tb_payment_panel_reset_rows (self);
      tb_payment_panel_validate (self);
    }
  else
    {
      /* Nothing was recorded. Keep the input and the key: if the answer was lost after the
       * commit, pressing Record again finds the parts already settled. */
      tb_ui_show_error (GTK_WIDGET (self), _("Payment Not Recorded"), error);
    }

  g_signal_emit (self, tb_payment_panel_signals [SETTLED], 0, op->bill_id, complete, recorded,
                 complete ? op->change : 0);
}

void
tb_payment_panel_record_clicked_cb (TbPaymentPanel *self,
                   GtkButton      *button)
{
  tb_payment_panel_record (self);
}

/* One request per recordable part of the validated form, all under this attempt's key. */
static SettleOp *
settle_op_new (TbPaymentPanel *self)
{
  SettleOp *op = g_new0 (SettleOp, 1);

  op->bill_id = self->bill_id;
  op->currency = g_strdup (self->currency);

  for (guint i = 0; i < N_METHODS; i++)
    {
      const MethodRow *row = &self->rows[i];
      TbSettleRequest *request;

      if (!tb_payment_panel_row_is_checked (row) || !row->valid || row->record <= 0 || row->info->settles_itself)
        continue;

      request = &op->requests[op->n_requests];
      op->txn_ids[op->n_requests] = g_strdup_printf ("%s:%s", self->attempt_key, row->info->id);
      request->bill_id = self->bill_id;
      request->method = row->info->method;
      request->amount = row->record;
      request->provider_txn_id = op->txn_ids[op->n_requests];
      request->tendered = row->info->gives_change ? row->typed : 0;
      if (row->info->gives_change)
        op->change += row->typed - row->record;
      op->n_requests++;
    }

  g_assert (op->n_requests > 0);

  return op;
}

static void
settle_start (TbPaymentPanel *self,
              SettleOp       *op)
{
  tb_ledger_task_run (self->ledger, self, settle_op_run, op, (GDestroyNotify) settle_op_free,
                      self->cancellable, settle_cb, NULL);
}

typedef struct
{
  TbPaymentPanel *panel;
  SettleOp       *op;
  gint64          due_before;
} Release;

static void
release_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree Release *release = user_data;
  g_autoptr(TbPaymentPanel) self = release->panel;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbBill) bill = NULL;

  if (!tb_payment_service_release_bill_finish (TB_PAYMENT_SERVICE (object), result, &error) ||
      !(bill = tb_ledger_get_bill (self->ledger, release->op->bill_id, &error)))
    {
      settle_op_free (release->op);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      tb_payment_panel_set_in_flight (self, FALSE);
      tb_ui_show_error (GTK_WIDGET (self), _("Payment Not Recorded"), error);
      return;
    }

  /* The QR turned out to be paid (and is now settled): what is due changed under the amounts
   * staff typed, so nothing is recorded until they look again. */
  if (tb_bill_get_due (bill) != release->due_before)
    {
      g_autoptr(GError) changed = g_error_new_literal (TB_SERVICE_ERROR, TB_SERVICE_ERROR_CHANGED,
                                                       _("The customer has just paid the QPay QR of this bill. Check what is still due before you record another payment."));

      settle_op_free (release->op);
      tb_payment_panel_set_in_flight (self, FALSE);
      tb_ui_show_error (GTK_WIDGET (self), _("Payment Not Recorded"), changed);
      return;
    }

  settle_start (self, release->op);
}

static void
release_start (TbPaymentPanel *self,
               SettleOp       *op)
{
  Release *release = g_new0 (Release, 1);

  release->panel = g_object_ref (self);
  release->op = op;
  release->due_before = self->due;
  tb_payment_service_release_bill_async (self->service, op->bill_id, self->cancellable,
                                         release_cb, release);
}

gboolean
tb_payment_panel_record (TbPaymentPanel *self)
{
  SettleOp *op;

  g_return_val_if_fail (TB_IS_PAYMENT_PANEL (self), FALSE);

  /* The double-press guard: nothing starts while a recording is in flight, and the
   * button is insensitive until it finishes. */
  if (self->in_flight)
    return FALSE;

  tb_payment_panel_validate (self);
  if (!self->can_record)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }

  if (self->attempt_key == NULL)
    self->attempt_key = g_uuid_string_random ();

  op = settle_op_new (self);
  tb_payment_panel_set_in_flight (self, TRUE);

  /* A QR of this bill that the customer may still pay is cancelled first: recording cash
   * or card while it stays payable is how a customer gets charged twice (issue #16.10). */
  if (self->service != NULL)
    release_start (self, op);
  else
    settle_start (self, op);

  return TRUE;
}
