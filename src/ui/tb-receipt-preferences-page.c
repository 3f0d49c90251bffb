/* tb-receipt-preferences-page.c: the Preferences page "E-receipts"
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-money.h"
#include "core/tb-seal.h"
#include "core/tb-tax.h"
#include "receipt/tb-receipt-layout.h"

#include "tb-receipt-print.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"
#include "tb-receipt-ui-private.h"
#include "tb-receipt-preferences-page.h"

/* ======================================================================================
 * The Preferences page "E-receipts"
 * ====================================================================================== */

typedef struct
{
  GSettings   *settings;
  AdwEntryRow *district_row;
  AdwEntryRow *classification_row;
  GtkLabel    *message_label;
} PrefsPage;

static void
prefs_page_free (PrefsPage *prefs)
{
  g_clear_object (&prefs->settings);
  g_free (prefs);
}

static void
prefs_code_changed_cb (GtkEditable *editable,
                       PrefsPage   *prefs)
{
  g_autofree char *district = tb_ui_editable_dup_text (GTK_EDITABLE (prefs->district_row));
  g_autofree char *classification = tb_ui_editable_dup_text (GTK_EDITABLE (prefs->classification_row));
  const char *district_error = tb_receipt_ui_check_district (district);
  const char *classification_error = tb_receipt_ui_check_classification (classification);
  const char *message = district_error != NULL ? district_error : classification_error;

  tb_ui_set_css_class (GTK_WIDGET (prefs->district_row), "error", district_error != NULL);
  tb_ui_set_css_class (GTK_WIDGET (prefs->classification_row), "error", classification_error != NULL);
  gtk_label_set_text (prefs->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (prefs->message_label), message != NULL);

  /* Only a valid code is kept: a typo must not go out with every receipt. While the field is
   * invalid the last valid code stays in force. */
  if (editable == GTK_EDITABLE (prefs->district_row) && district_error == NULL &&
      tb_ui_settings_has_key (prefs->settings, "ebarimt-district-code"))
    g_settings_set_string (prefs->settings, "ebarimt-district-code", district != NULL ? district : "");
  if (editable == GTK_EDITABLE (prefs->classification_row) && classification_error == NULL &&
      tb_ui_settings_has_key (prefs->settings, "ebarimt-classification-code"))
    g_settings_set_string (prefs->settings, "ebarimt-classification-code",
                           classification != NULL ? classification : "");
}

static GtkWidget *
prefs_entry_row (PrefsPage  *prefs,
                 const char *key,
                 const char *name,
                 const char *title)
{
  GtkWidget *row = adw_entry_row_new ();
  g_autofree char *value = tb_receipt_ui_dup_setting (prefs->settings, key);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_DIGITS);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  gtk_widget_set_sensitive (row, tb_ui_settings_has_key (prefs->settings, key));

  return row;
}

static const char *const receiver_values[] = { "CITIZEN", "COMPANY" };
static const char *const paper_values[] = { "58", "80", "a4" };

static void
prefs_combo_selected_cb (AdwComboRow *row,
                         GParamSpec  *pspec,
                         GSettings   *settings)
{
  const char *key = g_object_get_data (G_OBJECT (row), "tb-settings-key");
  const char *const *values = g_object_get_data (G_OBJECT (row), "tb-settings-values");
  guint n_values = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "tb-settings-n-values"));
  guint selected = adw_combo_row_get_selected (row);

  if (selected < n_values && tb_ui_settings_has_key (settings, key))
    g_settings_set_string (settings, key, values[selected]);
}

