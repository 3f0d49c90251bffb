/* tb-bill-page-lines.c: the bill's lines and the new-line editor
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "core/tb-rules.h"
#include "core/tb-tax.h"
#include "core/tb-ledger-task.h"

#include "tb-bill-page-private.h"
#include "tb-qr-window.h"
#include "tb-ui-util.h"

struct _AddLineOp
{
  gint64   bill_id;
  char    *description;
  char    *code;
  gint64   quantity_milli;
  gint64   unit_price;
  gboolean vat;
  gboolean city_tax;
  gint64   line_id;
};

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

static gboolean
remove_line_op_run (TbLedger  *ledger,
                    gpointer   data,
                    GError   **error)
{
  return tb_ledger_remove_line (ledger, ((BillOp *) data)->line_id, error);
}

/* The new line as typed, checked: on success the parsed values and the taxes, else the
 * message and which field is wrong. */
typedef struct
{
  char      *description;
  char      *code;
  gint64     quantity;
  gint64     price;
  gboolean   vat;
  gboolean   city_tax;
  TbLineTax  tax;
  char      *message;
  gboolean   description_bad;
  gboolean   quantity_bad;
  gboolean   price_bad;
  gboolean   code_bad;
} LineCheck;

static void
line_check_clear (LineCheck *check)
{
  g_free (check->description);
  g_free (check->code);
  g_free (check->message);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LineCheck, line_check_clear)

/* A rule's refusal: its message, and the field it names marked. */
static gboolean
check_failed (LineCheck    *check,
              const GError *error)
{
  check->message = g_strdup (error->message);
  if (error->domain != TB_RULES_ERROR)
    return FALSE;

  check->description_bad = error->code == TB_RULE_FIELD_DESCRIPTION;
  check->quantity_bad = error->code == TB_RULE_FIELD_QUANTITY;
  check->price_bad = error->code == TB_RULE_FIELD_PRICE;
  check->code_bad = error->code == TB_RULE_FIELD_CLASSIFICATION;
  return FALSE;
}

/* The quantity and price fields; FALSE with the message set when one is wrong or missing. */
static gboolean
check_numbers (LineCheck  *check,
               const char *quantity_text,
               const char *price_text)
{
  g_autoptr(GError) error = NULL;

  if (quantity_text == NULL)
    check->message = g_strdup (_("Enter a quantity."));
  else if (!tb_quantity_parse (quantity_text, &check->quantity, &error))
    check->message = g_strdup (error->message);
  else if (!tb_rules_line_quantity (check->quantity, &error))
    check->message = g_strdup (error->message);
  check->quantity_bad = check->message != NULL;
  if (check->message != NULL)
    return FALSE;

  if (price_text == NULL)
    {
      check->message = g_strdup (_("Enter the unit price, VAT included."));
      return FALSE;
    }
  if (!tb_money_parse (price_text, &check->price, &error))
    {
      check->message = g_strdup (error->message);
      check->price_bad = TRUE;
      return FALSE;
    }

  return TRUE;
}

/* The numbers as typed, then the one rule of a bill line and of a classification code
 * (tb-rules.h): the ledger checks the same, so what is accepted here is never refused there. */
static gboolean
check_line (LineCheck  *check,
            const char *quantity_text,
            const char *price_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *description = NULL;

  if (!check_numbers (check, quantity_text, price_text))
    return FALSE;

  if (!tb_rules_classification_code (check->code, FALSE, &code, &error) ||
      !tb_rules_line (check->description, check->quantity, check->price, check->vat,
                      check->city_tax, &description, &check->tax, &error))
    return check_failed (check, error);

  g_free (check->code);
  check->code = g_steal_pointer (&code);
  g_free (check->description);
  check->description = g_steal_pointer (&description);
  return TRUE;
}

