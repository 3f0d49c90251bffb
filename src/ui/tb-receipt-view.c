/* tb-receipt-view.c: the receipt window: the receipt as the customer sees it, Print, Save as PDF, Copy QR
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-money.h"
#include "core/tb-seal.h"
#include "core/tb-tax.h"
#include "receipt/tb-receipt-layout.h"

#include "tb-receipt-print.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"
#include "tb-receipt-ui-private.h"
#include "tb-receipt-view.h"

/* About this many pixels wide, at a whole number of pixels per module. */
#define QR_SCREEN_PX 240

/* ======================================================================================
 * TbReceiptView: the receipt window
 * ====================================================================================== */

#define TB_TYPE_RECEIPT_VIEW (tb_receipt_view_get_type ())

G_DECLARE_FINAL_TYPE (TbReceiptView, tb_receipt_view, TB, RECEIPT_VIEW, AdwWindow)

struct _TbReceiptView
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkDropDown          *paper_dropdown;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *paper_stack;
  GtkLabel             *roll_top_label;
  GtkLabel             *roll_bottom_label;
  GtkPicture           *roll_qr;
  GtkPicture           *a4_qr;
  GtkLabel             *merchant_name_label;
  GtkLabel             *merchant_tin_label;
  GtkLabel             *merchant_address_label;
  GtkLabel             *bill_number_label;
  GtkLabel             *date_label;
  GtkGrid              *lines_grid;
  GtkLabel             *total_label;
  GtkLabel             *vat_label;
  GtkLabel             *city_tax_label;
  GtkLabel             *paid_by_label;
  GtkLabel             *ddtd_label;
  GtkWidget            *lottery_box;
  GtkLabel             *lottery_label;
  GtkWidget            *buyer_box;
  GtkLabel             *buyer_label;

  TbLedger             *ledger;
  GSettings            *settings;
  gint64                receipt_id;
  int                   copies;
  TbReceiptDoc         *doc;          /* as on screen: buyer TIN masked, no COPY banner */
  GCancellable         *cancellable;  /* cancelled when the window goes */
  GtkFileChooserNative *chooser;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (TbReceiptView, tb_receipt_view, ADW_TYPE_WINDOW)

static const TbPaper papers[] = { TB_PAPER_58MM, TB_PAPER_80MM, TB_PAPER_A4 };

static TbPaper
view_get_paper (TbReceiptView *self)
{
  guint selected = gtk_drop_down_get_selected (self->paper_dropdown);

  return selected < G_N_ELEMENTS (papers) ? papers[selected] : TB_PAPER_80MM;
}

static void
view_toast (TbReceiptView *self,
            const char    *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
view_set_busy (TbReceiptView *self,
               gboolean       busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receipt.print", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receipt.save-pdf", !busy);
}

static void
view_update_title (TbReceiptView *self)
{
  g_autofree char *subtitle = NULL;
  const char *number = self->doc->bill_number != NULL ? self->doc->bill_number : "";

  if (self->copies > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Bill %s · printed %d time",
                                             "Bill %s · printed %d times",
                                             (gulong) self->copies),
                                number, self->copies);
  else
    subtitle = g_strdup_printf (_("Bill %s"), number);

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
view_show_roll (TbReceiptView *self,
                TbPaper        paper)
{
  g_autoptr(GPtrArray) lines = tb_receipt_layout_lines (self->doc, tb_paper_get_columns (paper));
  g_autoptr(GString) top = g_string_new (NULL);
  g_autoptr(GString) bottom = g_string_new (NULL);
  GString *part = top;
  gboolean has_qr = FALSE;

  /* The QR stands where the layout has its placeholder line, as on paper. */
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_autofree char *stripped = g_strstrip (g_strdup (line));

      if (!has_qr && g_strcmp0 (stripped, TB_RECEIPT_QR_PLACEHOLDER) == 0)
        {
          has_qr = TRUE;
          part = bottom;
          continue;
        }
      if (part->len > 0)
        g_string_append_c (part, '\n');
      g_string_append (part, line);
    }

  /* The QR has its own white quiet zone: the blank lines around the placeholder would double
   * it on screen. */
  while (top->len > 0 && top->str[top->len - 1] == '\n')
    g_string_truncate (top, top->len - 1);
  while (bottom->len > 0 && bottom->str[0] == '\n')
    g_string_erase (bottom, 0, 1);

  gtk_label_set_text (self->roll_top_label, top->str);
  gtk_label_set_text (self->roll_bottom_label, bottom->str);
  gtk_widget_set_visible (GTK_WIDGET (self->roll_qr), has_qr);
  gtk_widget_set_visible (GTK_WIDGET (self->roll_bottom_label), bottom->len > 0);
}

