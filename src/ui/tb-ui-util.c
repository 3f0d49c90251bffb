/* tb-ui-util.c: small helpers shared by the windows, pages and dialogs
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "core/tb-rules.h"
#include "services/tb-error-advice.h"

#include "tb-ui-util.h"

static AdwToastOverlay *
find_overlay_below (GtkWidget *widget)
{
  GtkWidget *child;

  if (ADW_IS_TOAST_OVERLAY (widget))
    return ADW_TOAST_OVERLAY (widget);

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwToastOverlay *overlay = find_overlay_below (child);

      if (overlay != NULL)
        return overlay;
    }

  return NULL;
}

void
tb_ui_toast (GtkWidget  *widget,
             const char *text)
{
  GtkWidget *overlay;
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  /* From a dialog: toast in the main window the dialog belongs to. */
  if (overlay == NULL && (root = gtk_widget_get_root (widget)) != NULL && GTK_IS_WINDOW (root))
    {
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (root));

      if (parent != NULL)
        overlay = (GtkWidget *) find_overlay_below (GTK_WIDGET (parent));
    }

  if (overlay != NULL)
    {
      AdwToast *toast = adw_toast_new (text);

      adw_toast_set_timeout (toast, 4);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
}

const char *
tb_ui_error_advice (const GError *error)
{
  /* A rule's message already says what to fix: nothing to add. */
  if (error != NULL && error->domain == TB_RULES_ERROR)
    return NULL;

  return tb_error_advice (error);
}

GtkWidget *
tb_ui_show_error (GtkWidget    *widget,
                  const char   *heading,
                  const GError *error)
{
  GtkRoot *root = NULL;
  GtkWidget *dialog;
  const char *advice;

  g_return_val_if_fail (heading != NULL, NULL);

  if (widget != NULL)
    root = gtk_widget_get_root (widget);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, NULL);
  advice = tb_ui_error_advice (error);
  if (advice == NULL)
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), error->message);
  else
    adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s",
                                    error != NULL ? error->message : "", advice);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_widget_set_name (dialog, "error-dialog");
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

char *
tb_ui_format_time (gint64 utc_us)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;

  utc = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (utc);
  now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

gboolean
tb_ui_settings_has_key (GSettings  *settings,
                        const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return FALSE;

  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

void
tb_ui_set_css_class (GtkWidget  *widget,
                     const char *css_class,
                     gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

char *
tb_ui_editable_dup_text (GtkEditable *editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  if (text[0] == '\0')
    return NULL;

  return g_steal_pointer (&text);
}

const char *
tb_ui_bill_status_label (TbBillStatus status,
                         gboolean     overpaid)
{
  if (overpaid)
    return C_("bill status", "Overpaid");

  return tb_bill_status_to_label (status);
}

const char *
tb_ui_bill_status_class (TbBillStatus status,
                         gboolean     overpaid)
{
  static const char * const classes[] = {
    "status-open", "status-partial", "status-paid", "status-void",
  };

  if (overpaid)
    return "status-overpaid";
  if ((guint) status >= G_N_ELEMENTS (classes))
    return "status-void";

  return classes[status];
}

gboolean
tb_ui_bill_is_overpaid (const TbBill *bill)
{
  return bill != NULL && (bill->overpaid || bill->paid > bill->total);
}
