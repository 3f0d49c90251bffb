/* tb-bill-page-qpay.c: the bill's open QPay QRs (show again, cancel) and Generate QR
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-money.h"
#include "core/tb-tax.h"
#include "core/tb-ledger-task.h"

#include "tb-bill-page-private.h"
#include "tb-qr-window.h"
#include "tb-ui-util.h"

/* ---- QPay: open QRs of this bill ---- */

static gboolean qr_refresh_cb (gpointer    user_data);

static void
open_qr_window (TbBillPage     *self,
                const TbIntent *intent)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  TbQrWindow *existing = tb_qr_window_find (intent->id);
  GtkWidget *window;

  if (existing != NULL)
    {
      gtk_window_present (GTK_WINDOW (existing));
      return;
    }

  if (self->qpay == NULL || tb_qpay_setup_get_payment_service (self->qpay) == NULL)
    return;

  window = tb_qr_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->qpay, intent);
  gtk_window_present (GTK_WINDOW (window));
}

static gboolean
present_pending_cb (gpointer user_data)
{
  TbBillPage *self = user_data;

  self->present_source = 0;
  if (self->pending_window != NULL)
    gtk_window_present (GTK_WINDOW (self->pending_window));

  return G_SOURCE_REMOVE;
}

/* The request went out (its intent is committed and QPay is being asked): show the window
 * while QPay thinks. Not earlier: building and drawing a window on the main loop would only
 * hold up the request itself. */
static void
qpay_intent_changed_cb (TbBillPage  *self,
                        gint64       intent_id,
                        int          state,
                        TbQpaySetup *setup)
{
  if (self->pending_window != NULL && state == TB_INTENT_NEW && self->present_source == 0 &&
      !gtk_widget_get_visible (self->pending_window))
    self->present_source = g_idle_add_full (G_PRIORITY_LOW, present_pending_cb, self, NULL);
}

/* Generate QR was pressed: the window is made now and shown as soon as the request is on its
 * way (see above), or with its QR if the answer comes first (a QR reused without asking). */
void
tb_bill_page_qr_requested_cb (TbBillPage     *self,
                 gint64          amount,
                 TbPaymentPanel *panel)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->qpay == NULL || self->bill == NULL || self->pending_window != NULL ||
      tb_qpay_setup_get_payment_service (self->qpay) == NULL)
    return;

  self->pending_window = tb_qr_window_new_pending (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   self->qpay, self->bill->id, self->bill->number,
                                                   amount);
  g_object_add_weak_pointer (G_OBJECT (self->pending_window), (gpointer *) &self->pending_window);
}

void
tb_bill_page_qr_ready_cb (TbBillPage     *self,
             gpointer        intent_pointer,
             TbPaymentPanel *panel)
{
  const TbIntent *intent = intent_pointer;
  GtkWidget *pending = self->pending_window;
  TbQrWindow *existing;

  g_clear_handle_id (&self->present_source, g_source_remove);
  if (pending != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (pending), (gpointer *) &self->pending_window);
      self->pending_window = NULL;
    }

  if (intent == NULL)
    {
      if (pending != NULL)
        gtk_window_destroy (GTK_WINDOW (pending));
      return;
    }

  /* The same QR already on screen (reused for the same amount): one window for it. */
  existing = tb_qr_window_find (intent->id);
  if (existing != NULL || pending == NULL)
    {
      if (pending != NULL)
        gtk_window_destroy (GTK_WINDOW (pending));
      open_qr_window (self, intent);
    }
  else
    {
      tb_qr_window_set_intent (TB_QR_WINDOW (pending), intent);
      gtk_window_present (GTK_WINDOW (pending));
    }

  /* The pending row can wait until the QR is on screen. */
  g_clear_handle_id (&self->qr_refresh_source, g_source_remove);
  self->qr_refresh_source = g_idle_add_full (G_PRIORITY_LOW, qr_refresh_cb, self, NULL);
}

static gboolean
qr_refresh_cb (gpointer user_data)
{
  TbBillPage *self = user_data;

  self->qr_refresh_source = 0;
  tb_bill_page_fill_pending (self);

  return G_SOURCE_REMOVE;
}

static void
reopened_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TbBillPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;

  intent = tb_payment_service_open_finish (TB_PAYMENT_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->opening_qr = FALSE;
  tb_bill_page_fill_pending (self);

  if (intent == NULL)
    {
      tb_ui_show_error (GTK_WIDGET (self), _("QR Not Shown"), error);
      return;
    }

  open_qr_window (self, intent);
}