static void
view_show_paper (TbReceiptView *self)
{
  TbPaper paper = view_get_paper (self);

  if (paper == TB_PAPER_A4)
    {
      gtk_stack_set_visible_child_name (self->paper_stack, "a4");
    }
  else
    {
      view_show_roll (self, paper);
      gtk_stack_set_visible_child_name (self->paper_stack, "roll");
    }
}

static void
clear_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

static GtkWidget *
make_label (const char *text,
            float       xalign,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
view_show_lines (TbReceiptView *self)
{
  const char *currency = self->doc->currency;
  int row = 0;

  clear_children (GTK_WIDGET (self->lines_grid));

  for (guint i = 0; i < self->doc->lines->len; i++)
    {
      const TbReceiptDocLine *line = g_ptr_array_index (self->doc->lines, i);
      g_autofree char *amount = tb_money_format (line->amount, currency);
      g_autofree char *quantity = tb_quantity_format (line->quantity_milli);
      g_autofree char *price = tb_money_format (line->unit_price, currency);
      g_autofree char *detail = g_strdup_printf ("%s × %s", quantity, price);
      GtkWidget *description = make_label (line->description, 0, NULL);
      GtkWidget *amount_label = make_label (amount, 1, "numeric");

      gtk_label_set_wrap (GTK_LABEL (description), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (description), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_hexpand (description, TRUE);
      gtk_widget_set_valign (amount_label, GTK_ALIGN_START);

      gtk_grid_attach (self->lines_grid, description, 0, row, 1, 1);
      gtk_grid_attach (self->lines_grid, amount_label, 1, row, 1, 1);
      gtk_grid_attach (self->lines_grid, make_label (detail, 0, "tb-receipt-caption"), 0, row + 1, 1, 1);
      row += 2;
    }
}

static char *
format_date (gint64 utc_us)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (utc_us == 0 || !(utc = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC)))
    return g_strdup ("");

  local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* The merchant block: name (or where to enter it), TIN, address. */
static void
view_show_merchant (TbReceiptView      *self,
                    const TbReceiptDoc *doc)
{
  if (doc->merchant_name != NULL)
    {
      gtk_label_set_text (self->merchant_name_label, doc->merchant_name);
      gtk_widget_remove_css_class (GTK_WIDGET (self->merchant_name_label), "tb-receipt-caption");
    }
  else
    {
      /* Printing refuses a receipt without it; say where it goes. */
      gtk_label_set_text (self->merchant_name_label,
                          _("Enter the business name in Preferences"));
      gtk_widget_add_css_class (GTK_WIDGET (self->merchant_name_label), "tb-receipt-caption");
    }

  if (doc->merchant_tin != NULL)
    {
      g_autofree char *tin = g_strdup_printf (_("TIN %s"), doc->merchant_tin);

      gtk_label_set_text (self->merchant_tin_label, tin);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->merchant_tin_label), doc->merchant_tin != NULL);

  gtk_label_set_text (self->merchant_address_label,
                      doc->merchant_address != NULL ? doc->merchant_address : "");
  gtk_widget_set_visible (GTK_WIDGET (self->merchant_address_label), doc->merchant_address != NULL);
}

/* A company receipt names its buyer (the TIN is masked in the on-screen document). */
static void
view_show_buyer (TbReceiptView      *self,
                 const TbReceiptDoc *doc)
{
  g_autofree char *buyer = NULL;

  if (doc->receiver_type == TB_RECEIVER_COMPANY && doc->buyer_tin != NULL)
    buyer = doc->buyer_name != NULL ? g_strdup_printf ("%s\n%s", doc->buyer_tin, doc->buyer_name)
                                    : g_strdup (doc->buyer_tin);

  gtk_label_set_text (self->buyer_label, buyer != NULL ? buyer : "");
  gtk_widget_set_visible (self->buyer_box, buyer != NULL);
}

static void
view_show_qr (TbReceiptView      *self,
              const TbReceiptDoc *doc)
{
  g_autoptr(GdkTexture) qr = NULL;
  g_autoptr(GError) error = NULL;

  if (doc->qr_data != NULL && !(qr = tb_receipt_print_qr_texture (doc->qr_data, QR_SCREEN_PX, &error)))
    g_warning ("Cannot draw the QR code of receipt %" G_GINT64_FORMAT ": %s",
               self->receipt_id, error->message);

  gtk_picture_set_paintable (self->roll_qr, GDK_PAINTABLE (qr));
  gtk_picture_set_paintable (self->a4_qr, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->a4_qr), qr != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receipt.copy-qr", qr != NULL);
}

