/* tb-receipt-view.c: Ebarimt receipts in the UI: the bill page's list, the receipt window
 * and the Preferences page
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
#include "tb-receipt-view.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"

/* About this many pixels wide, at a whole number of pixels per module. */
#define QR_SCREEN_PX 240

/* How many receipts a bill can show: one per QPay payment, so a handful at most. */
#define MAX_RECEIPTS 50

/* The pieces of style only these widgets use: the paper look of the receipt (always black on
 * white, as printed, also in dark mode) and the receipt state tags. */
static const char receipt_css[] =
  ".tb-receipt-paper {\n"
  "  background-color: #ffffff;\n"
  "  color: #000000;\n"
  "  padding: 24px 20px;\n"
  "  border-radius: 3px;\n"
  "  box-shadow: 0 1px 3px 1px alpha(black, 0.15), 0 0 0 1px alpha(black, 0.08);\n"
  "}\n"
  ".tb-receipt-paper.tb-receipt-a4 {\n"
  "  padding: 36px 40px;\n"
  "}\n"
  ".tb-receipt-paper separator {\n"
  "  background-color: alpha(black, 0.25);\n"
  "}\n"
  ".tb-receipt-paper .tb-receipt-caption {\n"
  "  color: alpha(black, 0.65);\n"
  "}\n"
  ".tb-receipt-state {\n"
  "  padding: 1px 8px;\n"
  "  border-radius: 999px;\n"
  "  font-weight: bold;\n"
  "}\n"
  ".tb-receipt-state.state-pending {\n"
  "  color: @warning_color;\n"
  "  background-color: alpha(@warning_bg_color, 0.15);\n"
  "}\n"
  ".tb-receipt-state.state-registered {\n"
  "  color: @success_color;\n"
  "  background-color: alpha(@success_bg_color, 0.15);\n"
  "}\n"
  ".tb-receipt-state.state-error {\n"
  "  color: @error_color;\n"
  "  background-color: alpha(@error_bg_color, 0.15);\n"
  "}\n"
  ".tb-receipt-state.state-skipped,\n"
  ".tb-receipt-state.state-cancelled {\n"
  "  color: alpha(currentColor, 0.6);\n"
  "  background-color: alpha(currentColor, 0.08);\n"
  "}\n"
  ".tb-receipt-options-message {\n"
  "  padding: 8px 12px;\n"
  "}\n";

static void
ensure_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (loaded || display == NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, receipt_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  loaded = TRUE;
}

/* Personal data is wiped before it is freed. */
static void
free_secret (char *text)
{
  if (text == NULL)
    return;
  memset (text, 0, strlen (text));
  g_free (text);
}

