/* tb-bill-page.c: one bill: customer, lines, totals, payment, payments, void
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "core/tb-tax.h"

#include "tb-bill-page.h"
#include "tb-customer-dialog.h"
#include "tb-payment-panel.h"
#include "tb-qr-window.h"
#include "tb-receipt-view.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"
#include "tb-void-dialog.h"

struct _TbBillPage
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkLabel       *status_label;
  GtkLabel       *created_label;
  AdwActionRow   *customer_row;
  GtkButton      *customer_button;
  GtkListBox     *lines_list;
  AdwPreferencesGroup *new_line_group;
  GtkEntry       *description_row;
  GtkEntry       *quantity_row;
  GtkEntry       *price_row;
  GtkEntry       *code_row;
  GtkSwitch      *vat_switch;
  GtkSwitch      *city_tax_switch;
  GtkLabel       *line_message;
  GtkButton      *add_line_button;
  GtkLabel       *subtotal_label;
  GtkLabel       *vat_label;
  GtkLabel       *city_tax_label;
  GtkLabel       *total_label;
  GtkLabel       *paid_label;
  GtkLabel       *due_label;
  GtkLabel       *overpaid_label;
  TbPaymentPanel *payment_panel;
  AdwPreferencesGroup *qr_group;
  GtkListBox     *qr_list;
  AdwPreferencesGroup *payments_group;
  GtkListBox     *payments_list;
  AdwBin         *receipts_bin;
  TbReceiptList  *receipt_list;
  GtkButton      *void_button;

  TbQpaySetup    *qpay;
  GtkWidget      *pending_window;   /* made by Generate QR, waiting for its QR */
  guint           present_source;
  guint           qr_refresh_source;
  gboolean        opening_qr;

  TbLedger       *ledger;
  TbBill         *bill;
  GCancellable   *cancellable;
  guint           writes_in_flight;
  gboolean        adding_line;
};

G_DEFINE_FINAL_TYPE (TbBillPage, tb_bill_page, ADW_TYPE_BIN)

