/* tb-preferences-window.c: business details and defaults, kept in GSettings
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-rules.h"

#include "tb-preferences-window.h"
#include "tb-qpay-preferences-page.h"
#include "tb-receipt-preferences-page.h"
#include "tb-ui-util.h"

struct _TbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *business_group;
  AdwEntryRow          *name_row;
  AdwEntryRow          *tin_row;
  AdwEntryRow          *address_row;
  GtkLabel             *tin_message;
  AdwComboRow          *currency_row;

  GSettings            *settings;
  GPtrArray            *currencies;   /* codes, in the order of the combo row */
  guint                 store_tin_source;
};

G_DEFINE_FINAL_TYPE (TbPreferencesWindow, tb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Pages added by later features, in order after "General". */
static const TbPreferencesPageBuilder page_builders[] = {
  tb_receipt_preferences_page_new,   /* E-receipts (tb-receipt-view.c) */
};

/* Currencies tb_money_format() knows; the row offers those the schema allows. */
static const struct {
  const char *code;
  const char *label;
} all_currencies[] = {
  { "MNT", N_("Mongolian tögrög (₮)") },
  { "USD", N_("US dollar ($)") },
  { "KHR", N_("Cambodian riel (៛)") },
};

static void
store_tin (TbPreferencesWindow *self)
{
  g_autofree char *text = tb_ui_editable_dup_text (GTK_EDITABLE (self->tin_row));
  g_autofree char *tin = NULL;

  g_clear_handle_id (&self->store_tin_source, g_source_remove);

  /* Only a valid TIN is kept, as the rule normalises it: a typo must not end up on every
   * receipt. */
  if (tb_rules_tin (text, FALSE, &tin, NULL) &&
      tb_ui_settings_has_key (self->settings, "business-tin"))
    g_settings_set_string (self->settings, "business-tin", tin != NULL ? tin : "");
}

static gboolean
store_tin_cb (gpointer user_data)
{
  TbPreferencesWindow *self = user_data;

  self->store_tin_source = 0;
  store_tin (self);

  return G_SOURCE_REMOVE;
}

static void
tin_changed_cb (TbPreferencesWindow *self)
{
  g_autofree char *text = tb_ui_editable_dup_text (GTK_EDITABLE (self->tin_row));
  g_autofree char *tin = NULL;
  g_autoptr(GError) error = NULL;

  /* The merchant's TIN by the one rule of a taxpayer number (tb-rules.h). */
  tb_rules_tin (text, FALSE, &tin, &error);
  tb_ui_set_css_class (GTK_WIDGET (self->tin_row), "error", error != NULL);
  gtk_label_set_label (self->tin_message, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->tin_message), error != NULL);

  /* Replacing the text passes through an empty entry (delete, then insert): store from an
   * idle so only the text the user ends up with counts. */
  if (self->store_tin_source == 0)
    self->store_tin_source = g_idle_add (store_tin_cb, self);
}

static void
currency_selected_cb (TbPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->currency_row);

  if (selected < self->currencies->len && tb_ui_settings_has_key (self->settings, "currency"))
    g_settings_set_string (self->settings, "currency",
                           g_ptr_array_index (self->currencies, selected));
}

static gboolean
currency_allowed (TbPreferencesWindow *self,
                  const char          *code)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) value = NULL;

  if (!tb_ui_settings_has_key (self->settings, "currency"))
    return g_strcmp0 (code, "MNT") == 0;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, "currency");
  value = g_variant_ref_sink (g_variant_new_string (code));

  return g_settings_schema_key_range_check (key, value);
}

static void
fill_currencies (TbPreferencesWindow *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (all_currencies); i++)
    {
      if (!currency_allowed (self, all_currencies[i].code))
        continue;

      g_ptr_array_add (self->currencies, (gpointer) all_currencies[i].code);
      gtk_string_list_append (labels, _(all_currencies[i].label));
    }

  adw_combo_row_set_model (self->currency_row, G_LIST_MODEL (labels));
}

static void
bind_text (TbPreferencesWindow *self,
           const char          *key,
           AdwEntryRow         *row)
{
  if (tb_ui_settings_has_key (self->settings, key))
    g_settings_bind (self->settings, key, row, "text", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (GTK_WIDGET (row), FALSE);
}

static void
load_settings (TbPreferencesWindow *self,
               TbQpaySetup         *qpay)
{
  bind_text (self, "business-name", self->name_row);
  bind_text (self, "business-address", self->address_row);

  if (tb_ui_settings_has_key (self->settings, "business-tin"))
    {
      g_autofree char *tin = g_settings_get_string (self->settings, "business-tin");

      gtk_editable_set_text (GTK_EDITABLE (self->tin_row), tin);
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->tin_row), FALSE);
    }

  fill_currencies (self);
  if (tb_ui_settings_has_key (self->settings, "currency"))
    {
      g_autofree char *currency = g_settings_get_string (self->settings, "currency");

      for (guint i = 0; i < self->currencies->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->currencies, i), currency) == 0)
          adw_combo_row_set_selected (self->currency_row, i);
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), FALSE);
    }

  if (self->settings == NULL)
    adw_preferences_group_set_description (self->business_group,
                                           _("These settings cannot be kept: the settings schema is not installed."));

  g_signal_connect_object (self->tin_row, "changed", G_CALLBACK (tin_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->currency_row, "notify::selected",
                           G_CALLBACK (currency_selected_cb), self, G_CONNECT_SWAPPED);

  if (qpay != NULL)
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), tb_qpay_preferences_page_new (qpay));

  for (guint i = 0; i < G_N_ELEMENTS (page_builders); i++)
    if (page_builders[i] != NULL)
      adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page_builders[i] (self->settings));
}

static void
tb_preferences_window_dispose (GObject *object)
{
  TbPreferencesWindow *self = (TbPreferencesWindow *) object;

  if (self->store_tin_source != 0)
    store_tin (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->currencies, g_ptr_array_unref);

  G_OBJECT_CLASS (tb_preferences_window_parent_class)->dispose (object);
}

static void
tb_preferences_window_class_init (TbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TbPreferencesWindow, business_group);
  gtk_widget_class_bind_template_child (widget_class, TbPreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, TbPreferencesWindow, tin_row);
  gtk_widget_class_bind_template_child (widget_class, TbPreferencesWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, TbPreferencesWindow, tin_message);
  gtk_widget_class_bind_template_child (widget_class, TbPreferencesWindow, currency_row);
}

static void
tb_preferences_window_init (TbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->currencies = g_ptr_array_new ();
}

GtkWidget *
tb_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  return tb_preferences_window_new_full (parent, settings, NULL);
}

GtkWidget *
tb_preferences_window_new_full (GtkWindow   *parent,
                                GSettings   *settings,
                                TbQpaySetup *qpay)
{
  TbPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (qpay == NULL || TB_IS_QPAY_SETUP (qpay), NULL);

  self = g_object_new (TB_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  g_set_object (&self->settings, settings);
  load_settings (self, qpay);

  return GTK_WIDGET (self);
}
