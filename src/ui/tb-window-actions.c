/* tb-window-actions.c: the window's actions (new bill, search, record, back, shortcuts) and their keys
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"

#include "tb-bill-item.h"
#include "tb-bill-row.h"
#include "tb-ui-util.h"
#include "tb-window-private.h"

typedef struct
{
  gint64  customer_id;  /* 0: walk-in */
  gint64  bill_id;
  char   *number;
} CreateBillOp;

static void
create_bill_op_free (CreateBillOp *op)
{
  g_free (op->number);
  g_free (op);
}

static gboolean
create_bill_op_run (TbLedger  *ledger,
                    gpointer   data,
                    GError   **error)
{
  CreateBillOp *op = data;

  return tb_ledger_create_bill (ledger, op->customer_id, NULL, &op->bill_id, &op->number, error);
}

static void
create_bill_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TbWindow *self = TB_WINDOW (object);
  CreateBillOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;

  self->creating_bill = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-bill", self->ledger != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-bill-for-customer", self->ledger != NULL);

  if (!tb_ledger_task_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tb_ui_show_error (GTK_WIDGET (self), _("Bill Not Created"), error);
      return;
    }

  /* Make sure the new bill is in the list: no search, and a filter that shows open bills. */
  g_signal_handlers_block_by_func (self->search_entry, tb_window_search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_signal_handlers_unblock_by_func (self->search_entry, tb_window_search_changed_cb, self);
  if (g_strcmp0 (self->filter, "paid") == 0)
    tb_window_set_filter (self, "open");

  tb_window_reload (self);
  tb_window_open_bill (self, op->bill_id);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  tb_bill_page_focus_new_line (tb_window_ensure_bill_page (self));
}

/* ---- actions ---- */

static void
create_bill (TbWindow *self,
             gint64    customer_id)
{
  CreateBillOp *op;

  if (self->ledger == NULL || self->creating_bill)
    return;

  op = g_new0 (CreateBillOp, 1);
  op->customer_id = customer_id;
  self->creating_bill = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-bill", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-bill-for-customer", FALSE);
  tb_ledger_task_run (self->ledger, self, create_bill_op_run, op,
                      (GDestroyNotify) create_bill_op_free, self->cancellable,
                      create_bill_cb, NULL);
}

static void
new_bill_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  create_bill (TB_WINDOW (widget), 0);
}

/* The bill page's "New Bill for This Customer" (a paid bill takes no more lines). */
static void
new_bill_for_customer_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  create_bill (TB_WINDOW (widget), g_variant_get_int64 (parameter));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TbWindow *self = TB_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
record_payment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TbWindow *self = TB_WINDOW (widget);

  if (self->bill_page != NULL)
    tb_bill_page_record_payment (self->bill_page);
}

static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TbWindow *self = TB_WINDOW (widget);

  /* Built on first use rather than for every window (see tulbur.gresource.xml). */
  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder = NULL;

      builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/tb-shortcuts-window.ui");
      self->shortcuts_window = g_object_ref (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
    }

  gtk_window_present (self->shortcuts_window);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TbWindow *self = TB_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The window's actions and their shortcuts: window-level bindings, so the shortcuts also
 * work when the window runs under a plain GtkApplication (the widget tests). */
void
tb_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-bill", NULL, new_bill_action);
  gtk_widget_class_install_action (widget_class, "win.new-bill-for-customer", "x",
                                   new_bill_for_customer_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.record-payment", NULL, record_payment_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_help_overlay_action);
  gtk_widget_class_install_property_action (widget_class, "win.filter", "filter");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-bill", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.record-payment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "win.record-payment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK,
                                       "win.show-help-overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_slash, GDK_CONTROL_MASK,
                                       "win.show-help-overlay", NULL);
}