enum {
  BILL_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static const char * const status_classes[] = {
  "status-open", "status-partial", "status-paid", "status-void",
};

/* ---- ledger writes (run in a worker thread, see tb-ledger-task.h) ---- */

typedef struct
{
  gint64   bill_id;
  char    *description;
  char    *code;
  gint64   quantity_milli;
  gint64   unit_price;
  gboolean vat;
  gboolean city_tax;
  gint64   line_id;
} AddLineOp;

static void
add_line_op_free (AddLineOp *op)
{
  g_free (op->description);
  g_free (op->code);
  g_free (op);
}

static gboolean
add_line_op_run (TbLedger  *ledger,
                 gpointer   data,
                 GError   **error)
{
  AddLineOp *op = data;
  TbLineInput input = {
    .description = op->description,
    .quantity_milli = op->quantity_milli,
    .unit_price = op->unit_price,
    .classification_code = op->code,
    .vat = op->vat,
    .city_tax = op->city_tax,
  };

  return tb_ledger_add_line (ledger, op->bill_id, &input, &op->line_id, error);
}

typedef struct
{
  gint64  bill_id;
  gint64  line_id;
  gint64  customer_id;
  char   *reason;
} BillOp;

static void
bill_op_free (BillOp *op)
{
  g_free (op->reason);
  g_free (op);
}

static gboolean
remove_line_op_run (TbLedger  *ledger,
                    gpointer   data,
                    GError   **error)
{
  return tb_ledger_remove_line (ledger, ((BillOp *) data)->line_id, error);
}

static gboolean
set_customer_op_run (TbLedger  *ledger,
                     gpointer   data,
                     GError   **error)
{
  BillOp *op = data;

  return tb_ledger_set_bill_customer (ledger, op->bill_id, op->customer_id, error);
}

static gboolean
void_op_run (TbLedger  *ledger,
             gpointer   data,
             GError   **error)
{
  BillOp *op = data;

  return tb_ledger_void_bill (ledger, op->bill_id, op->reason, error);
}

/* ---- helpers ---- */

static char *
format_money (TbBillPage *self,
              gint64      minor)
{
  return tb_money_format (minor, self->bill != NULL ? self->bill->currency : "MNT");
}

static void
set_money_label (TbBillPage *self,
                 GtkLabel   *label,
                 gint64      minor)
{
  g_autofree char *text = format_money (self, minor);

  gtk_label_set_label (label, text);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static gboolean
bill_is_editable (TbBillPage *self)
{
  return self->bill != NULL && self->bill->status != TB_BILL_VOID;
}

static void
write_started (TbBillPage *self)
{
  self->writes_in_flight++;
}

/* Every write ends here: read the bill again and tell the window (list, header). Returns
 * FALSE when the page is going away and the caller must stop. */
static gboolean
write_finished (TbBillPage   *self,
                gint64        bill_id,
                const GError *error)
{
  g_assert (self->writes_in_flight > 0);
  self->writes_in_flight--;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  if (self->bill != NULL && self->bill->id == bill_id)
    tb_bill_page_reload (self);

  g_signal_emit (self, signals [BILL_CHANGED], 0, bill_id);

  return TRUE;
}

/* Validates the new line's fields. With @out_op it also fills an op for the ledger. Shows
 * the line amount and taxes, or what is wrong, under the fields. */
static gboolean
validate_line (TbBillPage *self,
               AddLineOp  *out_op)
{
  g_autofree char *description = tb_ui_editable_dup_text (GTK_EDITABLE (self->description_row));
  g_autofree char *quantity_text = tb_ui_editable_dup_text (GTK_EDITABLE (self->quantity_row));
  g_autofree char *price_text = tb_ui_editable_dup_text (GTK_EDITABLE (self->price_row));
  g_autofree char *code = tb_ui_editable_dup_text (GTK_EDITABLE (self->code_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean vat = gtk_switch_get_active (self->vat_switch);
  gboolean city_tax = gtk_switch_get_active (self->city_tax_switch);
  gboolean started = description != NULL || price_text != NULL || code != NULL;
  gboolean quantity_bad = FALSE;
  gboolean price_bad = FALSE;
  gboolean code_bad = FALSE;
  gint64 quantity = 0;
  gint64 price = 0;
  TbLineTax tax = { 0 };
  gboolean valid = FALSE;

  if (quantity_text == NULL)
    {
      message = g_strdup (_("Enter a quantity."));
      quantity_bad = TRUE;
    }
  else if (!tb_quantity_parse (quantity_text, &quantity, &error))
    {
      message = g_strdup (error->message);
      quantity_bad = TRUE;
    }
  else if (quantity <= 0)
    {
      message = g_strdup (_("The quantity must be more than zero."));
      quantity_bad = TRUE;
    }
  else if (price_text == NULL)
    {
      message = g_strdup (_("Enter the unit price, VAT included."));
    }
  else if (!tb_money_parse (price_text, &price, &error))
    {
      message = g_strdup (error->message);
      price_bad = TRUE;
    }
  else if (code != NULL && (strlen (code) != 7 || strspn (code, "0123456789") != 7))
    {
      message = g_strdup (_("A classification code has 7 digits."));
      code_bad = TRUE;
    }
  else if (!tb_tax_line (quantity, price, vat, city_tax, &tax))
    {
      message = g_strdup (_("This line is too large."));
      price_bad = TRUE;
    }
  else if (description == NULL)
    {
      message = g_strdup (_("Describe the line, e.g. “Consultation”."));
    }
  else if (strlen (description) > 255)
    {
      message = g_strdup (_("The description is too long."));
    }
  else
    {
      g_autofree char *amount = format_money (self, tax.amount);
      g_autofree char *vat_text = format_money (self, tb_tax_e4_to_minor (tax.vat_e4));
      g_autofree char *city_text = format_money (self, tb_tax_e4_to_minor (tax.city_tax_e4));

      if (city_tax)
        message = g_strdup_printf (_("Line amount %s, of which VAT %s and city tax %s."),
                                   amount, vat_text, city_text);
      else if (vat)
        message = g_strdup_printf (_("Line amount %s, of which VAT %s."), amount, vat_text);
      else
        message = g_strdup_printf (_("Line amount %s, no VAT."), amount);
      valid = TRUE;
    }

  /* Don't shout at an empty form: errors show once something was typed. */
  gtk_label_set_label (self->line_message, (started || valid) ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->line_message), started || valid);
  tb_ui_set_css_class (GTK_WIDGET (self->line_message), "error", started && !valid);
  tb_ui_set_css_class (GTK_WIDGET (self->line_message), "dim-label", valid);
  tb_ui_set_css_class (GTK_WIDGET (self->quantity_row), "error", quantity_bad);
  tb_ui_set_css_class (GTK_WIDGET (self->price_row), "error", price_bad);
  tb_ui_set_css_class (GTK_WIDGET (self->code_row), "error", code_bad);

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_line_button),
                            valid && !self->adding_line && bill_is_editable (self));

  if (valid && out_op != NULL)
    {
      out_op->description = g_steal_pointer (&description);
      out_op->code = g_steal_pointer (&code);
      out_op->quantity_milli = quantity;
      out_op->unit_price = price;
      out_op->vat = vat;
      out_op->city_tax = city_tax;
    }

  return valid;
}

static void
reset_line_editor (TbBillPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->quantity_row), "1");
  gtk_editable_set_text (GTK_EDITABLE (self->price_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  gtk_switch_set_active (self->vat_switch, TRUE);
  gtk_switch_set_active (self->city_tax_switch, FALSE);
  validate_line (self, NULL);
}

static void
remove_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TbBillPage *self = TB_BILL_PAGE (object);
  BillOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;

  tb_ledger_task_finish (result, &error);
  if (!write_finished (self, op->bill_id, error))
    return;

  if (error != NULL)
    tb_ui_show_error (GTK_WIDGET (self), _("Line Not Removed"), error);
  else
    tb_ui_toast (GTK_WIDGET (self), _("Line removed"));
}

