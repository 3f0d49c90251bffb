/* tb-bill-page.c: one bill: customer, lines, totals, payment, payments, void
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "core/tb-tax.h"

#include "tb-bill-page-private.h"
#include "tb-customer-dialog.h"
#include "tb-payment-panel.h"
#include "tb-qr-window.h"
#include "tb-receipt-list.h"
#include "tb-receipt-view.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"
#include "tb-void-dialog.h"


G_DEFINE_FINAL_TYPE (TbBillPage, tb_bill_page, ADW_TYPE_BIN)

enum {
  BILL_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static const char * const status_classes[] = {
  "status-open", "status-partial", "status-paid", "status-void", "status-overpaid",
};

/* ---- ledger writes (run in a worker thread, see tb-ledger-task.h) ---- */

void
tb_bill_op_free (BillOp *op)
{
  g_free (op->reason);
  g_free (op);
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

char *
tb_bill_page_format_money (TbBillPage *self,
              gint64      minor)
{
  return tb_money_format (minor, self->bill != NULL ? self->bill->currency : "MNT");
}

static void
set_money_label (TbBillPage *self,
                 GtkLabel   *label,
                 gint64      minor)
{
  g_autofree char *text = tb_bill_page_format_money (self, minor);

  gtk_label_set_label (label, text);
}

void
tb_bill_page_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

gboolean
tb_bill_page_bill_is_editable (TbBillPage *self)
{
  return self->bill != NULL && self->bill->status != TB_BILL_VOID;
}

void
tb_bill_page_write_started (TbBillPage *self)
{
  self->writes_in_flight++;
}

/* Every write ends here: read the bill again and tell the window (list, header). Returns
 * FALSE when the page is going away and the caller must stop. */
gboolean
tb_bill_page_write_finished (TbBillPage   *self,
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

void
tb_bill_page_finish_bill_op (TbBillPage   *self,
                             GAsyncResult *result,
                             const char   *failed_heading,
                             const char   *done_toast)
{
  BillOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;

  tb_ledger_task_finish (result, &error);
  if (!tb_bill_page_write_finished (self, op->bill_id, error))
    return;

  if (error != NULL)
    tb_ui_show_error (GTK_WIDGET (self), failed_heading, error);
  else if (done_toast != NULL)
    tb_ui_toast (GTK_WIDGET (self), done_toast);
}

static GtkWidget *
make_payment_row (TbBillPage      *self,
                  const TbPayment *payment)
{
  g_autofree char *amount = tb_bill_page_format_money (self, payment->amount);
  g_autofree char *time = tb_ui_format_time (payment->created_us);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;

  /* A payment the provider later reported as refunded or failed is booked as a reversal
   * (tb_ledger_reverse_provider_payment): staff must see that the money did not stay. */
  if (tb_payment_is_reversal (payment))
    title = g_strdup_printf (_("%s payment reversed by the provider"),
                             tb_payment_method_to_label (payment->method));
  else if (payment->refund_of != 0)
    title = g_strdup_printf (_("%s refund"), tb_payment_method_to_label (payment->method));
  else
    title = g_strdup (tb_payment_method_to_label (payment->method));

  if (payment->method == TB_METHOD_CASH && payment->tendered > payment->amount)
    {
      g_autofree char *tendered = tb_bill_page_format_money (self, payment->tendered);
      g_autofree char *change = tb_bill_page_format_money (self, payment->tendered - payment->amount);

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
  if (tb_payment_is_reversal (payment))
    gtk_widget_add_css_class (label, "error");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

/* Status pill and "Opened …" line. */
static void
show_header (TbBillPage   *self,
             const TbBill *bill)
{
  gboolean overpaid = tb_ui_bill_is_overpaid (bill);
  g_autofree char *time = tb_ui_format_time (bill->created_us);
  g_autofree char *created = g_strdup_printf (_("Opened %s"), time);

  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), status_classes[i]);
  gtk_label_set_label (self->status_label, tb_ui_bill_status_label (bill->status, overpaid));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label),
                            tb_ui_bill_status_class (bill->status, overpaid));

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

static void
show_customer (TbBillPage   *self,
               const TbBill *bill)
{
  g_autoptr(TbCustomer) customer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;

  if (bill->customer_id == 0)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->customer_row), _("Walk-in customer"));
      adw_action_row_set_subtitle (self->customer_row, _("Personal receipt, no name on the bill"));
      return;
    }

  customer = tb_ledger_get_customer (self->ledger, bill->customer_id, &error);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->customer_row),
                                 customer != NULL ? customer->name : bill->customer_name);
  if (customer != NULL && customer->register_no != NULL)
    subtitle = g_strdup_printf (_("Company receipt, TIN %s"), customer->register_no);
  else if (customer != NULL && customer->phone != NULL)
    subtitle = g_strdup_printf (_("Phone %s"), customer->phone);
  else
    subtitle = g_strdup (_("Personal receipt"));
  adw_action_row_set_subtitle (self->customer_row, subtitle);
}

