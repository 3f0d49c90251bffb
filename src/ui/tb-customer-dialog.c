/* tb-customer-dialog.c: pick a customer for a bill, or create one
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-customer-dialog.h"
#include "core/tb-ledger-task.h"
#include "core/tb-rules.h"
#include "tb-ui-util.h"

#define MAX_RESULTS 20

struct _TbCustomerDialog
{
  AdwWindow       parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkListBox     *results_list;
  AdwEntryRow    *name_row;
  AdwEntryRow    *phone_row;
  AdwEntryRow    *tin_row;
  GtkLabel       *error_label;
  GtkButton      *create_button;

  TbLedger       *ledger;
  GCancellable   *cancellable;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (TbCustomerDialog, tb_customer_dialog, ADW_TYPE_WINDOW)

enum {
  CUSTOMER_CHOSEN,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

typedef struct
{
  char   *name;
  char   *phone;
  char   *tin;
  gint64  id;
} AddCustomerOp;

/* Phones and register numbers are personal data: wiped before they are freed. */
static void
free_secret (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

static void
add_customer_op_free (AddCustomerOp *op)
{
  g_free (op->name);
  free_secret (op->phone);
  free_secret (op->tin);
  g_free (op);
}

static gboolean
add_customer_op_run (TbLedger  *ledger,
                     gpointer   data,
                     GError   **error)
{
  AddCustomerOp *op = data;

  return tb_ledger_add_customer (ledger, op->name, op->phone, op->tin, &op->id, error);
}

static void
choose (TbCustomerDialog *self,
        gint64            customer_id)
{
  g_signal_emit (self, signals [CUSTOMER_CHOSEN], 0, customer_id);
  gtk_window_close (GTK_WINDOW (self));
}

static GtkWidget *
make_result_row (gint64      id,
                 const char *title,
                 const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "customer-id-value",
                          g_memdup2 (&id, sizeof id), g_free);

  return row;
}

static void
refresh_results (TbCustomerDialog *self)
{
  g_autoptr(GPtrArray) customers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);

  gtk_list_box_append (self->results_list,
                       make_result_row (0, _("Walk-in customer"), _("No name on the bill")));

  text = tb_ui_editable_dup_text (GTK_EDITABLE (self->search_entry));
  customers = tb_ledger_find_customers (self->ledger, text != NULL ? text : "", MAX_RESULTS,
                                        &error);
  if (customers == NULL)
    {
      g_warning ("Could not search customers: %s", error->message);
      return;
    }

  for (guint i = 0; i < customers->len; i++)
    {
      const TbCustomer *customer = g_ptr_array_index (customers, i);
      g_autofree char *subtitle = NULL;

      if (customer->register_no != NULL && customer->phone != NULL)
        subtitle = g_strdup_printf (_("Phone %s · TIN %s"), customer->phone, customer->register_no);
      else if (customer->register_no != NULL)
        subtitle = g_strdup_printf (_("TIN %s"), customer->register_no);
      else if (customer->phone != NULL)
        subtitle = g_strdup_printf (_("Phone %s"), customer->phone);

      gtk_list_box_append (self->results_list,
                           make_result_row (customer->id, customer->name, subtitle));
    }
}

/* The phone and the register number by the one rule of each (tb-rules.h), so that what the
 * dialog accepts the ledger stores. Marks the entry the first refusal names; *out_phone and
 * *out_tin are the normalised values (may be NULL). Returns the message, or NULL. */
static char *
check_fields (TbCustomerDialog  *self,
              char             **out_phone,
              char             **out_tin)
{
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->phone_row));
  const char *tin = gtk_editable_get_text (GTK_EDITABLE (self->tin_row));
  g_autoptr(GError) phone_error = NULL;
  g_autoptr(GError) tin_error = NULL;

  tb_rules_phone (phone, FALSE, out_phone, &phone_error);
  tb_rules_register_no (tin, FALSE, out_tin, NULL, &tin_error);

  tb_ui_set_css_class (GTK_WIDGET (self->phone_row), "error", phone_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (self->tin_row), "error", tin_error != NULL);

  if (phone_error != NULL)
    return g_strdup (phone_error->message);
  if (tin_error != NULL)
    return g_strdup (tin_error->message);
  return NULL;
}