static void
remove_line_clicked_cb (TbBillPage *self,
                        GtkButton  *button)
{
  const gint64 *line_id = g_object_get_data (G_OBJECT (button), "line-id");
  BillOp *op;

  g_return_if_fail (line_id != NULL && self->bill != NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);

  op = g_new0 (BillOp, 1);
  op->bill_id = self->bill->id;
  op->line_id = *line_id;
  write_started (self);
  tb_ledger_task_run (self->ledger, self, remove_line_op_run, op, (GDestroyNotify) bill_op_free,
                  self->cancellable, remove_line_cb, NULL);
}

static GtkWidget *
make_line_row (TbBillPage       *self,
               const TbBillLine *line,
               gboolean          removable)
{
  g_autofree char *quantity = tb_quantity_format (line->quantity_milli);
  g_autofree char *price = format_money (self, line->unit_price);
  g_autofree char *amount = format_money (self, line->amount);
  GString *subtitle = g_string_new (NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;

  /* TRANSLATORS: quantity × unit price, e.g. "2 × 5 000 ₮" */
  g_string_append_printf (subtitle, _("%s × %s"), quantity, price);
  if (line->vat)
    g_string_append_printf (subtitle, " · %s", _("VAT"));
  if (line->city_tax)
    g_string_append_printf (subtitle, " · %s", _("city tax"));
  if (line->classification_code != NULL && line->classification_code[0] != '\0')
    g_string_append_printf (subtitle, " · %s", line->classification_code);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), line->description);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  g_string_free (subtitle, TRUE);

  label = gtk_label_new (amount);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  if (removable)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *tooltip = g_strdup_printf (_("Remove “%s”"), line->description);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_name (button, "remove-line-button");
      g_object_set_data_full (G_OBJECT (button), "line-id",
                              g_memdup2 (&line->id, sizeof line->id), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (remove_line_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static GtkWidget *
make_payment_row (TbBillPage      *self,
                  const TbPayment *payment)
{
  g_autofree char *amount = format_money (self, payment->amount);
  g_autofree char *time = tb_ui_format_time (payment->created_us);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;

  if (payment->refund_of != 0)
    title = g_strdup_printf (_("%s refund"), tb_payment_method_to_label (payment->method));
  else
    title = g_strdup (tb_payment_method_to_label (payment->method));

  if (payment->method == TB_METHOD_CASH && payment->tendered > payment->amount)
    {
      g_autofree char *tendered = format_money (self, payment->tendered);
      g_autofree char *change = format_money (self, payment->tendered - payment->amount);

      /* TRANSLATORS: time · cash handed over · change given back */
      subtitle = g_strdup_printf (_("%s · handed over %s, change %s"), time, tendered, change);
    }
  else if (payment->reference != NULL && payment->reference[0] != '\0')
    {
      subtitle = g_strdup_printf ("%s · %s", time, payment->reference);
    }
  else
    {
      subtitle = g_strdup (time);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  label = gtk_label_new (amount);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

/* ---- QPay: open QRs of this bill ---- */

static void     fill_pending  (TbBillPage *self);
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
static void
qr_requested_cb (TbBillPage     *self,
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

static void
qr_ready_cb (TbBillPage     *self,
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
  fill_pending (self);

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
  fill_pending (self);

  if (intent == NULL)
    {
      tb_qpay_show_error (GTK_WIDGET (self), _("QR Not Shown"), error);
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
      fill_pending (self);
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
      fill_pending (self);
      tb_qpay_show_error (GTK_WIDGET (self), _("Invoice Not Cancelled"), error);
      return;
    }

  fill_pending (self);

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
  g_autofree char *amount = format_money (self, intent->amount);
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
static void
fill_pending (TbBillPage *self)
{
  g_autoptr(GPtrArray) intents = NULL;
  const char *environment = self->qpay != NULL ? tb_qpay_setup_get_environment (self->qpay) : NULL;
  guint shown = 0;

  clear_list (self->qr_list);
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
static void
update_receipt_context (TbBillPage *self)
{
  tb_receipt_list_set_context (self->receipt_list, self->ledger,
                               self->qpay != NULL ? tb_qpay_setup_get_receipt_queue (self->qpay) : NULL,
                               self->qpay != NULL ? tb_qpay_setup_get_settings (self->qpay) : NULL);
}

static void
update_qpay (TbBillPage *self)
{
  TbPaymentService *service = self->qpay != NULL ? tb_qpay_setup_get_payment_service (self->qpay) : NULL;

  update_receipt_context (self);

  if (self->qpay == NULL)
    return;

  tb_payment_panel_set_method_available (self->payment_panel, TB_METHOD_QPAY,
                                         service != NULL ? NULL : tb_qpay_setup_get_problem (self->qpay));
  tb_payment_panel_set_payment_service (self->payment_panel, service);
}

static void
show_bill (TbBillPage *self)
{
  const TbBill *bill = self->bill;
  gboolean has_payments;
  gboolean editable;
  gint64 vat;
  gint64 city_tax;

  clear_list (self->lines_list);
  clear_list (self->payments_list);

  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), status_classes[i]);

  tb_payment_panel_set_bill (self->payment_panel, self->ledger, bill);

  if (bill == NULL)
    {
      fill_pending (self);
      tb_receipt_list_set_bill (self->receipt_list, 0);
      return;
    }

  has_payments = bill->payments != NULL && bill->payments->len > 0;
  editable = bill_is_editable (self);

  gtk_label_set_label (self->status_label, tb_bill_status_to_label (bill->status));
  if ((guint) bill->status < G_N_ELEMENTS (status_classes))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), status_classes[bill->status]);

  {
    g_autofree char *time = tb_ui_format_time (bill->created_us);
    g_autofree char *created = g_strdup_printf (_("Opened %s"), time);

    if (bill->status == TB_BILL_VOID && bill->void_reason != NULL)
      {
        g_autofree char *text = g_strdup_printf (_("%s · voided: %s"), created, bill->void_reason);

        gtk_label_set_label (self->created_label, text);
      }
    else
      {
        gtk_label_set_label (self->created_label, created);
      }
  }

  /* Customer */
  if (bill->customer_id != 0)
    {
      g_autoptr(TbCustomer) customer = NULL;
      g_autoptr(GError) error = NULL;

      customer = tb_ledger_get_customer (self->ledger, bill->customer_id, &error);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->customer_row),
                                     customer != NULL ? customer->name : bill->customer_name);
      if (customer != NULL && customer->register_no != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Company receipt, TIN %s"), customer->register_no);

          adw_action_row_set_subtitle (self->customer_row, text);
        }
      else if (customer != NULL && customer->phone != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Phone %s"), customer->phone);

          adw_action_row_set_subtitle (self->customer_row, text);
        }
      else
        {
          adw_action_row_set_subtitle (self->customer_row, _("Personal receipt"));
        }
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->customer_row), _("Walk-in customer"));
      adw_action_row_set_subtitle (self->customer_row, _("Personal receipt, no name on the bill"));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->customer_button), editable);

  /* Lines */
  for (guint i = 0; bill->lines != NULL && i < bill->lines->len; i++)
    gtk_list_box_append (self->lines_list,
                         make_line_row (self, g_ptr_array_index (bill->lines, i),
                                        editable && !has_payments));
  gtk_widget_set_visible (GTK_WIDGET (self->new_line_group), editable);

  /* Totals: taxes are kept exact (1/10000) and rounded only for display. */
  vat = tb_tax_e4_to_minor (bill->vat_e4);
  city_tax = tb_tax_e4_to_minor (bill->city_tax_e4);
  set_money_label (self, self->subtotal_label, bill->total - vat - city_tax);
  set_money_label (self, self->vat_label, vat);
  set_money_label (self, self->city_tax_label, city_tax);
  set_money_label (self, self->total_label, bill->total);
  set_money_label (self, self->paid_label, bill->paid);
  set_money_label (self, self->due_label, tb_bill_get_due (bill));
  if (bill->overpaid || bill->paid > bill->total)
    {
      g_autofree char *over = format_money (self, bill->paid - bill->total);
      g_autofree char *text = g_strdup_printf (_("Overpaid by %s: refund the difference"), over);

      gtk_label_set_label (self->overpaid_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->overpaid_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->overpaid_label), FALSE);
    }

  /* Payments */
  for (guint i = 0; has_payments && i < bill->payments->len; i++)
    gtk_list_box_append (self->payments_list,
                         make_payment_row (self, g_ptr_array_index (bill->payments, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->payments_group), has_payments);

  /* The ledger only voids bills nothing was paid on. */
  gtk_widget_set_visible (GTK_WIDGET (self->void_button), editable && bill->paid == 0);

  fill_pending (self);
  tb_receipt_list_reload (self->receipt_list);
  validate_line (self, NULL);
}

