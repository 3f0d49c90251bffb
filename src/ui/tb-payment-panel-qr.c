/* tb-payment-panel-qr.c: Generate QR: the methods whose provider settles them (QPay)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"
#include "core/tb-money.h"

#include "tb-payment-panel-private.h"
#include "tb-qpay-setup.h"
#include "tb-ui-util.h"

/* Generate QR: shown while the method is usable, on while its amount is valid and nothing
 * else is in flight. */
void
tb_payment_panel_update_generate (TbPaymentPanel *self)
{
  for (guint i = 0; i < N_METHODS; i++)
    {
      MethodRow *row = &self->rows[i];

      if (row->generate == NULL)
        continue;

      gtk_widget_set_visible (GTK_WIDGET (row->generate), row->unavailable == NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (row->generate),
                                self->payable && row->valid && self->service != NULL &&
                                !self->generating && !self->in_flight);
      gtk_button_set_label (row->generate,
                            self->generating ? _("Creating the QR…") : _("_Generate QR"));
    }
}

static void
generate_clicked_cb (TbPaymentPanel *self)
{
  tb_payment_panel_generate_qr (self);
}

static void
set_generating (TbPaymentPanel *self,
                gboolean        generating)
{
  if (self->generating == generating)
    return;

  self->generating = generating;
  tb_payment_panel_update_generate (self);
  g_object_notify_by_pspec (G_OBJECT (self), tb_payment_panel_properties [PROP_GENERATING]);
}

static gboolean
clear_qr_rows_cb (gpointer user_data)
{
  TbPaymentPanel *self = user_data;

  self->clear_qr_source = 0;
  set_generating (self, FALSE);
  for (guint i = 0; i < N_METHODS; i++)
    if (self->rows[i].info->settles_itself)
      {
        self->updating = TRUE;
        gtk_check_button_set_active (self->rows[i].check, FALSE);
        gtk_revealer_set_reveal_child (self->rows[i].revealer, FALSE);
        gtk_editable_set_text (GTK_EDITABLE (self->rows[i].entry), "");
        self->updating = FALSE;
      }
  tb_payment_panel_validate (self);

  return G_SOURCE_REMOVE;
}

static void
qr_opened_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TbPaymentPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbIntent) intent = NULL;

  intent = tb_payment_service_open_finish (TB_PAYMENT_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (intent == NULL)
    {
      set_generating (self, FALSE);
      g_signal_emit (self, tb_payment_panel_signals [QR_READY], 0, NULL);
      /* The intent (and its number) is kept: pressing Generate again reuses it. */
      tb_ui_show_error (GTK_WIDGET (self), _("QR Not Created"), error);
      return;
    }

  g_signal_emit (self, tb_payment_panel_signals [QR_READY], 0, intent);

  /* The QR now lives in the ledger and on the bill page ("QPay invoice pending"): the form
   * is done with it. Cleared once the QR window has drawn the QR, not in the same frame. */
  if (self->clear_qr_source == 0)
    self->clear_qr_source = g_idle_add_full (G_PRIORITY_LOW, clear_qr_rows_cb, self, NULL);
}

/* A QR method's amount line: the entry and Generate QR (Enter in the entry does the same). */
GtkWidget *
tb_payment_panel_make_qr_line (TbPaymentPanel *self,
              MethodRow      *row)
{
  g_autofree char *name = g_strdup_printf ("generate-%s", row->info->id);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  row->generate = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Generate QR")));
  gtk_widget_set_name (GTK_WIDGET (row->generate), name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->generate),
                               _("Make the QR for this amount (Enter in the amount)"));
  gtk_widget_add_css_class (GTK_WIDGET (row->generate), "suggested-action");
  g_signal_connect_object (row->generate, "clicked", G_CALLBACK (generate_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (row->entry, "activate", G_CALLBACK (generate_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_set_hexpand (GTK_WIDGET (row->entry), TRUE);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->entry));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->generate));

  return line;
}

void
tb_payment_panel_set_payment_service (TbPaymentPanel   *self,
                                      TbPaymentService *service)
{
  g_return_if_fail (TB_IS_PAYMENT_PANEL (self));
  g_return_if_fail (service == NULL || TB_IS_PAYMENT_SERVICE (service));

  if (g_set_object (&self->service, service))
    tb_payment_panel_validate (self);
}

gboolean
tb_payment_panel_generate_qr (TbPaymentPanel *self)
{
  MethodRow *row = NULL;

  g_return_val_if_fail (TB_IS_PAYMENT_PANEL (self), FALSE);

  for (guint i = 0; i < N_METHODS; i++)
    if (self->rows[i].info->settles_itself)
      row = &self->rows[i];
  g_assert (row != NULL);

  /* The double-press guard: one QR request at a time (and the service reuses the bill's
   * open QR for the same amount anyway). */
  if (self->generating || self->in_flight)
    return FALSE;

  tb_payment_panel_validate (self);
  if (!self->payable || self->service == NULL || !tb_payment_panel_row_is_checked (row) || !row->valid)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }

  set_generating (self, TRUE);
  tb_payment_service_open_async (self->service, self->bill_id, row->typed, self->cancellable,
                                 qr_opened_cb, g_object_ref (self));
  g_signal_emit (self, tb_payment_panel_signals [QR_REQUESTED], 0, row->typed);

  return TRUE;
}

gboolean
tb_payment_panel_get_generating (TbPaymentPanel *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PANEL (self), FALSE);
  return self->generating;
}