static gboolean
all_digits (const char *text,
            gsize       length)
{
  if (text == NULL || strlen (text) != length)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

static char *
dup_setting (GSettings  *settings,
             const char *key)
{
  if (!tb_ui_settings_has_key (settings, key))
    return NULL;

  return g_settings_get_string (settings, key);
}

/* The receiver type the queue uses when a bill has none of its own. */
static const char *
default_receiver_type (GSettings *settings)
{
  g_autofree char *type = dup_setting (settings, "ebarimt-receiver-type");

  return g_strcmp0 (type, "COMPANY") == 0 ? "COMPANY" : "CITIZEN";
}

static const char *
receiver_type_label (const char *type)
{
  if (g_strcmp0 (type, "COMPANY") == 0)
    return C_("e-receipt receiver", "Company");

  return C_("e-receipt receiver", "Citizen");
}

/* Validation shared by the bill's receipt options and Preferences: NULL when @text (trimmed,
 * NULL or empty = use the default) is acceptable, else a translated message. */
static const char *
check_district (const char *text)
{
  if (text == NULL || text[0] == '\0' || all_digits (text, 4))
    return NULL;

  return _("A district code has 4 digits, for example 3505.");
}

static const char *
check_classification (const char *text)
{
  if (text == NULL || text[0] == '\0' || all_digits (text, 7))
    return NULL;

  return _("A classification code has 7 digits, for example 6743000.");
}

static const char *
check_phone (const char *text)
{
  g_autofree char *digits = NULL;

  if (text == NULL || text[0] == '\0')
    return NULL;

  /* Spaces and dashes are allowed, as the ledger normalizes them away. */
  digits = tb_seal_normalize_phone (text);
  if (strlen (text) <= 20 && all_digits (digits, 8))
    {
      memset (digits, 0, strlen (digits));
      return NULL;
    }
  if (digits != NULL)
    memset (digits, 0, strlen (digits));

  return _("An e-barimt phone number has 8 digits, for example 99112233.");
}

/* A company receipt needs the buyer's 11-digit TIN or 7-digit company register. */
static gboolean
tin_usable (const char *register_no)
{
  return all_digits (register_no, 11) || all_digits (register_no, 7);
}

/* ---- receipt states ---- */

static const char *
receipt_state_label (TbReceiptState state)
{
  switch (state)
    {
    case TB_RECEIPT_PENDING:
      return C_("e-receipt tag", "Pending");
    case TB_RECEIPT_REGISTERED:
      return C_("e-receipt tag", "Registered");
    case TB_RECEIPT_SKIPPED:
      return C_("e-receipt tag", "Skipped");
    case TB_RECEIPT_CANCELLED:
      return C_("e-receipt tag", "Cancelled");
    case TB_RECEIPT_ERROR:
    default:
      return C_("e-receipt tag", "Error");
    }
}

static const char *
receipt_state_class (TbReceiptState state)
{
  switch (state)
    {
    case TB_RECEIPT_PENDING:
      return "state-pending";
    case TB_RECEIPT_REGISTERED:
      return "state-registered";
    case TB_RECEIPT_SKIPPED:
      return "state-skipped";
    case TB_RECEIPT_CANCELLED:
      return "state-cancelled";
    case TB_RECEIPT_ERROR:
    default:
      return "state-error";
    }
}

/* What the receptionist can do about a refused receipt (issue #6). */
static char *
receipt_advice (const TbReceipt *receipt)
{
  const char *key = receipt->last_error_key;
  const char *message = receipt->last_error;

  if (g_strcmp0 (key, "EBARIMT_NOT_ENABLED") == 0)
    return g_strdup (_("Ask QPay to switch on e-receipts for your merchant account, then press Retry."));
  if (g_strcmp0 (key, "CLASSIFICATION_CODE_INVALID") == 0)
    return g_strdup (_("Correct the classification code in the receipt options or in Preferences, then press Retry."));
  if (g_strcmp0 (key, "CUSTOMER_REGISTER_INVALID") == 0)
    return g_strdup (_("QPay refused the buyer’s TIN. Correct the customer’s TIN (11 digits, or the 7-digit company register), then press Retry."));
  /* Our own checks before sending: the stored message already says what to fix. */
  if (g_strcmp0 (key, "INVALID_INPUT") == 0 && message != NULL && message[0] != '\0')
    return g_strdup (message);
  if (message != NULL && message[0] != '\0')
    return g_strdup_printf (_("%s Retry later."), message);

  return g_strdup (_("The e-receipt was not registered. Retry later."));
}

/* "…10005595": enough of the ДДТД to match it against the paper. */
static char *
short_receipt_id (const char *receipt_id)
{
  gsize len;

  if (receipt_id == NULL)
    return g_strdup ("");

  len = strlen (receipt_id);
  if (len <= 10)
    return g_strdup (receipt_id);

  return g_strdup_printf ("…%s", receipt_id + len - 8);
}

static char *
receipt_subtitle (const TbReceipt *receipt)
{
  g_autoptr(GString) text = g_string_new (NULL);

  switch (receipt->state)
    {
    case TB_RECEIPT_REGISTERED:
      {
        g_autofree char *id = short_receipt_id (receipt->receipt_id);

        g_string_append_printf (text, _("ДДТД %s"), id);
        if (receipt->lottery != NULL)
          {
            g_string_append (text, " · ");
            g_string_append_printf (text, _("Lottery %s"), receipt->lottery);
          }
        if (receipt->copies > 0)
          {
            g_string_append (text, " · ");
            g_string_append_printf (text,
                                    g_dngettext (GETTEXT_PACKAGE, "printed %d time", "printed %d times",
                                                 (gulong) receipt->copies),
                                    receipt->copies);
          }
      }
      break;

    case TB_RECEIPT_ERROR:
      {
        g_autofree char *advice = receipt_advice (receipt);

        g_string_append (text, advice);
      }
      break;

    case TB_RECEIPT_PENDING:
      g_string_append (text, _("Waiting to be registered with the tax office."));
      break;

    case TB_RECEIPT_SKIPPED:
      if (receipt->last_error != NULL && receipt->last_error[0] != '\0')
        g_string_append (text, receipt->last_error);
      else
        g_string_append (text, _("Not issued: e-receipts were switched off."));
      break;

    case TB_RECEIPT_CANCELLED:
      g_string_append (text, _("Cancelled with the tax office."));
      break;

    default:
      break;
    }

  if ((receipt->state == TB_RECEIPT_ERROR || receipt->state == TB_RECEIPT_PENDING) &&
      receipt->next_attempt_us > g_get_real_time ())
    {
      g_autofree char *when = tb_ui_format_time (receipt->next_attempt_us);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Next attempt at %s"), when);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

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

static void
view_show_doc (TbReceiptView *self)
{
  const TbReceiptDoc *doc = self->doc;
  const char *currency = doc->currency;
  g_autofree char *date = format_date (doc->date_us);
  g_autofree char *total = tb_money_format (doc->total, currency);
  g_autofree char *vat = tb_money_format (tb_tax_e4_to_minor (doc->vat_e4), currency);
  g_autofree char *city_tax = tb_money_format (tb_tax_e4_to_minor (doc->city_tax_e4), currency);
  g_autoptr(GdkTexture) qr = NULL;
  g_autoptr(GError) error = NULL;

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

  if (doc->receiver_type == TB_RECEIVER_COMPANY && doc->buyer_tin != NULL)
    {
      g_autofree char *buyer = doc->buyer_name != NULL
                                 ? g_strdup_printf ("%s\n%s", doc->buyer_tin, doc->buyer_name)
                                 : g_strdup (doc->buyer_tin);

      gtk_label_set_text (self->buyer_label, buyer);
      gtk_widget_set_visible (self->buyer_box, TRUE);
    }
  else
    {
      gtk_label_set_text (self->buyer_label, "");
      gtk_widget_set_visible (self->buyer_box, FALSE);
    }

  if (doc->qr_data != NULL && !(qr = tb_receipt_print_qr_texture (doc->qr_data, QR_SCREEN_PX, &error)))
    g_warning ("Cannot draw the QR code of receipt %" G_GINT64_FORMAT ": %s",
               self->receipt_id, error->message);

  gtk_picture_set_paintable (self->roll_qr, GDK_PAINTABLE (qr));
  gtk_picture_set_paintable (self->a4_qr, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->a4_qr), qr != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receipt.copy-qr", qr != NULL);

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

  if (!(doc = tb_receipt_print_make_doc (self->ledger, self->settings, self->receipt_id, FALSE, error)) ||
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
  TbReceiptDoc *doc = tb_receipt_print_make_doc (self->ledger, self->settings, self->receipt_id,
                                                 TRUE, &error);

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
  doc->copy_number = tb_receipt_print_next_copy (self->copies);

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
  ensure_css ();
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

/* ======================================================================================
 * TbReceiptList: the bill page's "E-receipt" section
 * ====================================================================================== */

struct _TbReceiptList
{
  GtkWidget            parent_instance;

  GtkWidget           *group;
  GtkListBox          *receipts_list;
  AdwExpanderRow      *options_row;
  AdwComboRow         *type_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *district_row;
  AdwEntryRow         *classification_row;
  GtkLabel            *message_label;
  GtkWidget           *message_row;
  GtkWidget           *save_button;

  TbLedger            *ledger;
  TbReceiptQueue      *queue;
  GSettings           *settings;
  gulong               receipt_changed_id;
  gint64               bill_id;
  TbBill              *bill;              /* as last read: the bill's receipt choices */
  gboolean             customer_tin_ok;   /* the bill's customer has a usable TIN */
  GHashTable          *retrying;          /* receipt ids (gint64*) with a Retry in flight */
  guint                reload_source;
  gboolean             saving;
  gboolean             filling;           /* the entries are being filled from the bill */
  GtkSizeGroup        *tag_group;         /* state tags of one width, so the titles line up */
};

G_DEFINE_FINAL_TYPE (TbReceiptList, tb_receipt_list, GTK_TYPE_WIDGET)

static void list_load (TbReceiptList *self,
                       gboolean       refill);

static GtkWindow *
list_get_window (TbReceiptList *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  GtkWidget *child;

  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TbReceiptList *self = TB_RECEIPT_LIST (widget);
  GtkWindow *view = tb_receipt_view_new (list_get_window (self), self->ledger, self->settings,
                                         g_variant_get_int64 (parameter));

  if (view != NULL)
    gtk_window_present (view);
}

typedef struct
{
  TbReceiptList *self;
  gint64         receipt_id;
} RetryData;

static void
retry_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  RetryData *data = user_data;
  g_autoptr(TbReceiptList) self = data->self;
  g_autoptr(TbReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;

  receipt = tb_receipt_queue_retry_finish (TB_RECEIPT_QUEUE (source), result, &error);
  g_hash_table_remove (self->retrying, &data->receipt_id);
  g_free (data);

  if (self->group == NULL)
    return;

  if (receipt == NULL)
    {
      tb_ui_show_error (GTK_WIDGET (self), _("The e-receipt could not be sent"), error);
    }
  else
    {
      switch (receipt->state)
        {
        case TB_RECEIPT_REGISTERED:
          tb_ui_toast (GTK_WIDGET (self), _("E-receipt registered"));
          break;
        case TB_RECEIPT_SKIPPED:
          tb_ui_toast (GTK_WIDGET (self), _("Not sent: e-receipts are switched off in Preferences"));
          break;
        case TB_RECEIPT_ERROR:
          tb_ui_toast (GTK_WIDGET (self), _("The e-receipt was refused again: see what to do"));
          break;
        case TB_RECEIPT_PENDING:
        case TB_RECEIPT_CANCELLED:
        default:
          break;
        }
    }

  list_load (self, FALSE);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TbReceiptList *self = TB_RECEIPT_LIST (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autofree char *button_name = g_strdup_printf ("receipt-retry-%" G_GINT64_FORMAT, id);
  GtkWidget *button;
  RetryData *data;

  if (self->queue == NULL || self->group == NULL || id <= 0 ||
      g_hash_table_contains (self->retrying, &id))
    return;

  g_hash_table_add (self->retrying, g_memdup2 (&id, sizeof id));
  if ((button = find_named (GTK_WIDGET (self->receipts_list), button_name)) != NULL)
    {
      gtk_widget_set_sensitive (button, FALSE);
      gtk_widget_set_tooltip_text (button, _("Sending the e-receipt…"));
    }

  data = g_new0 (RetryData, 1);
  data->self = g_object_ref (self);
  data->receipt_id = id;
  /* Not cancelled with the page: a request on its way to QPay is seen through, and the
   * queue records its outcome whether or not anyone is still looking. */
  tb_receipt_queue_retry_async (self->queue, id, NULL, retry_done_cb, data);
}

static GtkWidget *
make_receipt_row (TbReceiptList   *self,
                  const TbReceipt *receipt)
{
  g_autofree char *name = g_strdup_printf ("receipt-row-%" G_GINT64_FORMAT, receipt->id);
  g_autofree char *state_name = g_strdup_printf ("receipt-state-%" G_GINT64_FORMAT, receipt->id);
  g_autofree char *amount = tb_money_format (receipt->payment_amount,
                                             self->bill != NULL ? self->bill->currency : NULL);
  g_autofree char *title = g_strdup_printf (_("QPay payment of %s"), amount);
  g_autofree char *subtitle = receipt_subtitle (receipt);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state = gtk_label_new (receipt_state_label (receipt->state));

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  gtk_widget_set_name (state, state_name);
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (state, "tb-receipt-state");
  gtk_widget_add_css_class (state, receipt_state_class (receipt->state));
  gtk_widget_add_css_class (state, "caption");
  gtk_size_group_add_widget (self->tag_group, state);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), state);

  /* Retry forces an attempt now; a registered or cancelled receipt is final. */
  if (self->queue != NULL &&
      (receipt->state == TB_RECEIPT_ERROR || receipt->state == TB_RECEIPT_PENDING ||
       receipt->state == TB_RECEIPT_SKIPPED))
    {
      g_autofree char *button_name = g_strdup_printf ("receipt-retry-%" G_GINT64_FORMAT, receipt->id);
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Retry"));
      gboolean running = g_hash_table_contains (self->retrying, &receipt->id);

      gtk_widget_set_name (button, button_name);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_sensitive (button, !running);
      gtk_widget_set_tooltip_text (button, running ? _("Sending the e-receipt…")
                                                   : _("Send the e-receipt to the tax office now"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "receipt-list.retry");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", receipt->id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  if (receipt->state == TB_RECEIPT_REGISTERED)
    {
      g_autofree char *button_name = g_strdup_printf ("receipt-view-%" G_GINT64_FORMAT, receipt->id);
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_View"));

      gtk_widget_set_name (button, button_name);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Show, print or save the e-receipt"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "receipt-list.view");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", receipt->id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

/* ---- the bill's own receipt options ---- */

/* Selected position of the receiver type row: 0 = the default, 1 = citizen, 2 = company. */
static const char *
options_get_type (TbReceiptList *self)
{
  switch (adw_combo_row_get_selected (self->type_row))
    {
    case 1:
      return "CITIZEN";
    case 2:
      return "COMPANY";
    default:
      return NULL;
    }
}

static const char *
options_effective_type (TbReceiptList *self)
{
  const char *type = options_get_type (self);

  return type != NULL ? type : default_receiver_type (self->settings);
}

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a != NULL && a[0] != '\0' ? a : NULL,
                    b != NULL && b[0] != '\0' ? b : NULL) == 0;
}

static gboolean
options_dirty (TbReceiptList *self)
{
  g_autofree char *phone = tb_ui_editable_dup_text (GTK_EDITABLE (self->phone_row));
  g_autofree char *district = tb_ui_editable_dup_text (GTK_EDITABLE (self->district_row));
  g_autofree char *classification = tb_ui_editable_dup_text (GTK_EDITABLE (self->classification_row));
  g_autofree char *phone_digits = NULL;
  g_autofree char *stored_digits = NULL;
  gboolean dirty;

  if (self->bill == NULL)
    return FALSE;

  /* A company receipt sends no phone: what is in the hidden entry does not count. */
  if (g_strcmp0 (options_effective_type (self), "COMPANY") == 0)
    g_clear_pointer (&phone, free_secret);
  if (phone != NULL)
    phone_digits = tb_seal_normalize_phone (phone);
  if (self->bill->receipt_phone != NULL)
    stored_digits = tb_seal_normalize_phone (self->bill->receipt_phone);

  dirty = !same_text (options_get_type (self), self->bill->receipt_receiver_type) ||
          !same_text (phone_digits != NULL ? phone_digits : phone, stored_digits) ||
          !same_text (district, self->bill->receipt_district_code) ||
          !same_text (classification, self->bill->receipt_classification_code);

  g_clear_pointer (&phone, free_secret);
  g_clear_pointer (&phone_digits, free_secret);
  g_clear_pointer (&stored_digits, free_secret);

  return dirty;
}

/* Checks every field as it is typed; Save only when all are valid and something changed. */
static gboolean
options_validate (TbReceiptList *self)
{
  g_autofree char *phone = tb_ui_editable_dup_text (GTK_EDITABLE (self->phone_row));
  g_autofree char *district = tb_ui_editable_dup_text (GTK_EDITABLE (self->district_row));
  g_autofree char *classification = tb_ui_editable_dup_text (GTK_EDITABLE (self->classification_row));
  gboolean company = g_strcmp0 (options_effective_type (self), "COMPANY") == 0;
  const char *phone_error = company ? NULL : check_phone (phone);
  const char *district_error = check_district (district);
  const char *classification_error = check_classification (classification);
  const char *message = phone_error != NULL ? phone_error
                        : district_error != NULL ? district_error
                        : classification_error;
  gboolean valid = message == NULL;

  g_clear_pointer (&phone, free_secret);

  tb_ui_set_css_class (GTK_WIDGET (self->phone_row), "error", phone_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (self->district_row), "error", district_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (self->classification_row), "error", classification_error != NULL);

  /* The phone is for a citizen's receipt only. */
  gtk_widget_set_visible (GTK_WIDGET (self->phone_row), !company);

  if (valid && company && !self->customer_tin_ok)
    {
      gtk_label_set_text (self->message_label,
                          _("A company receipt needs the customer’s TIN: add the 11-digit TIN (or the 7-digit company register) to the customer, or choose Citizen."));
      tb_ui_set_css_class (GTK_WIDGET (self->message_label), "error", FALSE);
      tb_ui_set_css_class (GTK_WIDGET (self->message_label), "warning", TRUE);
      gtk_widget_set_visible (self->message_row, TRUE);
    }
  else
    {
      gtk_label_set_text (self->message_label, message != NULL ? message : "");
      tb_ui_set_css_class (GTK_WIDGET (self->message_label), "error", message != NULL);
      tb_ui_set_css_class (GTK_WIDGET (self->message_label), "warning", FALSE);
      gtk_widget_set_visible (self->message_row, message != NULL);
    }

  gtk_widget_set_sensitive (self->save_button,
                            valid && !self->saving && self->bill != NULL && options_dirty (self));

  return valid;
}

static void
options_changed_cb (TbReceiptList *self)
{
  if (!self->filling)
    options_validate (self);
}

static void
options_fill_types (TbReceiptList *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *default_label = g_strdup_printf (_("Default (%s)"),
                                                    receiver_type_label (default_receiver_type (self->settings)));

  gtk_string_list_append (model, default_label);
  gtk_string_list_append (model, receiver_type_label ("CITIZEN"));
  gtk_string_list_append (model, receiver_type_label ("COMPANY"));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (model));
}

/* Puts the bill's stored choices into the fields. */
static void
options_fill (TbReceiptList *self)
{
  const TbBill *bill = self->bill;
  guint selected = 0;

  self->filling = TRUE;

  options_fill_types (self);
  if (bill != NULL && g_strcmp0 (bill->receipt_receiver_type, "CITIZEN") == 0)
    selected = 1;
  else if (bill != NULL && g_strcmp0 (bill->receipt_receiver_type, "COMPANY") == 0)
    selected = 2;
  adw_combo_row_set_selected (self->type_row, selected);

  /* The bill page is the one place the phone is shown in full. */
  gtk_editable_set_text (GTK_EDITABLE (self->phone_row),
                         bill != NULL && bill->receipt_phone != NULL ? bill->receipt_phone : "");
  gtk_editable_set_text (GTK_EDITABLE (self->district_row),
                         bill != NULL && bill->receipt_district_code != NULL ? bill->receipt_district_code : "");
  gtk_editable_set_text (GTK_EDITABLE (self->classification_row),
                         bill != NULL && bill->receipt_classification_code != NULL
                           ? bill->receipt_classification_code : "");

  self->filling = FALSE;
  options_validate (self);
}

typedef struct
{
  gint64  bill_id;
  char   *receiver_type;
  char   *phone;
  char   *district_code;
  char   *classification_code;
} SaveOptionsOp;

static void
save_options_op_free (SaveOptionsOp *op)
{
  g_free (op->receiver_type);
  free_secret (op->phone);
  g_free (op->district_code);
  g_free (op->classification_code);
  g_free (op);
}

static gboolean
save_options (TbLedger  *ledger,
              gpointer   data,
              GError   **error)
{
  SaveOptionsOp *op = data;

  return tb_ledger_set_bill_receipt (ledger, op->bill_id, op->receiver_type, op->phone,
                                     op->district_code, op->classification_code, error);
}

static gboolean
list_has_error_receipt (TbReceiptList *self)
{
  GtkWidget *child;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->receipts_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), "tb-receipt-state")) == TB_RECEIPT_ERROR + 1)
      return TRUE;

  return FALSE;
}

static void
save_options_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  TbReceiptList *self = TB_RECEIPT_LIST (source);
  g_autoptr(GError) error = NULL;
  SaveOptionsOp *op = tb_ledger_task_get_op (result);
  gboolean same_bill = op != NULL && op->bill_id == self->bill_id;

  self->saving = FALSE;

  if (!tb_ledger_task_finish (result, &error) && self->group != NULL)
    {
      tb_ui_show_error (GTK_WIDGET (self), _("The receipt options were not saved"), error);
      options_validate (self);
      return;
    }

  if (error != NULL || !same_bill || self->group == NULL)
    return;

  list_load (self, TRUE);
  tb_ui_toast (GTK_WIDGET (self),
               list_has_error_receipt (self) ? _("Receipt options saved. Press Retry to send the e-receipt again.")
                                             : _("Receipt options saved"));
}