static void
show_qr_clicked_cb (TbBillPage *self,
                    GtkButton  *button)
{
  const gint64 *intent_id = g_object_get_data (G_OBJECT (button), "intent-id");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;
  TbPaymentService *service;

  g_return_if_fail (intent_id != NULL);

  if (self->ledger == NULL || self->qpay == NULL || self->opening_qr)
    return;

  /* The same intent, as the ledger has it now: never a new invoice for a QR already made. */
  intent = tb_ledger_get_intent (self->ledger, *intent_id, &error);
  if (intent == NULL || !tb_intent_is_open (intent))
    {
      tb_bill_page_fill_pending (self);
      if (error != NULL)
        tb_ui_show_error (GTK_WIDGET (self), _("QR Not Shown"), error);
      return;
    }

  if (intent->qr_text != NULL)
    {
      open_qr_window (self, intent);
      return;
    }

  /* Committed but never created at QPay (its answer was lost): the service creates it now,
   * with the same sender_invoice_no. */
  service = tb_qpay_setup_get_payment_service (self->qpay);
  if (service == NULL)
    return;

  self->opening_qr = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  tb_payment_service_open_async (service, intent->bill_id, intent->amount, self->cancellable,
                                 reopened_cb, g_object_ref (self));
}

static void
pending_cancelled_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TbBillPage) self = user_data;
  g_autoptr(GError) error = NULL;
  TbCheckOutcome outcome = { 0 };

  if (!tb_payment_service_cancel_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      tb_bill_page_fill_pending (self);
      tb_ui_show_error (GTK_WIDGET (self), _("Invoice Not Cancelled"), error);
      return;
    }

  tb_bill_page_fill_pending (self);

  /* A payment that beat the cancel is recorded; the window's toast says so. */
  if (outcome.state == TB_INTENT_CANCELLED)
    tb_ui_toast (GTK_WIDGET (self), _("QR cancelled"));
}

static void
pending_cancel_response_cb (TbBillPage       *self,
                            const char       *response,
                            AdwMessageDialog *dialog)
{
  const gint64 *intent_id = g_object_get_data (G_OBJECT (dialog), "intent-id");
  TbPaymentService *service;

  if (g_strcmp0 (response, "cancel-invoice") != 0 || intent_id == NULL || self->qpay == NULL)
    return;

  service = tb_qpay_setup_get_payment_service (self->qpay);
  if (service == NULL)
    return;

  tb_payment_service_cancel_async (service, *intent_id, self->cancellable,
                                   pending_cancelled_cb, g_object_ref (self));
}