/* Checks the form; with @op, also fills it with the normalised values. */
static gboolean
validate_form (TbCustomerDialog *self,
               AddCustomerOp    *op)
{
  g_autofree char *name = tb_ui_editable_dup_text (GTK_EDITABLE (self->name_row));
  char *phone = NULL;
  char *tin = NULL;
  g_autofree char *message = check_fields (self, &phone, &tin);
  gboolean valid;

  if (message == NULL && name != NULL && strlen (name) > 255)
    message = g_strdup (_("The name is too long."));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);

  valid = !self->busy && name != NULL && message == NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), valid);

  if (valid && op != NULL)
    {
      op->name = g_steal_pointer (&name);
      op->phone = g_steal_pointer (&phone);
      op->tin = g_steal_pointer (&tin);
    }
  free_secret (phone);
  free_secret (tin);

  return valid;
}

static void
search_changed_cb (TbCustomerDialog *self,
                   GtkSearchEntry   *entry)
{
  refresh_results (self);
}

static void
search_activate_cb (TbCustomerDialog *self,
                    GtkSearchEntry   *entry)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results_list, 1);

  /* Enter picks the first match when there is exactly one. */
  if (row != NULL && gtk_list_box_get_row_at_index (self->results_list, 2) == NULL)
    g_signal_emit_by_name (row, "activate");
}

static void
row_activated_cb (TbCustomerDialog *self,
                  GtkListBoxRow    *row,
                  GtkListBox       *list)
{
  const gint64 *id = g_object_get_data (G_OBJECT (row), "customer-id-value");

  if (id != NULL && !self->busy)
    choose (self, *id);
}

static void
form_changed_cb (TbCustomerDialog *self)
{
  validate_form (self, NULL);
}

static void
add_customer_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TbCustomerDialog *self = TB_CUSTOMER_DIALOG (object);
  AddCustomerOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->busy = FALSE;
      validate_form (self, NULL);
      tb_ui_show_error (GTK_WIDGET (self), _("Customer Not Saved"), error);
      return;
    }

  self->busy = FALSE;
  choose (self, op->id);
}

static void
create_clicked_cb (TbCustomerDialog *self)
{
  AddCustomerOp *op = g_new0 (AddCustomerOp, 1);

  /* Stored as the rules normalise them ("+976 9911-2233" → "99112233"), so that a search by
   * phone finds it. */
  if (!validate_form (self, op))
    {
      add_customer_op_free (op);
      return;
    }

  self->busy = TRUE;
  validate_form (self, NULL);
  tb_ledger_task_run (self->ledger, self, add_customer_op_run, op,
                  (GDestroyNotify) add_customer_op_free, self->cancellable,
                  add_customer_cb, NULL);
}

static void
tb_customer_dialog_dispose (GObject *object)
{
  TbCustomerDialog *self = (TbCustomerDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->ledger);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_CUSTOMER_DIALOG);

  G_OBJECT_CLASS (tb_customer_dialog_parent_class)->dispose (object);
}

static void
tb_customer_dialog_class_init (TbCustomerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_customer_dialog_dispose;

  /**
   * TbCustomerDialog::customer-chosen:
   * @customer_id: the chosen customer, 0 for a walk-in customer
   *
   * Emitted once, when a customer was picked or created.
   */
  signals [CUSTOMER_CHOSEN] =
    g_signal_new ("customer-chosen",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tb-customer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TbCustomerDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TbCustomerDialog, results_list);
  gtk_widget_class_bind_template_child (widget_class, TbCustomerDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TbCustomerDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, TbCustomerDialog, tin_row);
  gtk_widget_class_bind_template_child (widget_class, TbCustomerDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TbCustomerDialog, create_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tb_customer_dialog_init (TbCustomerDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

GtkWidget *
tb_customer_dialog_new (GtkWindow *parent,
                        TbLedger  *ledger)
{
  TbCustomerDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TB_IS_LEDGER (ledger), NULL);

  self = g_object_new (TB_TYPE_CUSTOMER_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->ledger = g_object_ref (ledger);
  refresh_results (self);
  validate_form (self, NULL);

  return GTK_WIDGET (self);
}