static void
save_clicked_cb (TbReceiptList *self)
{
  SaveOptionsOp *op;

  if (self->saving || self->bill == NULL || !options_validate (self) || !options_dirty (self))
    return;

  op = g_new0 (SaveOptionsOp, 1);
  op->bill_id = self->bill_id;
  op->receiver_type = g_strdup (options_get_type (self));
  if (g_strcmp0 (options_effective_type (self), "COMPANY") != 0)
    op->phone = tb_ui_editable_dup_text (GTK_EDITABLE (self->phone_row));
  op->district_code = tb_ui_editable_dup_text (GTK_EDITABLE (self->district_row));
  op->classification_code = tb_ui_editable_dup_text (GTK_EDITABLE (self->classification_row));

  self->saving = TRUE;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  tb_ledger_task_run (self->ledger, self, save_options, op, (GDestroyNotify) save_options_op_free,
                  NULL, save_options_done_cb, NULL);
}

/* ---- loading ---- */

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static gboolean
bill_has_qpay_payment (const TbBill *bill)
{
  if (bill == NULL || bill->payments == NULL)
    return FALSE;

  for (guint i = 0; i < bill->payments->len; i++)
    if (((TbPayment *) g_ptr_array_index (bill->payments, i))->method == TB_METHOD_QPAY)
      return TRUE;

  return FALSE;
}

