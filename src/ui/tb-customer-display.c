/* tb-customer-display.c: the QR full screen for the customer (a second screen, or this one)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-customer-display.h"

/* Share of the monitor height the QR takes: big enough to scan from a step away. */
#define QR_SHARE_PERCENT 60
#define MIN_SCALE        6

struct _TbCustomerDisplay
{
  GtkWindow   parent_instance;

  TbQrMatrix *matrix;
  GdkTexture *texture;
  GtkStack   *stack;
  GtkPicture *picture;
  GtkLabel   *status_label;
};

G_DEFINE_FINAL_TYPE (TbCustomerDisplay, tb_customer_display, GTK_TYPE_WINDOW)

static GdkMonitor *
pick_monitor (GtkWindow *staff_window)
{
  GdkDisplay *display = gdk_display_get_default ();
  GListModel *monitors = gdk_display_get_monitors (display);
  GdkMonitor *staff = NULL;
  GdkMonitor *other = NULL;
  guint n = g_list_model_get_n_items (monitors);

  if (staff_window != NULL && gtk_native_get_surface (GTK_NATIVE (staff_window)) != NULL)
    staff = gdk_display_get_monitor_at_surface (display,
                                                gtk_native_get_surface (GTK_NATIVE (staff_window)));

  for (guint i = 0; i < n && other == NULL; i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);

      if (monitor != staff)
        other = monitor;
    }

  if (other == NULL && n > 0)
    {
      g_autoptr(GdkMonitor) first = g_list_model_get_item (monitors, 0);

      other = first;
    }

  /* The display model keeps its monitors alive. */
  return other != NULL ? other : staff;
}

static void
draw_qr (TbCustomerDisplay *self,
         int                height)
{
  g_autoptr(GBytes) pixels = NULL;
  guint size = tb_qr_matrix_get_size (self->matrix);
  guint scale = MAX (MIN_SCALE, (guint) (height * QR_SHARE_PERCENT / 100) / MAX (size, 1));
  guint width = 0;

  /* Whole pixels per module keep every module edge sharp; the texture is never scaled. */
  scale = MIN (scale, 64);
  pixels = tb_qr_to_rgb (self->matrix, scale, &width);
  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new ((int) width, (int) width, GDK_MEMORY_R8G8B8,
                                          pixels, (gsize) width * 3);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->texture));
  gtk_widget_set_size_request (GTK_WIDGET (self->picture), (int) width, (int) width);
}

static void
tb_customer_display_dispose (GObject *object)
{
  TbCustomerDisplay *self = (TbCustomerDisplay *) object;

  g_clear_object (&self->texture);
  g_clear_pointer (&self->matrix, tb_qr_matrix_free);

  G_OBJECT_CLASS (tb_customer_display_parent_class)->dispose (object);
}

static void
tb_customer_display_class_init (TbCustomerDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_customer_display_dispose;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tb_customer_display_init (TbCustomerDisplay *self)
{
  gtk_window_set_decorated (GTK_WINDOW (self), FALSE);
  gtk_window_set_title (GTK_WINDOW (self), _("Pay by QPay"));
  gtk_widget_set_name (GTK_WIDGET (self), "customer-display");
  gtk_widget_add_css_class (GTK_WIDGET (self), "customer-display");
}

GtkWidget *
tb_customer_display_new (const TbQrMatrix *matrix,
                         const char       *amount,
                         const char       *business_name)
{
  TbCustomerDisplay *self;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *paid;

  g_return_val_if_fail (matrix != NULL, NULL);

  self = g_object_new (TB_TYPE_CUSTOMER_DISPLAY, NULL);
  self->matrix = tb_qr_matrix_copy (matrix);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  if (business_name != NULL && business_name[0] != '\0')
    {
      label = gtk_label_new (business_name);
      gtk_widget_set_name (label, "customer-business");
      gtk_widget_add_css_class (label, "title-1");
      gtk_box_append (GTK_BOX (box), label);
    }

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);

  self->picture = GTK_PICTURE (gtk_picture_new ());
  gtk_widget_set_name (GTK_WIDGET (self->picture), "customer-qr");
  gtk_picture_set_can_shrink (self->picture, FALSE);
  gtk_widget_set_halign (GTK_WIDGET (self->picture), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->picture), "qr-picture");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->picture), "qr");

  paid = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (paid), 256);
  gtk_widget_add_css_class (paid, "qr-paid-icon");
  gtk_stack_add_named (self->stack, paid, "paid");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  label = gtk_label_new (amount);
  gtk_widget_set_name (label, "customer-amount");
  gtk_widget_add_css_class (label, "customer-amount");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);

  self->status_label = GTK_LABEL (gtk_label_new (_("Scan the QR with your bank app")));
  gtk_widget_set_name (GTK_WIDGET (self->status_label), "customer-status");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "title-2");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));

  gtk_window_set_child (GTK_WINDOW (self), box);

  return GTK_WIDGET (self);
}

void
tb_customer_display_present_beside (TbCustomerDisplay *self,
                                    GtkWindow         *staff_window)
{
  GdkMonitor *monitor;
  GdkRectangle geometry = { 0, 0, 800, 600 };

  g_return_if_fail (TB_IS_CUSTOMER_DISPLAY (self));

  monitor = pick_monitor (staff_window);
  if (monitor != NULL)
    gdk_monitor_get_geometry (monitor, &geometry);

  draw_qr (self, geometry.height);
  /* The monitor's size even where nothing honours the full-screen request (no window
   * manager, a kiosk session): the customer sees this window and nothing else. */
  gtk_window_set_default_size (GTK_WINDOW (self), geometry.width, geometry.height);

  if (monitor != NULL)
    gtk_window_fullscreen_on_monitor (GTK_WINDOW (self), monitor);
  else
    gtk_window_fullscreen (GTK_WINDOW (self));

  gtk_window_present (GTK_WINDOW (self));
}

void
tb_customer_display_set_paid (TbCustomerDisplay *self)
{
  g_return_if_fail (TB_IS_CUSTOMER_DISPLAY (self));

  gtk_stack_set_visible_child_name (self->stack, "paid");
  gtk_label_set_label (self->status_label, _("Paid. Thank you!"));
}

GdkTexture *
tb_customer_display_get_texture (TbCustomerDisplay *self)
{
  g_return_val_if_fail (TB_IS_CUSTOMER_DISPLAY (self), NULL);
  return self->texture;
}