/* ---- callbacks ---- */

static void
line_changed_cb (TbBillPage *self)
{
  validate_line (self, NULL);
}

static void
add_line_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TbBillPage *self = TB_BILL_PAGE (object);
  AddLineOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = tb_ledger_task_finish (result, &error);
  self->adding_line = FALSE;

  if (ok && self->bill != NULL && self->bill->id == op->bill_id)
    reset_line_editor (self);

  if (!write_finished (self, op->bill_id, error))
    return;

  if (!ok)
    {
      validate_line (self, NULL);
      tb_ui_show_error (GTK_WIDGET (self), _("Line Not Added"), error);
      return;
    }

  if (self->bill != NULL && self->bill->id == op->bill_id)
    gtk_widget_grab_focus (GTK_WIDGET (self->description_row));
}

static void
add_line_clicked_cb (TbBillPage *self)
{
  AddLineOp *op;

  if (self->bill == NULL || self->adding_line || !bill_is_editable (self))
    return;

  op = g_new0 (AddLineOp, 1);
  if (!validate_line (self, op))
    {
      add_line_op_free (op);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  op->bill_id = self->bill->id;
  self->adding_line = TRUE;
  validate_line (self, NULL);
  write_started (self);
  tb_ledger_task_run (self->ledger, self, add_line_op_run, op, (GDestroyNotify) add_line_op_free,
                  self->cancellable, add_line_cb, NULL);
}

static void
set_customer_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TbBillPage *self = TB_BILL_PAGE (object);
  BillOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;

  tb_ledger_task_finish (result, &error);
  if (!write_finished (self, op->bill_id, error))
    return;

  if (error != NULL)
    tb_ui_show_error (GTK_WIDGET (self), _("Customer Not Changed"), error);
}