static void
pending_cancel_clicked_cb (TbBillPage *self,
                           GtkButton  *button)
{
  const gint64 *intent_id = g_object_get_data (G_OBJECT (button), "intent-id");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  g_return_if_fail (intent_id != NULL);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Cancel This QR?"),
                                   _("The customer will not be able to pay it any more. If they have already paid, the payment is recorded instead."));
  gtk_widget_set_name (dialog, "qr-cancel-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep the QR"),
                                    "cancel-invoice", _("_Cancel Invoice"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-invoice",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "intent-id",
                          g_memdup2 (intent_id, sizeof *intent_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (pending_cancel_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
make_pending_row (TbBillPage     *self,
                  const TbIntent *intent)
{
  g_autofree char *amount = tb_bill_page_format_money (self, intent->amount);
  g_autofree char *subtitle = NULL;
  gint64 now = g_get_real_time ();
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  if (intent->state == TB_INTENT_NEW)
    /* TRANSLATORS: %s is an amount */
    subtitle = g_strdup_printf (_("%s · not sent to QPay yet: Show QR tries again"), amount);
  else if (intent->expires_us > now)
    {
      int minutes = (int) ((intent->expires_us - now + 59 * G_USEC_PER_SEC) / (60 * G_USEC_PER_SEC));

      /* TRANSLATORS: %s is an amount, %d a number of minutes */
      subtitle = g_strdup_printf (_("%s · expires in %d min"), amount, minutes);
    }
  else if (intent->expires_us > 0)
    subtitle = g_strdup_printf (_("%s · expired: it is being closed"), amount);
  else
    subtitle = g_strdup (amount);

  gtk_widget_set_name (row, "qr-pending-row");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("QPay invoice pending"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  button = gtk_button_new_with_mnemonic (_("Show _QR"));
  gtk_widget_set_name (button, "pending-show-qr");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_tooltip_text (button, _("Show the same QR again"));
  gtk_widget_set_sensitive (button, self->qpay != NULL && !self->opening_qr &&
                                    tb_qpay_setup_get_payment_service (self->qpay) != NULL);
  g_object_set_data_full (G_OBJECT (button), "intent-id",
                          g_memdup2 (&intent->id, sizeof intent->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (show_qr_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  button = gtk_button_new_with_mnemonic (_("Cance_l…"));
  gtk_widget_set_name (button, "pending-cancel");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Cancel this QR so that it cannot be paid"));
  gtk_widget_set_sensitive (button, self->qpay != NULL &&
                                    tb_qpay_setup_get_payment_service (self->qpay) != NULL);
  g_object_set_data_full (G_OBJECT (button), "intent-id",
                          g_memdup2 (&intent->id, sizeof intent->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (pending_cancel_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

/* The bill's open QRs for the environment in use (one bounded read). Rows say how long each
 * stays payable; while any is shown, they are refreshed every half minute. */
void
tb_bill_page_fill_pending (TbBillPage *self)
{
  g_autoptr(GPtrArray) intents = NULL;
  const char *environment = self->qpay != NULL ? tb_qpay_setup_get_environment (self->qpay) : NULL;
  guint shown = 0;

  tb_bill_page_clear_list (self->qr_list);
  g_clear_handle_id (&self->qr_refresh_source, g_source_remove);

  if (self->ledger != NULL && self->bill != NULL && environment != NULL)
    {
      g_autoptr(GError) error = NULL;

      intents = tb_ledger_list_intents (self->ledger, TB_INTENT_FILTER_OPEN, self->bill->id, 10, &error);
      if (intents == NULL)
        g_message ("Could not read the bill's QR payments: %s", error->message);
    }

  for (guint i = 0; intents != NULL && i < intents->len; i++)
    {
      const TbIntent *intent = intents->pdata[i];

      if (g_strcmp0 (intent->environment, environment) != 0)
        continue;

      gtk_list_box_append (self->qr_list, make_pending_row (self, intent));
      shown++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->qr_group), shown > 0);
  if (shown > 0)
    self->qr_refresh_source = g_timeout_add_seconds (30, qr_refresh_cb, self);
}

/* The receipts of the bill's QPay payments, issued by the current receipt queue (replaced
 * when the QPay settings change). */
void
tb_bill_page_update_receipt_context (TbBillPage *self)
{
  tb_receipt_list_set_context (self->receipt_list, self->ledger,
                               self->qpay != NULL ? tb_qpay_setup_get_receipt_queue (self->qpay) : NULL,
                               self->qpay != NULL ? tb_qpay_setup_get_settings (self->qpay) : NULL);
}

static void
update_qpay (TbBillPage *self)
{
  TbPaymentService *service = self->qpay != NULL ? tb_qpay_setup_get_payment_service (self->qpay) : NULL;

  tb_bill_page_update_receipt_context (self);

  if (self->qpay == NULL)
    return;

  tb_payment_panel_set_method_available (self->payment_panel, TB_METHOD_QPAY,
                                         service != NULL ? NULL : tb_qpay_setup_get_problem (self->qpay));
  tb_payment_panel_set_payment_service (self->payment_panel, service);
}

static void
qpay_changed_cb (TbBillPage  *self,
                 TbQpaySetup *setup)
{
  update_qpay (self);
  tb_bill_page_fill_pending (self);
}

void
tb_bill_page_set_qpay_setup (TbBillPage  *self,
                             TbQpaySetup *setup)
{
  g_return_if_fail (TB_IS_BILL_PAGE (self));
  g_return_if_fail (setup == NULL || TB_IS_QPAY_SETUP (setup));

  if (self->qpay == setup)
    return;

  if (self->qpay != NULL)
    g_signal_handlers_disconnect_by_data (self->qpay, self);
  g_set_object (&self->qpay, setup);
  if (setup != NULL)
    {
      g_signal_connect_object (setup, "changed", G_CALLBACK (qpay_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (setup, "intent-changed", G_CALLBACK (qpay_intent_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  update_qpay (self);
  tb_bill_page_fill_pending (self);
}

void
tb_bill_page_refresh_qpay (TbBillPage *self)
{
  g_return_if_fail (TB_IS_BILL_PAGE (self));

  tb_bill_page_fill_pending (self);
}