/* Totals: taxes are kept exact (1/10000) and rounded only for display. */
static void
show_totals (TbBillPage   *self,
             const TbBill *bill)
{
  gint64 vat = tb_tax_e4_to_minor (bill->vat_e4);
  gint64 city_tax = tb_tax_e4_to_minor (bill->city_tax_e4);

  set_money_label (self, self->subtotal_label, bill->total - vat - city_tax);
  set_money_label (self, self->vat_label, vat);
  set_money_label (self, self->city_tax_label, city_tax);
  set_money_label (self, self->total_label, bill->total);
  set_money_label (self, self->paid_label, bill->paid);
  set_money_label (self, self->due_label, tb_bill_get_due (bill));

  if (tb_ui_bill_is_overpaid (bill))
    {
      /* On a void bill everything paid goes back. */
      gint64 excess = bill->status == TB_BILL_VOID ? bill->paid : bill->paid - bill->total;
      g_autofree char *over = tb_bill_page_format_money (self, excess);
      g_autofree char *text = g_strdup_printf (_("Overpaid by %s: refund the difference"), over);

      gtk_label_set_label (self->overpaid_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->overpaid_label), tb_ui_bill_is_overpaid (bill));
}

static void
show_lines (TbBillPage   *self,
            const TbBill *bill,
            gboolean      removable)
{
  tb_bill_page_clear_list (self->lines_list);
  tb_bill_page_update_lines_lock (self);
  for (guint i = 0; bill->lines != NULL && i < bill->lines->len; i++)
    gtk_list_box_append (self->lines_list,
                         tb_bill_page_make_line_row (self, g_ptr_array_index (bill->lines, i),
                                                     removable && !self->lines_locked));
}

static void
show_payments (TbBillPage   *self,
               const TbBill *bill)
{
  gboolean has_payments = bill->payments != NULL && bill->payments->len > 0;

  tb_bill_page_clear_list (self->payments_list);
  for (guint i = 0; has_payments && i < bill->payments->len; i++)
    gtk_list_box_append (self->payments_list,
                         make_payment_row (self, g_ptr_array_index (bill->payments, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->payments_group), has_payments);
}

static void
show_bill (TbBillPage *self)
{
  const TbBill *bill = self->bill;
  gboolean editable = tb_bill_page_bill_is_editable (self);

  tb_payment_panel_set_bill (self->payment_panel, self->ledger, bill);

  if (bill == NULL)
    {
      tb_bill_page_clear_list (self->lines_list);
      tb_bill_page_clear_list (self->payments_list);
      tb_bill_page_fill_pending (self);
      tb_receipt_list_set_bill (self->receipt_list, 0);
      return;
    }

  show_header (self, bill);
  show_customer (self, bill);
  gtk_widget_set_sensitive (GTK_WIDGET (self->customer_button), editable);
  /* Lines can be removed only while nothing is paid. */
  show_lines (self, bill, editable && (bill->payments == NULL || bill->payments->len == 0));
  gtk_widget_set_visible (GTK_WIDGET (self->new_line_group), editable);
  show_totals (self, bill);
  show_payments (self, bill);

  /* The ledger only voids bills nothing was paid on. */
  gtk_widget_set_visible (GTK_WIDGET (self->void_button), editable && bill->paid == 0);

  tb_bill_page_fill_pending (self);
  tb_receipt_list_reload (self->receipt_list);
  tb_bill_page_validate_line (self, NULL);
}

/* ---- callbacks ---- */

static void
set_customer_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  tb_bill_page_finish_bill_op (TB_BILL_PAGE (object), result, _("Customer Not Changed"), NULL);
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
  tb_bill_page_write_started (self);
  tb_ledger_task_run (self->ledger, self, set_customer_op_run, op, (GDestroyNotify) tb_bill_op_free,
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
  tb_bill_page_finish_bill_op (TB_BILL_PAGE (object), result, _("Bill Not Voided"), _("Bill voided"));
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
  tb_bill_page_write_started (self);
  tb_ledger_task_run (self->ledger, self, void_op_run, op, (GDestroyNotify) tb_bill_op_free,
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
      g_autofree char *amount = tb_bill_page_format_money (self, recorded);
      g_autofree char *text = NULL;

      if (recorded == 0)
        text = g_strdup (_("This payment was already recorded"));
      else if (change > 0)
        {
          g_autofree char *change_text = tb_bill_page_format_money (self, change);

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
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, line_editor);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, lines_locked_box);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, lines_locked_label);
  gtk_widget_class_bind_template_child (widget_class, TbBillPage, new_bill_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "line_changed_cb",
                                                G_CALLBACK (tb_bill_page_line_changed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "add_line_clicked_cb",
                                                G_CALLBACK (tb_bill_page_add_line_clicked_cb));
  gtk_widget_class_bind_template_callback (widget_class, customer_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, void_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, payment_settled_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "qr_ready_cb",
                                                G_CALLBACK (tb_bill_page_qr_ready_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "qr_requested_cb",
                                                G_CALLBACK (tb_bill_page_qr_requested_cb));
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

  tb_bill_page_reset_line_editor (self);
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
      tb_bill_page_update_receipt_context (self);
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
      tb_bill_page_reset_line_editor (self);
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