/* One small read of the bill and its receipts, on the calling thread. */
static void
list_load (TbReceiptList *self,
           gboolean       refill)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(TbCustomer) customer = NULL;
  TbBill *bill = NULL;
  gboolean refill_now;

  g_clear_handle_id (&self->reload_source, g_source_remove);

  /* Disposed: a late callback has nothing left to show. */
  if (self->group == NULL)
    return;

  if (self->ledger != NULL && self->bill_id > 0)
    {
      bill = tb_ledger_get_bill (self->ledger, self->bill_id, &error);
      if (bill != NULL)
        receipts = tb_ledger_list_receipts (self->ledger, TB_RECEIPT_FILTER_ALL, self->bill_id,
                                            MAX_RECEIPTS, &error);
      if (error != NULL)
        g_warning ("Cannot read the e-receipts of bill %" G_GINT64_FORMAT ": %s",
                   self->bill_id, error->message);
    }

  /* Keep what the receptionist is typing across a background refresh. */
  refill_now = refill || self->bill == NULL || !options_dirty (self);

  g_clear_pointer (&self->bill, tb_bill_free);
  self->bill = bill;

  self->customer_tin_ok = FALSE;
  if (bill != NULL && bill->customer_id > 0 &&
      (customer = tb_ledger_get_customer (self->ledger, bill->customer_id, NULL)) != NULL)
    self->customer_tin_ok = tin_usable (customer->register_no);
  if (customer != NULL)
    g_clear_pointer (&customer->register_no, free_secret);

  clear_list_box (self->receipts_list);
  for (guint i = 0; receipts != NULL && i < receipts->len; i++)
    {
      const TbReceipt *receipt = g_ptr_array_index (receipts, i);
      GtkWidget *row = make_receipt_row (self, receipt);

      g_object_set_data (G_OBJECT (row), "tb-receipt-state", GINT_TO_POINTER (receipt->state + 1));
      gtk_list_box_append (self->receipts_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->receipts_list), receipts != NULL && receipts->len > 0);

  /* Only bills paid with QPay get an Ebarimt receipt from QPay. While e-receipts are on, the
   * section shows before payment too: the receipt goes out right after settlement, so a
   * company's TIN or a citizen's phone must be chosen before the customer pays. */
  gtk_widget_set_visible (GTK_WIDGET (self),
                          bill != NULL && (bill_has_qpay_payment (bill) ||
                                           (receipts != NULL && receipts->len > 0) ||
                                           ((bill->status == TB_BILL_OPEN || bill->status == TB_BILL_PARTIAL) && self->settings != NULL &&
                                            g_settings_get_boolean (self->settings, "ebarimt-enabled"))));

  if (refill_now)
    options_fill (self);
  else
    options_validate (self);
}