/* "Line amount …, of which VAT …": what a valid line will add. */
static char *
line_summary (TbBillPage      *self,
              const LineCheck *check)
{
  g_autofree char *amount = tb_bill_page_format_money (self, check->tax.amount);
  g_autofree char *vat_text = tb_bill_page_format_money (self, tb_tax_e4_to_minor (check->tax.vat_e4));
  g_autofree char *city_text = tb_bill_page_format_money (self, tb_tax_e4_to_minor (check->tax.city_tax_e4));

  if (check->city_tax)
    return g_strdup_printf (_("Line amount %s, of which VAT %s and city tax %s."),
                            amount, vat_text, city_text);
  if (check->vat)
    return g_strdup_printf (_("Line amount %s, of which VAT %s."), amount, vat_text);

  return g_strdup_printf (_("Line amount %s, no VAT."), amount);
}

static void
show_line_check (TbBillPage      *self,
                 const LineCheck *check,
                 gboolean         started,
                 gboolean         valid)
{
  /* Don't shout at an empty form: errors show once something was typed. */
  gtk_label_set_label (self->line_message, (started || valid) ? check->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->line_message), started || valid);
  tb_ui_set_css_class (GTK_WIDGET (self->line_message), "error", started && !valid);
  tb_ui_set_css_class (GTK_WIDGET (self->line_message), "dim-label", valid);
  tb_ui_set_css_class (GTK_WIDGET (self->description_row), "error", check->description_bad);
  tb_ui_set_css_class (GTK_WIDGET (self->quantity_row), "error", check->quantity_bad);
  tb_ui_set_css_class (GTK_WIDGET (self->price_row), "error", check->price_bad);
  tb_ui_set_css_class (GTK_WIDGET (self->code_row), "error", check->code_bad);

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_line_button),
                            valid && !self->adding_line && !self->lines_locked &&
                            tb_bill_page_bill_is_editable (self));
}

/* Validates the new line's fields. With @out_op it also fills an op for the ledger. Shows
 * the line amount and taxes, or what is wrong, under the fields. */
gboolean
tb_bill_page_validate_line (TbBillPage *self,
                            AddLineOp  *out_op)
{
  g_autofree char *quantity_text = tb_ui_editable_dup_text (GTK_EDITABLE (self->quantity_row));
  g_autofree char *price_text = tb_ui_editable_dup_text (GTK_EDITABLE (self->price_row));
  g_auto(LineCheck) check = { 0 };
  gboolean started;
  gboolean valid;

  check.description = tb_ui_editable_dup_text (GTK_EDITABLE (self->description_row));
  check.code = tb_ui_editable_dup_text (GTK_EDITABLE (self->code_row));
  check.vat = gtk_switch_get_active (self->vat_switch);
  check.city_tax = gtk_switch_get_active (self->city_tax_switch);
  started = check.description != NULL || price_text != NULL || check.code != NULL;

  valid = check_line (&check, quantity_text, price_text);
  if (valid)
    check.message = line_summary (self, &check);
  show_line_check (self, &check, started, valid);

  if (valid && out_op != NULL)
    {
      out_op->description = g_steal_pointer (&check.description);
      out_op->code = g_steal_pointer (&check.code);
      out_op->quantity_milli = check.quantity;
      out_op->unit_price = check.price;
      out_op->vat = check.vat;
      out_op->city_tax = check.city_tax;
    }

  return valid;
}

void
tb_bill_page_reset_line_editor (TbBillPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->quantity_row), "1");
  gtk_editable_set_text (GTK_EDITABLE (self->price_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  gtk_switch_set_active (self->vat_switch, TRUE);
  gtk_switch_set_active (self->city_tax_switch, FALSE);
  tb_bill_page_validate_line (self, NULL);
}

static void
remove_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  tb_bill_page_finish_bill_op (TB_BILL_PAGE (object), result, _("Line Not Removed"), _("Line removed"));
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
  tb_bill_page_write_started (self);
  tb_ledger_task_run (self->ledger, self, remove_line_op_run, op, (GDestroyNotify) tb_bill_op_free,
                  self->cancellable, remove_line_cb, NULL);
}