static void
view_show_doc (TbReceiptView *self)
{
  const TbReceiptDoc *doc = self->doc;
  const char *currency = doc->currency;
  g_autofree char *date = format_date (doc->date_us);
  g_autofree char *total = tb_money_format (doc->total, currency);
  g_autofree char *vat = tb_money_format (tb_tax_e4_to_minor (doc->vat_e4), currency);
  g_autofree char *city_tax = tb_money_format (tb_tax_e4_to_minor (doc->city_tax_e4), currency);

  view_show_merchant (self, doc);
  gtk_label_set_text (self->bill_number_label, doc->bill_number != NULL ? doc->bill_number : "");
  gtk_label_set_text (self->date_label, date);
  view_show_lines (self);
  gtk_label_set_text (self->total_label, total);
  gtk_label_set_text (self->vat_label, vat);
  gtk_label_set_text (self->city_tax_label, city_tax);
  gtk_label_set_text (self->paid_by_label, doc->paid_by != NULL ? doc->paid_by : "");
  gtk_label_set_text (self->ddtd_label, doc->receipt_id != NULL ? doc->receipt_id : "");
  gtk_label_set_text (self->lottery_label, doc->lottery != NULL ? doc->lottery : "");
  gtk_widget_set_visible (self->lottery_box, doc->lottery != NULL);
  view_show_buyer (self, doc);
  view_show_qr (self, doc);

  view_update_title (self);
  view_show_paper (self);
}

/* Small reads: fine on the main thread. */
static gboolean
view_load (TbReceiptView  *self,
           GError        **error)
{
  g_autoptr(TbReceipt) receipt = NULL;
  g_autoptr(TbReceiptDoc) doc = NULL;

  if (!(doc = tb_receipt_print_build_doc (self->ledger, self->settings, self->receipt_id, TRUE, error)) ||
      !(receipt = tb_ledger_get_receipt (self->ledger, self->receipt_id, FALSE, error)))
    return FALSE;

  g_clear_pointer (&self->doc, tb_receipt_doc_free);
  self->doc = g_steal_pointer (&doc);
  self->copies = receipt->copies;
  view_show_doc (self);

  return TRUE;
}

static void
view_reload_copies (TbReceiptView *self)
{
  g_autoptr(TbReceipt) receipt = tb_ledger_get_receipt (self->ledger, self->receipt_id, FALSE, NULL);

  if (receipt != NULL)
    {
      self->copies = receipt->copies;
      view_update_title (self);
    }
}

/* The doc that goes on paper: the buyer's TIN in full (it is the buyer's own receipt). */
static TbReceiptDoc *
view_make_print_doc (TbReceiptView *self)
{
  g_autoptr(GError) error = NULL;
  TbReceiptDoc *doc = tb_receipt_print_build_doc (self->ledger, self->settings, self->receipt_id,
                                                  FALSE, &error);

  if (doc == NULL)
    tb_ui_show_error (GTK_WIDGET (self), _("The receipt cannot be printed"), error);

  return doc;
}

static void
print_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TbReceiptView) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult outcome;
  guint copy = 0;

  outcome = tb_receipt_print_finish (result, &copy, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  view_set_busy (self, FALSE);
  view_reload_copies (self);

  if (outcome == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      tb_ui_show_error (GTK_WIDGET (self), _("The receipt was not printed"), error);
    }
  else if (outcome == GTK_PRINT_OPERATION_RESULT_APPLY)
    {
      g_autofree char *text = copy > 0 ? g_strdup_printf (_("Printed as copy %u"), copy)
                                       : g_strdup (_("Receipt printed"));

      view_toast (self, text);
    }
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TbReceiptView *self = TB_RECEIPT_VIEW (widget);
  g_autoptr(TbReceiptDoc) doc = NULL;

  if (self->busy || !(doc = view_make_print_doc (self)))
    return;

  /* What the dialog's preview shows; the print itself gets its number when it is counted. */
  doc->copy_number = tb_receipt_copy_number (self->copies + 1);

  view_set_busy (self, TRUE);
  tb_receipt_print_async (GTK_WINDOW (self), self->ledger, self->receipt_id, doc,
                          view_get_paper (self), GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL,
                          self->cancellable, print_done_cb, g_object_ref (self));
}