static gboolean
reload_cb (gpointer user_data)
{
  TbReceiptList *self = user_data;

  self->reload_source = 0;
  list_load (self, FALSE);

  return G_SOURCE_REMOVE;
}

static void
receipt_changed_cb (TbReceiptList *self,
                    gint64         receipt_id,
                    int            state)
{
  /* The queue may change many receipts in a row: read once they have settled. */
  if (self->bill_id > 0 && self->reload_source == 0)
    self->reload_source = g_idle_add (reload_cb, self);
}

static void
settings_changed_cb (TbReceiptList *self,
                     const char    *key)
{
  if (g_strcmp0 (key, "ebarimt-receiver-type") == 0 && self->bill != NULL)
    {
      guint selected = adw_combo_row_get_selected (self->type_row);

      /* The "Default (…)" label names the current default. */
      self->filling = TRUE;
      options_fill_types (self);
      adw_combo_row_set_selected (self->type_row, selected);
      self->filling = FALSE;
      options_validate (self);
    }
}

/* ---- construction ---- */

static AdwEntryRow *
add_entry_row (AdwExpanderRow  *expander,
               const char      *name,
               const char      *title,
               GtkInputPurpose  purpose)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (row), 20);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), purpose);
  adw_expander_row_add_row (expander, row);

  return ADW_ENTRY_ROW (row);
}