GtkWidget *
tb_bill_page_make_line_row (TbBillPage       *self,
               const TbBillLine *line,
               gboolean          removable)
{
  g_autofree char *quantity = tb_quantity_format (line->quantity_milli);
  g_autofree char *price = tb_bill_page_format_money (self, line->unit_price);
  g_autofree char *amount = tb_bill_page_format_money (self, line->amount);
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

void
tb_bill_page_line_changed_cb (TbBillPage *self)
{
  tb_bill_page_validate_line (self, NULL);
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
    tb_bill_page_reset_line_editor (self);

  if (!tb_bill_page_write_finished (self, op->bill_id, error))
    return;

  if (!ok)
    {
      tb_bill_page_validate_line (self, NULL);
      tb_ui_show_error (GTK_WIDGET (self), _("Line Not Added"), error);
      return;
    }

  if (self->bill != NULL && self->bill->id == op->bill_id)
    gtk_widget_grab_focus (GTK_WIDGET (self->description_row));
}

void
tb_bill_page_add_line_clicked_cb (TbBillPage *self)
{
  AddLineOp *op;

  if (self->bill == NULL || self->adding_line || self->lines_locked ||
      !tb_bill_page_bill_is_editable (self))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  op = g_new0 (AddLineOp, 1);
  if (!tb_bill_page_validate_line (self, op))
    {
      add_line_op_free (op);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  op->bill_id = self->bill->id;
  self->adding_line = TRUE;
  tb_bill_page_validate_line (self, NULL);
  tb_bill_page_write_started (self);
  tb_ledger_task_run (self->ledger, self, add_line_op_run, op, (GDestroyNotify) add_line_op_free,
                  self->cancellable, add_line_cb, NULL);
}


/* Whether an e-receipt was issued for the bill: its lines are then on file with the tax
 * authority. */
static gboolean
bill_has_issued_receipt (TbBillPage *self)
{
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GError) error = NULL;

  receipts = tb_ledger_list_receipts (self->ledger, TB_RECEIPT_FILTER_ALL, self->bill->id, 100,
                                      &error);
  if (receipts == NULL)
    {
      /* Unknown: lock rather than let a filed bill change. */
      g_warning ("Could not read the bill's receipts: %s", error->message);
      return TRUE;
    }

  for (guint i = 0; i < receipts->len; i++)
    if (((TbReceipt *) g_ptr_array_index (receipts, i))->state == TB_RECEIPT_REGISTERED)
      return TRUE;

  return FALSE;
}

/* #11: why the bill's lines can no longer change, or NULL. A paid bill's lines are what the
 * customer paid for; an issued e-receipt's are what was filed. Further items go on a new bill. */
static const char *
lines_lock_reason (TbBillPage *self)
{
  const TbBill *bill = self->bill;

  if (bill == NULL || bill->status == TB_BILL_VOID)
    return NULL;
  if (bill->status == TB_BILL_PAID || (bill->total > 0 && bill->paid >= bill->total))
    return _("This bill is paid, so its lines can no longer change. Put further items on a new bill.");
  if (bill_has_issued_receipt (self))
    return _("An e-receipt was issued for this bill, so its lines can no longer change. Put further items on a new bill.");

  return NULL;
}

void
tb_bill_page_update_lines_lock (TbBillPage *self)
{
  const char *reason = lines_lock_reason (self);

  self->lines_locked = reason != NULL;
  gtk_label_set_label (self->lines_locked_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (self->lines_locked_box, self->lines_locked);
  /* A locked bill shows why and what to do instead, not a form and a hint about typing in it. */
  gtk_widget_set_sensitive (self->line_editor, !self->lines_locked);
  gtk_widget_set_visible (self->line_editor, !self->lines_locked);
  adw_preferences_group_set_description (self->new_line_group,
                                         self->lines_locked ? NULL
                                                            : _("Prices include VAT. Press Enter to add the line."));
  if (self->bill != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->new_bill_button), "x",
                                      self->bill->customer_id);
}