static GtkWidget *
prefs_combo_row (GSettings         *settings,
                 const char        *key,
                 const char        *name,
                 const char        *title,
                 const char *const *values,
                 const char *const *labels,
                 guint              n_values)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *value = tb_receipt_ui_dup_setting (settings, key);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  for (guint i = 0; i < n_values; i++)
    gtk_string_list_append (model, labels[i]);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  for (guint i = 0; i < n_values; i++)
    if (g_strcmp0 (value, values[i]) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);

  if (!tb_ui_settings_has_key (settings, key))
    {
      gtk_widget_set_sensitive (row, FALSE);
      return row;
    }

  g_object_set_data (G_OBJECT (row), "tb-settings-key", (gpointer) key);
  g_object_set_data (G_OBJECT (row), "tb-settings-values", (gpointer) values);
  g_object_set_data (G_OBJECT (row), "tb-settings-n-values", GUINT_TO_POINTER (n_values));
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (prefs_combo_selected_cb),
                           settings, 0);

  return row;
}

AdwPreferencesPage *
tb_receipt_preferences_page_new (GSettings *settings)
{
  AdwPreferencesPage *page;
  GtkWidget *group;
  GtkWidget *row;
  GtkWidget *toggle;
  GtkWidget *message;
  PrefsPage *prefs;
  const char *receiver_labels[] = { tb_receipt_ui_receiver_type_label ("CITIZEN"), tb_receipt_ui_receiver_type_label ("COMPANY") };
  const char *paper_labels[] = { _("58 mm roll"), _("80 mm roll"), _("A4") };

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_name (GTK_WIDGET (page), "ebarimt");
  adw_preferences_page_set_name (page, "ebarimt");
  adw_preferences_page_set_title (page, _("E-receipts"));
  adw_preferences_page_set_icon_name (page, "x-office-document-symbolic");

  prefs = g_new0 (PrefsPage, 1);
  g_set_object (&prefs->settings, settings);
  g_object_set_data_full (G_OBJECT (page), "tb-receipt-prefs", prefs, (GDestroyNotify) prefs_page_free);

  /* Ebarimt */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Sending to the tax office"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("After each QPay payment the e-receipt is registered with the tax office through QPay. A bill can override these defaults in its receipt options."));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  row = adw_action_row_new ();
  gtk_widget_set_name (row, "pref-ebarimt-enabled");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Issue e-receipts"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("For payments made with QPay"));
  toggle = gtk_switch_new ();
  gtk_widget_set_name (toggle, "pref-ebarimt-switch");
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  if (tb_ui_settings_has_key (settings, "ebarimt-enabled"))
    g_settings_bind (settings, "ebarimt-enabled", toggle, "active", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (row, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             prefs_combo_row (settings, "ebarimt-receiver-type", "pref-ebarimt-receiver",
                                              _("Default receipt for"), receiver_values,
                                              receiver_labels, G_N_ELEMENTS (receiver_values)));

  row = prefs_entry_row (prefs, "ebarimt-district-code", "pref-ebarimt-district", _("District code"));
  prefs->district_row = ADW_ENTRY_ROW (row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = prefs_entry_row (prefs, "ebarimt-classification-code", "pref-ebarimt-classification",
                         _("Classification code"));
  prefs->classification_row = ADW_ENTRY_ROW (row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  message = gtk_label_new (NULL);
  gtk_widget_set_name (message, "pref-ebarimt-message");
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_widget_set_margin_top (message, 6);
  gtk_widget_add_css_class (message, "error");
  gtk_widget_add_css_class (message, "caption");
  gtk_widget_set_visible (message, FALSE);
  prefs->message_label = GTK_LABEL (message);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), message);

  g_signal_connect (prefs->district_row, "changed", G_CALLBACK (prefs_code_changed_cb), prefs);
  g_signal_connect (prefs->classification_row, "changed", G_CALLBACK (prefs_code_changed_cb), prefs);

  /* Printing */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Printing"));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  row = prefs_combo_row (settings, "receipt-paper", "pref-receipt-paper", _("Receipt paper"),
                         paper_values, paper_labels, G_N_ELEMENTS (paper_values));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("58 mm rolls print 32 characters a line, 80 mm rolls and A4 print 48"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  return page;
}