static void
build_list (TbReceiptList *self)
{
  GtkWidget *options_list = gtk_list_box_new ();
  GtkWidget *save_box;
  GtkWidget *hint;
  GtkWidget *row;

  self->group = adw_preferences_group_new ();
  gtk_widget_set_name (self->group, "receipt-group");
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->group), _("E-receipt"));
  gtk_widget_set_parent (self->group, GTK_WIDGET (self));

  self->receipts_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_set_name (GTK_WIDGET (self->receipts_list), "receipt-rows");
  gtk_list_box_set_selection_mode (self->receipts_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->receipts_list), "boxed-list");
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->receipts_list), 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), GTK_WIDGET (self->receipts_list));

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (options_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (options_list, "boxed-list");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), options_list);

  self->options_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->options_row), "receipt-options");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->options_row), _("Receipt options"));
  adw_expander_row_set_subtitle (self->options_row, _("Who the e-receipt is for, for this bill only"));
  gtk_list_box_append (GTK_LIST_BOX (options_list), GTK_WIDGET (self->options_row));

  self->type_row = ADW_COMBO_ROW (adw_combo_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->type_row), "receipt-type");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->type_row), _("Receipt for"));
  adw_expander_row_add_row (self->options_row, GTK_WIDGET (self->type_row));

  self->phone_row = add_entry_row (self->options_row, "receipt-phone",
                                   _("Customer’s e-barimt phone number"), GTK_INPUT_PURPOSE_PHONE);
  self->district_row = add_entry_row (self->options_row, "receipt-district",
                                      _("District code"), GTK_INPUT_PURPOSE_DIGITS);
  self->classification_row = add_entry_row (self->options_row, "receipt-classification",
                                            _("Classification code"), GTK_INPUT_PURPOSE_DIGITS);

  self->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->message_label), "receipt-options-message");
  gtk_label_set_wrap (self->message_label, TRUE);
  gtk_label_set_xalign (self->message_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "tb-receipt-options-message");
  self->message_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->message_row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->message_row), GTK_WIDGET (self->message_label));
  gtk_widget_set_visible (self->message_row, FALSE);
  adw_expander_row_add_row (self->options_row, self->message_row);

  save_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (save_box, 8);
  gtk_widget_set_margin_bottom (save_box, 8);
  gtk_widget_set_margin_start (save_box, 12);
  gtk_widget_set_margin_end (save_box, 12);
  hint = gtk_label_new (_("Empty fields use the defaults from Preferences."));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_set_hexpand (hint, TRUE);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");
  gtk_box_append (GTK_BOX (save_box), hint);
  self->save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_set_name (self->save_button, "receipt-options-save");
  gtk_widget_set_valign (self->save_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  gtk_widget_set_sensitive (self->save_button, FALSE);
  gtk_box_append (GTK_BOX (save_box), self->save_button);
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), save_box);
  adw_expander_row_add_row (self->options_row, row);

  g_signal_connect_object (self->type_row, "notify::selected", G_CALLBACK (options_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->phone_row, "changed", G_CALLBACK (options_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->district_row, "changed", G_CALLBACK (options_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->classification_row, "changed", G_CALLBACK (options_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->save_button, "clicked", G_CALLBACK (save_clicked_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
tb_receipt_list_dispose (GObject *object)
{
  TbReceiptList *self = (TbReceiptList *) object;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->queue != NULL)
    g_clear_signal_handler (&self->receipt_changed_id, self->queue);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, settings_changed_cb, self);
  g_clear_pointer (&self->group, gtk_widget_unparent);

  G_OBJECT_CLASS (tb_receipt_list_parent_class)->dispose (object);
}

static void
tb_receipt_list_finalize (GObject *object)
{
  TbReceiptList *self = (TbReceiptList *) object;

  g_clear_object (&self->ledger);
  g_clear_object (&self->queue);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->bill, tb_bill_free);
  g_clear_pointer (&self->retrying, g_hash_table_unref);
  g_clear_object (&self->tag_group);

  G_OBJECT_CLASS (tb_receipt_list_parent_class)->finalize (object);
}

static void
tb_receipt_list_class_init (TbReceiptListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_receipt_list_dispose;
  object_class->finalize = tb_receipt_list_finalize;

  gtk_widget_class_install_action (widget_class, "receipt-list.retry", "x", retry_action);
  gtk_widget_class_install_action (widget_class, "receipt-list.view", "x", view_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tbreceiptlist");
}

static void
tb_receipt_list_init (TbReceiptList *self)
{
  ensure_css ();

  self->retrying = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->tag_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  build_list (self);
  gtk_widget_set_name (GTK_WIDGET (self), "receipt-list");
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
tb_receipt_list_new (void)
{
  return g_object_new (TB_TYPE_RECEIPT_LIST, NULL);
}

void
tb_receipt_list_set_context (TbReceiptList  *self,
                             TbLedger       *ledger,
                             TbReceiptQueue *queue,
                             GSettings      *settings)
{
  g_return_if_fail (TB_IS_RECEIPT_LIST (self));
  g_return_if_fail (ledger == NULL || TB_IS_LEDGER (ledger));
  g_return_if_fail (queue == NULL || TB_IS_RECEIPT_QUEUE (queue));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->queue != NULL)
    g_clear_signal_handler (&self->receipt_changed_id, self->queue);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, settings_changed_cb, self);

  g_set_object (&self->ledger, ledger);
  g_set_object (&self->queue, queue);
  g_set_object (&self->settings, settings);

  if (queue != NULL)
    self->receipt_changed_id = g_signal_connect_object (queue, "receipt-changed",
                                                        G_CALLBACK (receipt_changed_cb), self,
                                                        G_CONNECT_SWAPPED);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                             G_CONNECT_SWAPPED);

  list_load (self, TRUE);
}

void
tb_receipt_list_set_bill (TbReceiptList *self,
                          gint64         bill_id)
{
  g_return_if_fail (TB_IS_RECEIPT_LIST (self));

  self->bill_id = MAX (bill_id, 0);
  /* Another bill: its own options replace whatever was typed for the last one. */
  g_clear_pointer (&self->bill, tb_bill_free);
  adw_expander_row_set_expanded (self->options_row, FALSE);
  list_load (self, TRUE);
}

void
tb_receipt_list_reload (TbReceiptList *self)
{
  g_return_if_fail (TB_IS_RECEIPT_LIST (self));

  list_load (self, FALSE);
}

/* ======================================================================================
 * The Preferences page "E-receipts"
 * ====================================================================================== */

typedef struct
{
  GSettings   *settings;
  AdwEntryRow *district_row;
  AdwEntryRow *classification_row;
  GtkLabel    *message_label;
} PrefsPage;

static void
prefs_page_free (PrefsPage *prefs)
{
  g_clear_object (&prefs->settings);
  g_free (prefs);
}

static void
prefs_code_changed_cb (GtkEditable *editable,
                       PrefsPage   *prefs)
{
  g_autofree char *district = tb_ui_editable_dup_text (GTK_EDITABLE (prefs->district_row));
  g_autofree char *classification = tb_ui_editable_dup_text (GTK_EDITABLE (prefs->classification_row));
  const char *district_error = check_district (district);
  const char *classification_error = check_classification (classification);
  const char *message = district_error != NULL ? district_error : classification_error;

  tb_ui_set_css_class (GTK_WIDGET (prefs->district_row), "error", district_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (prefs->classification_row), "error", classification_error != NULL);
  gtk_label_set_text (prefs->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (prefs->message_label), message != NULL);

  /* Only a valid code is kept: a typo must not go out with every receipt. While the field is
   * invalid the last valid code stays in force. */
  if (editable == GTK_EDITABLE (prefs->district_row) && district_error == NULL &&
      tb_ui_settings_has_key (prefs->settings, "ebarimt-district-code"))
    g_settings_set_string (prefs->settings, "ebarimt-district-code", district != NULL ? district : "");
  if (editable == GTK_EDITABLE (prefs->classification_row) && classification_error == NULL &&
      tb_ui_settings_has_key (prefs->settings, "ebarimt-classification-code"))
    g_settings_set_string (prefs->settings, "ebarimt-classification-code",
                           classification != NULL ? classification : "");
}

static GtkWidget *
prefs_entry_row (PrefsPage  *prefs,
                 const char *key,
                 const char *name,
                 const char *title)
{
  GtkWidget *row = adw_entry_row_new ();
  g_autofree char *value = dup_setting (prefs->settings, key);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_DIGITS);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  gtk_widget_set_sensitive (row, tb_ui_settings_has_key (prefs->settings, key));

  return row;
}

static const char *const receiver_values[] = { "CITIZEN", "COMPANY" };
static const char *const paper_values[] = { "58", "80", "a4" };

static void
prefs_combo_selected_cb (AdwComboRow *row,
                         GParamSpec  *pspec,
                         GSettings   *settings)
{
  const char *key = g_object_get_data (G_OBJECT (row), "tb-settings-key");
  const char *const *values = g_object_get_data (G_OBJECT (row), "tb-settings-values");
  guint n_values = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "tb-settings-n-values"));
  guint selected = adw_combo_row_get_selected (row);

  if (selected < n_values && tb_ui_settings_has_key (settings, key))
    g_settings_set_string (settings, key, values[selected]);
}