static void
customer_chosen_cb (TbBillPage       *self,
                    gint64            customer_id,
                    TbCustomerDialog *dialog)
{
  BillOp *op;

  if (self->bill == NULL || self->bill->customer_id == customer_id)
    return;

  op = g_new0 (BillOp, 1);
  op->bill_id = self->bill->id;
  op->customer_id = customer_id;
  write_started (self);
  tb_ledger_task_run (self->ledger, self, set_customer_op_run, op, (GDestroyNotify) bill_op_free,
                  self->cancellable, set_customer_cb, NULL);
}

static void
customer_clicked_cb (TbBillPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->bill == NULL || self->ledger == NULL)
    return;

  dialog = tb_customer_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->ledger);
  g_signal_connect_object (dialog, "customer-chosen", G_CALLBACK (customer_chosen_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
void_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  TbBillPage *self = TB_BILL_PAGE (object);
  BillOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;

  tb_ledger_task_finish (result, &error);
  if (!write_finished (self, op->bill_id, error))
    return;

  if (error != NULL)
    tb_ui_show_error (GTK_WIDGET (self), _("Bill Not Voided"), error);
  else
    tb_ui_toast (GTK_WIDGET (self), _("Bill voided"));
}

static void
void_response_cb (TbBillPage   *self,
                  const char   *response,
                  TbVoidDialog *dialog)
{
  g_autofree char *reason = NULL;
  BillOp *op;

  if (g_strcmp0 (response, "void") != 0 || self->bill == NULL)
    return;

  reason = tb_void_dialog_dup_reason (dialog);
  if (reason == NULL)
    return;

  op = g_new0 (BillOp, 1);
  op->bill_id = self->bill->id;
  op->reason = g_steal_pointer (&reason);
  write_started (self);
  tb_ledger_task_run (self->ledger, self, void_op_run, op, (GDestroyNotify) bill_op_free,
                  self->cancellable, void_cb, NULL);
}

static void
void_clicked_cb (TbBillPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->bill == NULL)
    return;

  dialog = tb_void_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->bill->number);
  g_signal_connect_object (dialog, "response", G_CALLBACK (void_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
payment_settled_cb (TbBillPage     *self,
                    gint64          bill_id,
                    gboolean        complete,
                    gint64          recorded,
                    gint64          change,
                    TbPaymentPanel *panel)
{
  if (self->bill != NULL && self->bill->id == bill_id)
    tb_bill_page_reload (self);

  g_signal_emit (self, signals [BILL_CHANGED], 0, bill_id);

  if (complete)
    {
      g_autofree char *amount = format_money (self, recorded);
      g_autofree char *text = NULL;

      if (recorded == 0)
        text = g_strdup (_("This payment was already recorded"));
      else if (change > 0)
        {
          g_autofree char *change_text = format_money (self, change);

          text = g_strdup_printf (_("Payment recorded: %s. Give back change: %s"), amount, change_text);
        }
      else
        text = g_strdup_printf (_("Payment recorded: %s"), amount);

      tb_ui_toast (GTK_WIDGET (self), text);
    }
}

/* ---- GObject ---- */

static void
tb_bill_page_dispose (GObject *object)
{
  TbBillPage *self = (TbBillPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->qr_refresh_source, g_source_remove);
  g_clear_handle_id (&self->present_source, g_source_remove);
  /* A window still waiting for its QR would wait forever: the answer came to this page. */
  if (self->pending_window != NULL)
    {
      GtkWidget *pending = self->pending_window;

      g_object_remove_weak_pointer (G_OBJECT (pending), (gpointer *) &self->pending_window);
      self->pending_window = NULL;
      gtk_window_destroy (GTK_WINDOW (pending));
    }
  if (self->qpay != NULL)
    g_signal_handlers_disconnect_by_data (self->qpay, self);
  g_clear_object (&self->qpay);
  g_clear_object (&self->ledger);
  g_clear_pointer (&self->bill, tb_bill_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_BILL_PAGE);

  G_OBJECT_CLASS (tb_bill_page_parent_class)->dispose (object);
}

static void
tb_bill_page_class_init (TbBillPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_bill_page_dispose;

  /**
   * TbBillPage::bill-changed:
   * @bill_id: the bill that was written
   *
   * Emitted after every write to a bill from this page (line, customer, payment, void),
   * successful or not, once the page has read the bill again.
   */
  signals [BILL_CHANGED] =
    g_signal_new ("bill-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (TB_TYPE_PAYMENT_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tb-bill-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, created_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, customer_row);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, customer_button);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, lines_list);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, new_line_group);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, description_row);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, quantity_row);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, price_row);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, vat_switch);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, city_tax_switch);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, line_message);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, add_line_button);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, subtotal_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, vat_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, city_tax_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, paid_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, due_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, overpaid_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, payment_panel);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, qr_group);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, qr_list);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, receipts_bin);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, payments_group);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, payments_list);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, void_button);
  gtk_widget_class_bind_template_callback (widget_class, line_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_line_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, customer_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, void_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, payment_settled_cb);
  gtk_widget_class_bind_template_callback (widget_class, qr_ready_cb);
  gtk_widget_class_bind_template_callback (widget_class, qr_requested_cb);
}

static void
tb_bill_page_init (TbBillPage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  self->receipt_list = TB_RECEIPT_LIST (tb_receipt_list_new ());
  adw_bin_set_child (self->receipts_bin, GTK_WIDGET (self->receipt_list));

  placeholder = gtk_label_new (_("No lines yet. Add the first one below."));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->lines_list, placeholder);

  reset_line_editor (self);
}

/* ---- public API ---- */

GtkWidget *
tb_bill_page_new (void)
{
  return g_object_new (TB_TYPE_BILL_PAGE, NULL);
}

void
tb_bill_page_set_ledger (TbBillPage *self,
                         TbLedger   *ledger)
{
  g_return_if_fail (TB_IS_BILL_PAGE (self));
  g_return_if_fail (ledger == NULL || TB_IS_LEDGER (ledger));

  if (g_set_object (&self->ledger, ledger))
    {
      g_clear_pointer (&self->bill, tb_bill_free);
      update_receipt_context (self);
      tb_receipt_list_set_bill (self->receipt_list, 0);
      show_bill (self);
    }
}

gboolean
tb_bill_page_load (TbBillPage  *self,
                   gint64       bill_id,
                   GError     **error)
{
  g_autoptr(TbBill) bill = NULL;
  gboolean same;

  g_return_val_if_fail (TB_IS_BILL_PAGE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (bill_id != 0)
    {
      if (self->ledger == NULL)
        {
          g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                               _("The ledger is not open."));
        }
      else
        {
          bill = tb_ledger_get_bill (self->ledger, bill_id, error);
        }
    }

  same = self->bill != NULL && bill != NULL && self->bill->id == bill->id;
  g_clear_pointer (&self->bill, tb_bill_free);
  self->bill = g_steal_pointer (&bill);

  /* A different bill starts with an empty line editor (and its own receipt options). */
  if (!same)
    {
      reset_line_editor (self);
      tb_receipt_list_set_bill (self->receipt_list, self->bill != NULL ? self->bill->id : 0);
    }

  show_bill (self);

  return bill_id == 0 || self->bill != NULL;
}

void
tb_bill_page_reload (TbBillPage *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TB_IS_BILL_PAGE (self));

  if (self->bill == NULL)
    return;

  if (!tb_bill_page_load (self, self->bill->id, &error))
    tb_ui_show_error (GTK_WIDGET (self), _("Cannot Show the Bill"), error);
}

gint64
tb_bill_page_get_bill_id (TbBillPage *self)
{
  g_return_val_if_fail (TB_IS_BILL_PAGE (self), 0);
  return self->bill != NULL ? self->bill->id : 0;
}

const TbBill *
tb_bill_page_get_bill (TbBillPage *self)
{
  g_return_val_if_fail (TB_IS_BILL_PAGE (self), NULL);
  return self->bill;
}

gboolean
tb_bill_page_record_payment (TbBillPage *self)
{
  g_return_val_if_fail (TB_IS_BILL_PAGE (self), FALSE);

  if (self->bill == NULL)
    return FALSE;

  return tb_payment_panel_record (self->payment_panel);
}

void
tb_bill_page_focus_new_line (TbBillPage *self)
{
  g_return_if_fail (TB_IS_BILL_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->description_row));
}

static void
qpay_changed_cb (TbBillPage  *self,
                 TbQpaySetup *setup)
{
  update_qpay (self);
  fill_pending (self);
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
  fill_pending (self);
}

void
tb_bill_page_refresh_qpay (TbBillPage *self)
{
  g_return_if_fail (TB_IS_BILL_PAGE (self));

  fill_pending (self);
}
