/* tb-qr-window-share.c: the QR window's details to share: QR text, short link, bank app links (copied, never opened here)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "providers/tb-payment-provider.h"

#include "tb-qr-window-private.h"
#include "tb-ui-util.h"

static void
copy_text (TbQrWindow *self,
           const char *text)
{
  if (text == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  tb_qr_window_toast (self, _("Copied"));
}

static void
copy_link_clicked_cb (TbQrWindow *self,
                      GtkButton  *button)
{
  copy_text (self, g_object_get_data (G_OBJECT (button), "link"));
}

static void
fill_links (TbQrWindow *self)
{
  g_autoptr(GPtrArray) links = tb_provider_links_from_json (self->intent->deep_links);

  for (guint i = 0; i < links->len; i++)
    {
      const TbProviderLink *link = links->pdata[i];
      GtkWidget *row;
      GtkWidget *button;
      g_autofree char *tooltip = NULL;
      const char *title;

      if (link->link == NULL)
        continue;

      title = link->description != NULL ? link->description : link->name;
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), link->link);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);

      /* Deep links open a bank app: on this computer there is none, so they are copied to be
       * sent to the customer's phone, never opened here. */
      button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      gtk_widget_set_name (button, "qr-copy-link");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      tooltip = g_strdup_printf (_("Copy the link for %s"), title != NULL ? title : "");
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
      g_object_set_data_full (G_OBJECT (button), "link", g_strdup (link->link), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (copy_link_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      gtk_list_box_append (self->links_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->links_group), links->len > 0);
}

void
tb_qr_window_copy_text_clicked_cb (TbQrWindow *self)
{
  if (self->intent != NULL)
    copy_text (self, self->intent->qr_text);
}

void
tb_qr_window_copy_url_clicked_cb (TbQrWindow *self)
{
  if (self->intent != NULL)
    copy_text (self, self->intent->short_url);
}

/* ---- public API ---- */

/* The QR text, short link and bank links: useful, but not for the first look at the QR.
 * They are filled in right after the frame that shows the QR, so that frame comes sooner. */
static gboolean
fill_details_cb (gpointer user_data)
{
  TbQrWindow *self = user_data;

  self->details_source = 0;
  if (self->intent == NULL || self->final)
    return G_SOURCE_REMOVE;

  gtk_label_set_label (self->qr_text_label, self->intent->qr_text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->qr_text_label), self->intent->qr_text);
  if (self->intent->short_url != NULL)
    adw_action_row_set_subtitle (self->short_url_row, self->intent->short_url);
  gtk_widget_set_visible (GTK_WIDGET (self->short_url_row), self->intent->short_url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->share_group), TRUE);
  fill_links (self);

  return G_SOURCE_REMOVE;
}

static void
details_after_paint_cb (GdkFrameClock *clock,
                        TbQrWindow    *self)
{
  g_signal_handler_disconnect (clock, self->details_paint_id);
  self->details_paint_id = 0;
  if (self->details_source == 0)
    self->details_source = g_idle_add (fill_details_cb, self);
}

void
tb_qr_window_schedule_details (TbQrWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->details_pending = TRUE;
      return;
    }

  self->details_pending = FALSE;
  if (self->details_paint_id == 0)
    self->details_paint_id = g_signal_connect (clock, "after-paint",
                                               G_CALLBACK (details_after_paint_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