static GtkWidget *
prefs_combo_row (GSettings         *settings,
                 const char        *key,
                 const char        *name,
                 const char        *title,
                 const char *const *values,
                 const char *const *labels,
                 guint              n_values)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *value = dup_setting (settings, key);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  for (guint i = 0; i < n_values; i++)
    gtk_string_list_append (model, labels[i]);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  for (guint i = 0; i < n_values; i++)
    if (g_strcmp0 (value, values[i]) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);

  if (!tb_ui_settings_has_key (settings, key))
    {
      gtk_widget_set_sensitive (row, FALSE);
      return row;
    }

  g_object_set_data (G_OBJECT (row), "tb-settings-key", (gpointer) key);
  g_object_set_data (G_OBJECT (row), "tb-settings-values", (gpointer) values);
  g_object_set_data (G_OBJECT (row), "tb-settings-n-values", GUINT_TO_POINTER (n_values));
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (prefs_combo_selected_cb),
                           settings, 0);

  return row;
}

AdwPreferencesPage *
tb_receipt_preferences_page_new (GSettings *settings)
{
  AdwPreferencesPage *page;
  GtkWidget *group;
  GtkWidget *row;
  GtkWidget *toggle;
  GtkWidget *message;
  PrefsPage *prefs;
  const char *receiver_labels[] = { receiver_type_label ("CITIZEN"), receiver_type_label ("COMPANY") };
  const char *paper_labels[] = { _("58 mm roll"), _("80 mm roll"), _("A4") };

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  ensure_css ();

  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_name (GTK_WIDGET (page), "ebarimt");
  adw_preferences_page_set_name (page, "ebarimt");
  adw_preferences_page_set_title (page, _("E-receipts"));
  adw_preferences_page_set_icon_name (page, "x-office-document-symbolic");

  prefs = g_new0 (PrefsPage, 1);
  g_set_object (&prefs->settings, settings);
  g_object_set_data_full (G_OBJECT (page), "tb-receipt-prefs", prefs, (GDestroyNotify) prefs_page_free);

  /* Ebarimt */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Sending to the tax office"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("After each QPay payment the e-receipt is registered with the tax office through QPay. A bill can override these defaults in its receipt options."));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  row = adw_action_row_new ();
  gtk_widget_set_name (row, "pref-ebarimt-enabled");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Issue e-receipts"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("For payments made with QPay"));
  toggle = gtk_switch_new ();
  gtk_widget_set_name (toggle, "pref-ebarimt-switch");
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  if (tb_ui_settings_has_key (settings, "ebarimt-enabled"))
    g_settings_bind (settings, "ebarimt-enabled", toggle, "active", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (row, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             prefs_combo_row (settings, "ebarimt-receiver-type", "pref-ebarimt-receiver",
                                              _("Default receipt for"), receiver_values,
                                              receiver_labels, G_N_ELEMENTS (receiver_values)));

  row = prefs_entry_row (prefs, "ebarimt-district-code", "pref-ebarimt-district", _("District code"));
  prefs->district_row = ADW_ENTRY_ROW (row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = prefs_entry_row (prefs, "ebarimt-classification-code", "pref-ebarimt-classification",
                         _("Classification code"));
  prefs->classification_row = ADW_ENTRY_ROW (row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  message = gtk_label_new (NULL);
  gtk_widget_set_name (message, "pref-ebarimt-message");
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_widget_set_margin_top (message, 6);
  gtk_widget_add_css_class (message, "error");
  gtk_widget_add_css_class (message, "caption");
  gtk_widget_set_visible (message, FALSE);
  prefs->message_label = GTK_LABEL (message);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), message);

  g_signal_connect (prefs->district_row, "changed", G_CALLBACK (prefs_code_changed_cb), prefs);
  g_signal_connect (prefs->classification_row, "changed", G_CALLBACK (prefs_code_changed_cb), prefs);

  /* Printing */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Printing"));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  row = prefs_combo_row (settings, "receipt-paper", "pref-receipt-paper", _("Receipt paper"),
                         paper_values, paper_labels, G_N_ELEMENTS (paper_values));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("58 mm rolls print 32 characters a line, 80 mm rolls and A4 print 48"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  return page;
}
