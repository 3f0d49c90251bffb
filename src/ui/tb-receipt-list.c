/* tb-receipt-list.c: the bill page's "E-receipt" section: the bill's receipts and its receipt options
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-money.h"
#include "core/tb-rules.h"
#include "core/tb-tax.h"
#include "receipt/tb-receipt-layout.h"

#include "tb-receipt-print.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"
#include "tb-receipt-ui-private.h"
#include "tb-receipt-list.h"
#include "tb-receipt-view.h"

/* How many receipts a bill can show: one per QPay payment, so a handful at most. */
#define MAX_RECEIPTS 50

/* Personal data is wiped before it is freed. */
static void
free_secret (char *text)
{
  if (text == NULL)
    return;
  memset (text, 0, strlen (text));
  g_free (text);
}

/* The receiver type the queue uses when a bill has none of its own. */
static const char *
default_receiver_type (GSettings *settings)
{
  g_autofree char *type = tb_receipt_ui_dup_setting (settings, "ebarimt-receiver-type");

  return g_strcmp0 (type, "COMPANY") == 0 ? "COMPANY" : "CITIZEN";
}

/* The phone as the one rule normalises it (the form the ledger stores), else as typed. */
static char *
normalized_phone (const char *text)
{
  char *digits = NULL;

  if (text == NULL)
    return NULL;
  if (!tb_rules_phone (text, FALSE, &digits, NULL))
    return g_strdup (text);
  return digits;
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

  /* Retrying later cannot settle it: only a person who looked at QPay can (issue #16). */
  if (tb_receipt_is_outcome_unknown (receipt))
    return g_strdup (_("The tax office may or may not have registered this e-receipt: QPay’s answer was lost and looking it up failed. Check the payment in the QPay merchant portal. If it has an e-receipt, there is nothing to do; if it has none, press Create Again."));
  if (g_strcmp0 (key, "EBARIMT_NOT_ENABLED") == 0)
    return g_strdup (_("Ask QPay to switch on e-receipts for your merchant account, then press Retry."));
  if (g_strcmp0 (key, "CLASSIFICATION_CODE_INVALID") == 0)
    return g_strdup (_("Correct the classification code in the receipt options or in Preferences, then press Retry."));
  if (g_strcmp0 (key, "CUSTOMER_REGISTER_INVALID") == 0)
    return g_strdup (_("QPay refused the buyer’s TIN. Correct the customer’s TIN (11 to 14 digits, or the 7-digit company register), then press Retry."));
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

/* "ДДТД …1234 · Lottery AB 12345678 · printed 2 times" */
static void
append_registered (GString         *text,
                   const TbReceipt *receipt)
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

static char *
receipt_subtitle (const TbReceipt *receipt)
{
  g_autoptr(GString) text = g_string_new (NULL);

  switch (receipt->state)
    {
    case TB_RECEIPT_REGISTERED:
      append_registered (text, receipt);
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

/* ---- an unknown outcome: created again only when staff confirm ---- */

static void
disable_button (TbReceiptList *self,
                const char    *kind,
                gint64         receipt_id)
{
  g_autofree char *name = g_strdup_printf ("receipt-%s-%" G_GINT64_FORMAT, kind, receipt_id);
  GtkWidget *button = find_named (GTK_WIDGET (self->receipts_list), name);

  if (button != NULL)
    gtk_widget_set_sensitive (button, FALSE);
}

static void
create_again_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          gpointer          user_data)
{
  TbReceiptList *self = TB_RECEIPT_LIST (user_data);
  gint64 id = *(const gint64 *) g_object_get_data (G_OBJECT (dialog), "receipt-id");
  RetryData *data;

  if (g_strcmp0 (response, "create") != 0 || self->queue == NULL || self->group == NULL ||
      g_hash_table_contains (self->retrying, &id))
    return;

  g_hash_table_add (self->retrying, g_memdup2 (&id, sizeof id));
  disable_button (self, "create-again", id);
  disable_button (self, "retry", id);

  data = g_new0 (RetryData, 1);
  data->self = g_object_ref (self);
  data->receipt_id = id;
  /* Not cancelled with the page, like Retry: the queue records the outcome either way. */
  tb_receipt_queue_create_again_async (self->queue, id, NULL, retry_done_cb, data);
}

/* A second create registers a second receipt if the first did go through: ask first. */
static void
create_again_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TbReceiptList *self = TB_RECEIPT_LIST (widget);
  gint64 id = g_variant_get_int64 (parameter);
  GtkWidget *dialog;

  if (self->queue == NULL || self->group == NULL || id <= 0 ||
      g_hash_table_contains (self->retrying, &id))
    return;

  dialog = adw_message_dialog_new (list_get_window (self), _("Create the E-receipt Again?"),
                                   _("Only do this when the QPay merchant portal shows no e-receipt for this payment. If the first e-receipt did go through, this registers a second e-receipt for the same sale with the tax office."));
  gtk_widget_set_name (dialog, "create-again-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("Create _Again"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "receipt-id", g_memdup2 (&id, sizeof id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (create_again_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_create_again_button (TbReceiptList *self,
                         AdwActionRow  *row,
                         gint64         receipt_id)
{
  g_autofree char *name = g_strdup_printf ("receipt-create-again-%" G_GINT64_FORMAT, receipt_id);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Create _Again"));

  gtk_widget_set_name (button, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (button, !g_hash_table_contains (self->retrying, &receipt_id));
  gtk_widget_set_tooltip_text (button, _("Send the e-receipt to the tax office again, after checking that QPay has none for this payment"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "receipt-list.create-again");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", receipt_id);
  adw_action_row_add_suffix (row, button);
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

  if (self->queue != NULL && tb_receipt_is_outcome_unknown (receipt))
    add_create_again_button (self, ADW_ACTION_ROW (row), receipt->id);

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
  phone_digits = normalized_phone (phone);
  stored_digits = normalized_phone (self->bill->receipt_phone);

  dirty = !same_text (options_get_type (self), self->bill->receipt_receiver_type) ||
          !same_text (phone_digits, stored_digits) ||
          !same_text (district, self->bill->receipt_district_code) ||
          !same_text (classification, self->bill->receipt_classification_code);

  g_clear_pointer (&phone, free_secret);
  g_clear_pointer (&phone_digits, free_secret);
  g_clear_pointer (&stored_digits, free_secret);

  return dirty;
}

/* Checks every field as it is typed, by the rules the receipt queue sends with (tb-rules.h);
 * Save only when all are valid and something changed. */
static gboolean
options_validate (TbReceiptList *self)
{
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->phone_row));
  const char *district = gtk_editable_get_text (GTK_EDITABLE (self->district_row));
  const char *classification = gtk_editable_get_text (GTK_EDITABLE (self->classification_row));
  gboolean company = g_strcmp0 (options_effective_type (self), "COMPANY") == 0;
  g_autoptr(GError) phone_error = NULL;
  g_autoptr(GError) district_error = NULL;
  g_autoptr(GError) classification_error = NULL;
  g_autofree char *clean_district = NULL;
  g_autofree char *clean_classification = NULL;
  char *clean_phone = NULL;
  const char *message;
  gboolean valid;

  /* A company receipt sends no phone: what is in the hidden entry does not count. */
  if (!company)
    tb_rules_ebarimt_receiver ("CITIZEN", phone, &clean_phone, &phone_error);
  g_clear_pointer (&clean_phone, free_secret);
  tb_rules_district_code (district, FALSE, &clean_district, &district_error);
  tb_rules_classification_code (classification, FALSE, &clean_classification, &classification_error);
  message = phone_error != NULL ? phone_error->message
            : district_error != NULL ? district_error->message
            : classification_error != NULL ? classification_error->message : NULL;
  valid = message == NULL;

  tb_ui_set_css_class (GTK_WIDGET (self->phone_row), "error", phone_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (self->district_row), "error", district_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (self->classification_row), "error", classification_error != NULL);

  /* The phone is for a citizen's receipt only. */
  gtk_widget_set_visible (GTK_WIDGET (self->phone_row), !company);

  if (valid && company && !self->customer_tin_ok)
    {
      gtk_label_set_text (self->message_label,
                          _("A company receipt needs the customer’s TIN: add the TIN (11 to 14 digits, or the 7-digit company register) to the customer, or choose Citizen."));
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
                                                    tb_receipt_ui_receiver_type_label (default_receiver_type (self->settings)));

  gtk_string_list_append (model, default_label);
  gtk_string_list_append (model, tb_receipt_ui_receiver_type_label ("CITIZEN"));
  gtk_string_list_append (model, tb_receipt_ui_receiver_type_label ("COMPANY"));
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

static void
show_receipts (TbReceiptList   *self,
               const GPtrArray *receipts)
{
  clear_list_box (self->receipts_list);
  for (guint i = 0; receipts != NULL && i < receipts->len; i++)
    {
      const TbReceipt *receipt = g_ptr_array_index (receipts, i);
      GtkWidget *row = make_receipt_row (self, receipt);

      g_object_set_data (G_OBJECT (row), "tb-receipt-state", GINT_TO_POINTER (receipt->state + 1));
      gtk_list_box_append (self->receipts_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->receipts_list), receipts != NULL && receipts->len > 0);
}

/* Only bills paid with QPay get an Ebarimt receipt from QPay. While e-receipts are on, the
 * section shows before payment too: the receipt goes out right after settlement, so a
 * company's TIN or a citizen's phone must be chosen before the customer pays. */
static gboolean
section_wanted (TbReceiptList   *self,
                const TbBill    *bill,
                const GPtrArray *receipts)
{
  gboolean open;

  if (bill == NULL)
    return FALSE;
  if (bill_has_qpay_payment (bill) || (receipts != NULL && receipts->len > 0))
    return TRUE;

  open = bill->status == TB_BILL_OPEN || bill->status == TB_BILL_PARTIAL;
  return open && self->settings != NULL && g_settings_get_boolean (self->settings, "ebarimt-enabled");
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
    {
      g_autofree char *tin = NULL;

      /* The rule the queue checks a company receipt's receiver with. */
      self->customer_tin_ok = tb_rules_ebarimt_receiver ("COMPANY", customer->register_no, &tin, NULL);
      g_clear_pointer (&tin, free_secret);
    }
  if (customer != NULL)
    g_clear_pointer (&customer->register_no, free_secret);

  show_receipts (self, receipts);
  gtk_widget_set_visible (GTK_WIDGET (self), section_wanted (self, bill, receipts));

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

static void
tb_receipt_list_dispose (GObject *object)
{
  TbReceiptList *self = (TbReceiptList *) object;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->queue != NULL)
    g_clear_signal_handler (&self->receipt_changed_id, self->queue);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, settings_changed_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_RECEIPT_LIST);

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
  gtk_widget_class_install_action (widget_class, "receipt-list.create-again", "x", create_again_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tbreceiptlist");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tb-receipt-list.ui");
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, group);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, receipts_list);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, options_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, type_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, phone_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, district_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, classification_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, message_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, message_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptList, save_button);
  gtk_widget_class_bind_template_callback (widget_class, options_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
}

static void
tb_receipt_list_init (TbReceiptList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->retrying = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->tag_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
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

