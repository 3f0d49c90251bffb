/* tb-bill-row.c: how one bill looks in the bill list
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"

#include "tb-bill-row.h"
#include "tb-ui-util.h"

/* One widget that lays out and draws its own text, not a box of labels: GTK 4.8's list view
 * makes up to 200 rows before it knows their height, and with six widgets per row (a
 * templated grid of labels) that alone doubled the window's first frame. Colours come from
 * the theme's named colours at draw time, so dark mode just works. */

#define PAD_X      12
#define PAD_Y      8
#define LINE_GAP   2
#define PILL_PAD_X 8

struct _TbBillRow
{
  GtkWidget     parent_instance;

  PangoLayout  *number;
  PangoLayout  *total;
  PangoLayout  *customer;
  PangoLayout  *status;
  PangoLayout  *time;

  TbBillItem   *item;
  TbBillStatus  status_value;
  gboolean      overpaid;
  gboolean      empty;
  gboolean      text_ready;
};

G_DEFINE_FINAL_TYPE (TbBillRow, tb_bill_row, GTK_TYPE_WIDGET)

static void ensure_text (TbBillRow *self);

static const char * const status_colors[] = {
  "accent_color", "warning_color", "success_color", NULL,
};

static PangoLayout *
make_layout (TbBillRow *self,
             gboolean   bold,
             gboolean   small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoAttrList *attrs = pango_attr_list_new ();

  /* Tabular figures keep amounts and numbers aligned from row to row. */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  if (small)
    pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_single_paragraph_mode (layout, TRUE);

  return layout;
}

static int
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static int
layout_width (PangoLayout *layout)
{
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static GdkRGBA
theme_color (GtkWidget  *widget,
             const char *name,
             double      alpha)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA color;

  if (name == NULL || !gtk_style_context_lookup_color (context, name, &color))
    gtk_style_context_get_color (context, &color);
  color.alpha *= alpha;

  return color;
}

static void
draw_layout (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             int            x,
             int            y,
             const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* Every row has the same height, and the list view asks up to 200 of them at start: measure
 * the lines once per font instead of shaping five layouts per row. */
static PangoFontDescription *measured_font;
static int measured_height;

static int
row_height (TbBillRow *self)
{
  const PangoFontDescription *font =
    pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (self)));

  if (measured_font == NULL || !pango_font_description_equal (measured_font, font))
    {
      PangoLayout *bold = make_layout (self, TRUE, FALSE);
      PangoLayout *regular = make_layout (self, FALSE, FALSE);
      PangoLayout *small = make_layout (self, FALSE, TRUE);
      PangoLayout *small_bold = make_layout (self, TRUE, TRUE);

      /* Tall and deep glyphs in the scripts we show. */
      pango_layout_set_text (bold, "#0Ág", -1);
      pango_layout_set_text (regular, "ÁgЙу", -1);
      pango_layout_set_text (small, "0:Ág", -1);
      pango_layout_set_text (small_bold, "ÁgЙу", -1);

      measured_height = 2 * PAD_Y + 2 * LINE_GAP +
                        layout_height (bold) +
                        MAX (layout_height (regular), layout_height (small_bold)) +
                        layout_height (small);
      g_clear_pointer (&measured_font, pango_font_description_free);
      measured_font = pango_font_description_copy (font);

      g_object_unref (bold);
      g_object_unref (regular);
      g_object_unref (small);
      g_object_unref (small_bold);
    }

  return measured_height;
}

static void
tb_bill_row_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  TbBillRow *self = TB_BILL_ROW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 2 * PAD_X + 160;
      *natural = 2 * PAD_X + 280;
    }
  else
    {
      *minimum = *natural = row_height (self);
    }
}

static void
tb_bill_row_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  TbBillRow *self = TB_BILL_ROW (widget);
  int width = gtk_widget_get_width (widget);
  int right = width - PAD_X;
  int y = PAD_Y;
  int line2;
  int status_w;
  int status_h;
  GdkRGBA fg;
  GdkRGBA dim;

  if (self->empty)
    return;

  ensure_text (self);
  fg = theme_color (widget, NULL, 1.0);
  dim = theme_color (widget, NULL, 0.55);

  /* Line 1: number, and the total on the right. */
  draw_layout (snapshot, self->number, PAD_X, y, &fg);
  draw_layout (snapshot, self->total, right - layout_width (self->total), y, &fg);
  y += layout_height (self->number) + LINE_GAP;

  /* Line 2: customer, and the status as a pill on the right. */
  status_w = layout_width (self->status) + 2 * PILL_PAD_X;
  status_h = layout_height (self->status);
  line2 = MAX (layout_height (self->customer), status_h);
  {
    double alpha = self->status_value == TB_BILL_VOID ? 0.55 : 1.0;
    GdkRGBA color = theme_color (widget,
                                 self->overpaid ? "error_color" : status_colors[self->status_value],
                                 alpha);
    GdkRGBA background = color;
    GskRoundedRect pill;

    background.alpha *= 0.15;
    gsk_rounded_rect_init_from_rect (&pill,
                                     &GRAPHENE_RECT_INIT (right - status_w,
                                                          y + (line2 - status_h) / 2.0,
                                                          status_w, status_h),
                                     status_h / 2.0);
    gtk_snapshot_push_rounded_clip (snapshot, &pill);
    gtk_snapshot_append_color (snapshot, &background, &pill.bounds);
    gtk_snapshot_pop (snapshot);
    draw_layout (snapshot, self->status, right - status_w + PILL_PAD_X,
                 y + (line2 - status_h) / 2, &color);
  }
  pango_layout_set_width (self->customer, MAX (0, right - status_w - 8 - PAD_X) * PANGO_SCALE);
  draw_layout (snapshot, self->customer,
               PAD_X, y + (line2 - layout_height (self->customer)) / 2, &fg);
  y += line2 + LINE_GAP;

  /* Line 3: when it was opened. */
  draw_layout (snapshot, self->time, PAD_X, y, &dim);
}