static void
pdf_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TbReceiptView) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  guint copy = 0;

  ok = tb_receipt_print_save_pdf_finish (result, &copy, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  view_set_busy (self, FALSE);
  view_reload_copies (self);

  if (!ok)
    tb_ui_show_error (GTK_WIDGET (self), _("The PDF was not saved"), error);
  else
    view_toast (self, copy > 0 ? _("PDF saved, marked as a copy") : _("PDF saved"));
}

static void
chooser_response_cb (TbReceiptView        *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(TbReceiptDoc) doc = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file == NULL || self->busy || !(doc = view_make_print_doc (self)))
    return;

  view_set_busy (self, TRUE);
  tb_receipt_print_save_pdf_async (self->ledger, self->receipt_id, doc, view_get_paper (self),
                                   file, self->cancellable, pdf_done_cb, g_object_ref (self));
}

static void
save_pdf_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TbReceiptView *self = TB_RECEIPT_VIEW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->busy || self->chooser != NULL)
    return;

  name = tb_receipt_print_suggest_filename (self->doc);
  self->chooser = gtk_file_chooser_native_new (_("Save Receipt as PDF"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
copy_qr_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TbReceiptView *self = TB_RECEIPT_VIEW (widget);
  g_autoptr(GError) error = NULL;

  /* Not a print: nothing is counted. */
  if (self->doc->qr_data == NULL)
    return;

  if (!tb_receipt_print_copy_qr (gtk_widget_get_clipboard (widget), self->doc->qr_data, &error))
    tb_ui_show_error (widget, _("The QR code was not copied"), error);
  else
    view_toast (self, _("QR code copied"));
}

static void
paper_selected_cb (TbReceiptView *self)
{
  if (self->doc != NULL)
    view_show_paper (self);
}

static void
tb_receipt_view_dispose (GObject *object)
{
  TbReceiptView *self = (TbReceiptView *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_RECEIPT_VIEW);

  G_OBJECT_CLASS (tb_receipt_view_parent_class)->dispose (object);
}

static void
tb_receipt_view_finalize (GObject *object)
{
  TbReceiptView *self = (TbReceiptView *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->ledger);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->doc, tb_receipt_doc_free);

  G_OBJECT_CLASS (tb_receipt_view_parent_class)->finalize (object);
}

static void
tb_receipt_view_class_init (TbReceiptViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_receipt_view_dispose;
  object_class->finalize = tb_receipt_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tb-receipt-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, window_title);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, paper_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, paper_stack);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, roll_top_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, roll_bottom_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, roll_qr);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, a4_qr);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, merchant_name_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, merchant_tin_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, merchant_address_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, bill_number_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, date_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, lines_grid);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, total_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, vat_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, city_tax_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, paid_by_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, ddtd_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, lottery_box);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, lottery_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, buyer_box);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptView, buyer_label);

  gtk_widget_class_install_action (widget_class, "receipt.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "receipt.save-pdf", NULL, save_pdf_action);
  gtk_widget_class_install_action (widget_class, "receipt.copy-qr", NULL, copy_qr_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "receipt.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "receipt.save-pdf", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tb_receipt_view_init (TbReceiptView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  gtk_widget_set_name (GTK_WIDGET (self), "receipt-view");

  g_signal_connect_object (self->paper_dropdown, "notify::selected",
                           G_CALLBACK (paper_selected_cb), self, G_CONNECT_SWAPPED);
}

GtkWindow *
tb_receipt_view_new (GtkWindow *parent,
                     TbLedger  *ledger,
                     GSettings *settings,
                     gint64     receipt_id)
{
  TbReceiptView *self;
  g_autoptr(GError) error = NULL;
  TbPaper paper;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TB_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (TB_TYPE_RECEIPT_VIEW,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->ledger = g_object_ref (ledger);
  g_set_object (&self->settings, settings);
  self->receipt_id = receipt_id;

  paper = tb_receipt_print_get_paper (settings);
  for (guint i = 0; i < G_N_ELEMENTS (papers); i++)
    if (papers[i] == paper)
      gtk_drop_down_set_selected (self->paper_dropdown, i);

  if (!view_load (self, &error))
    {
      tb_ui_show_error (parent != NULL ? GTK_WIDGET (parent) : NULL,
                        _("The e-receipt cannot be shown"), error);
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }

  return GTK_WINDOW (self);
}
