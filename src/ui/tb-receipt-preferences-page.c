/* tb-receipt-preferences-page.c: the Preferences page "E-receipts"
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-rules.h"

#include "tb-ui-util.h"
#include "tb-receipt-ui-private.h"
#include "tb-receipt-preferences-page.h"

struct _TbReceiptPreferencesPage
{
  AdwPreferencesPage  parent_instance;

  /* Template widgets */
  AdwActionRow       *enabled_row;
  GtkSwitch          *enabled_switch;
  AdwComboRow        *receiver_row;
  AdwEntryRow        *district_row;
  AdwEntryRow        *classification_row;
  GtkLabel           *message_label;
  AdwComboRow        *paper_row;

  GSettings          *settings;
  gboolean            loading;   /* filling the rows from the settings: nothing to store */
};

G_DEFINE_FINAL_TYPE (TbReceiptPreferencesPage, tb_receipt_preferences_page, ADW_TYPE_PREFERENCES_PAGE)

/* The values the combo rows stand for, in the order of their items in the .ui. */
static const char *const receiver_values[] = { "CITIZEN", "COMPANY" };
static const char *const paper_values[] = { "58", "80", "a4" };

static void
code_changed_cb (TbReceiptPreferencesPage *self,
                 GtkEditable              *editable)
{
  const char *district_text = gtk_editable_get_text (GTK_EDITABLE (self->district_row));
  const char *classification_text = gtk_editable_get_text (GTK_EDITABLE (self->classification_row));
  g_autofree char *district = NULL;
  g_autofree char *classification = NULL;
  g_autoptr(GError) district_error = NULL;
  g_autoptr(GError) classification_error = NULL;
  const GError *error;

  /* The one rule of each code (tb-rules.h); blank means "none". */
  tb_rules_district_code (district_text, FALSE, &district, &district_error);
  tb_rules_classification_code (classification_text, FALSE, &classification, &classification_error);
  error = district_error != NULL ? district_error : classification_error;

  tb_ui_set_css_class (GTK_WIDGET (self->district_row), "error", district_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (self->classification_row), "error", classification_error != NULL);
  gtk_label_set_text (self->message_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), error != NULL);

  if (self->loading)
    return;

  /* Only a valid code is kept: a typo must not go out with every receipt. While the field is
   * invalid the last valid code stays in force. */
  if (editable == GTK_EDITABLE (self->district_row) && district_error == NULL &&
      tb_ui_settings_has_key (self->settings, "ebarimt-district-code"))
    g_settings_set_string (self->settings, "ebarimt-district-code", district != NULL ? district : "");
  if (editable == GTK_EDITABLE (self->classification_row) && classification_error == NULL &&
      tb_ui_settings_has_key (self->settings, "ebarimt-classification-code"))
    g_settings_set_string (self->settings, "ebarimt-classification-code",
                           classification != NULL ? classification : "");
}

static void
combo_row_info (TbReceiptPreferencesPage  *self,
                AdwComboRow               *row,
                const char               **out_key,
                const char *const        **out_values,
                guint                     *out_n_values)
{
  if (row == self->receiver_row)
    {
      *out_key = "ebarimt-receiver-type";
      *out_values = receiver_values;
      *out_n_values = G_N_ELEMENTS (receiver_values);
    }
  else
    {
      *out_key = "receipt-paper";
      *out_values = paper_values;
      *out_n_values = G_N_ELEMENTS (paper_values);
    }
}

static void
combo_selected_cb (TbReceiptPreferencesPage *self,
                   GParamSpec               *pspec,
                   AdwComboRow              *row)
{
  const char *key;
  const char *const *values;
  guint n_values;
  guint selected = adw_combo_row_get_selected (row);

  if (self->loading)
    return;

  combo_row_info (self, row, &key, &values, &n_values);
  if (selected < n_values && tb_ui_settings_has_key (self->settings, key))
    g_settings_set_string (self->settings, key, values[selected]);
}

static void
load_code (TbReceiptPreferencesPage *self,
           AdwEntryRow              *row,
           const char               *key)
{
  g_autofree char *value = tb_receipt_ui_dup_setting (self->settings, key);

  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  gtk_widget_set_sensitive (GTK_WIDGET (row), tb_ui_settings_has_key (self->settings, key));
}

static void
load_combo (TbReceiptPreferencesPage *self,
            AdwComboRow              *row)
{
  const char *key;
  const char *const *values;
  guint n_values;
  g_autofree char *value = NULL;

  combo_row_info (self, row, &key, &values, &n_values);
  value = tb_receipt_ui_dup_setting (self->settings, key);
  for (guint i = 0; i < n_values; i++)
    if (g_strcmp0 (value, values[i]) == 0)
      adw_combo_row_set_selected (row, i);
  gtk_widget_set_sensitive (GTK_WIDGET (row), tb_ui_settings_has_key (self->settings, key));
}

static void
load_settings (TbReceiptPreferencesPage *self)
{
  self->loading = TRUE;

  if (tb_ui_settings_has_key (self->settings, "ebarimt-enabled"))
    g_settings_bind (self->settings, "ebarimt-enabled", self->enabled_switch, "active",
                     G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->enabled_row), FALSE);

  load_combo (self, self->receiver_row);
  load_code (self, self->district_row, "ebarimt-district-code");
  load_code (self, self->classification_row, "ebarimt-classification-code");
  load_combo (self, self->paper_row);

  self->loading = FALSE;
}

static void
tb_receipt_preferences_page_dispose (GObject *object)
{
  TbReceiptPreferencesPage *self = TB_RECEIPT_PREFERENCES_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_RECEIPT_PREFERENCES_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tb_receipt_preferences_page_parent_class)->dispose (object);
}

static void
tb_receipt_preferences_page_class_init (TbReceiptPreferencesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_receipt_preferences_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tb-receipt-preferences-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TbReceiptPreferencesPage, enabled_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptPreferencesPage, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptPreferencesPage, receiver_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptPreferencesPage, district_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptPreferencesPage, classification_row);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptPreferencesPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, TbReceiptPreferencesPage, paper_row);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, combo_selected_cb);
}

static void
tb_receipt_preferences_page_init (TbReceiptPreferencesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The widget name (AdwPreferencesPage:name is the page's own name). */
  gtk_widget_set_name (GTK_WIDGET (self), "ebarimt");
}

AdwPreferencesPage *
tb_receipt_preferences_page_new (GSettings *settings)
{
  TbReceiptPreferencesPage *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (TB_TYPE_RECEIPT_PREFERENCES_PAGE, NULL);
  g_set_object (&self->settings, settings);
  load_settings (self);

  return ADW_PREFERENCES_PAGE (self);
}