static void
tb_bill_row_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  TbBillRow *self = TB_BILL_ROW (widget);

  GTK_WIDGET_CLASS (tb_bill_row_parent_class)->css_changed (widget, change);

  /* The font may have changed (text scaling): let the layouts pick it up. */
  pango_layout_context_changed (self->number);
  pango_layout_context_changed (self->total);
  pango_layout_context_changed (self->customer);
  pango_layout_context_changed (self->status);
  pango_layout_context_changed (self->time);
  gtk_widget_queue_resize (widget);
}

static void
tb_bill_row_finalize (GObject *object)
{
  TbBillRow *self = (TbBillRow *) object;

  g_clear_object (&self->item);
  g_clear_object (&self->number);
  g_clear_object (&self->total);
  g_clear_object (&self->customer);
  g_clear_object (&self->status);
  g_clear_object (&self->time);

  G_OBJECT_CLASS (tb_bill_row_parent_class)->finalize (object);
}

static void
tb_bill_row_class_init (TbBillRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tb_bill_row_finalize;

  widget_class->measure = tb_bill_row_measure;
  widget_class->snapshot = tb_bill_row_snapshot;
  widget_class->css_changed = tb_bill_row_css_changed;

  gtk_widget_class_set_css_name (widget_class, "tbbillrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
tb_bill_row_init (TbBillRow *self)
{
  self->number = make_layout (self, TRUE, FALSE);
  self->total = make_layout (self, FALSE, FALSE);
  self->customer = make_layout (self, FALSE, FALSE);
  self->status = make_layout (self, TRUE, TRUE);
  self->time = make_layout (self, FALSE, TRUE);
  pango_layout_set_ellipsize (self->customer, PANGO_ELLIPSIZE_END);
  self->empty = TRUE;
}

GtkWidget *
tb_bill_row_new (void)
{
  return g_object_new (TB_TYPE_BILL_ROW, NULL);
}

/* Formats the row's text. Done when the row is first drawn, not when it is bound: the list
 * view binds up to 200 rows at start and only about fifteen are ever on screen. */
static void
ensure_text (TbBillRow *self)
{
  TbBillItem *item = self->item;
  g_autofree char *number = NULL;
  g_autofree char *total = NULL;
  g_autofree char *time = NULL;
  g_autofree char *description = NULL;
  const char *customer;
  const char *status;

  if (self->text_ready || self->empty)
    return;
  self->text_ready = TRUE;

  /* TRANSLATORS: a bill number in the list, e.g. "#1042" */
  number = g_strdup_printf (_("#%s"), tb_bill_item_get_number (item));
  total = tb_money_format (tb_bill_item_get_total (item), tb_bill_item_get_currency (item));
  time = tb_ui_format_time (tb_bill_item_get_created (item));
  customer = tb_bill_item_get_customer_name (item);
  if (customer == NULL || customer[0] == '\0')
    customer = _("Walk-in customer");
  status = tb_bill_row_get_status_label (self);

  pango_layout_set_text (self->number, number, -1);
  pango_layout_set_text (self->total, total, -1);
  pango_layout_set_text (self->customer, customer, -1);
  pango_layout_set_text (self->status, status, -1);
  pango_layout_set_text (self->time, time, -1);

  /* Drawn text is invisible to screen readers: say it all in the accessible label. */
  description = g_strdup_printf ("%s, %s, %s, %s, %s", number, customer, total, status, time);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

void
tb_bill_row_set_item (TbBillRow  *self,
                      TbBillItem *item)
{
  g_return_if_fail (TB_IS_BILL_ROW (self));
  g_return_if_fail (item == NULL || TB_IS_BILL_ITEM (item));

  g_set_object (&self->item, item);
  self->empty = item == NULL || tb_bill_item_get_id (item) == 0;
  self->text_ready = FALSE;

  if (!self->empty)
    {
      self->status_value = tb_bill_item_get_status (item);
      self->overpaid = tb_bill_item_get_overpaid (item);
      if ((guint) self->status_value >= G_N_ELEMENTS (status_colors))
        self->status_value = TB_BILL_VOID;
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
tb_bill_row_get_status_label (TbBillRow *self)
{
  g_return_val_if_fail (TB_IS_BILL_ROW (self), NULL);

  if (self->empty)
    return NULL;

  return tb_ui_bill_status_label (self->status_value, self->overpaid);
}
