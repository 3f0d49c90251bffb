/* tb-application-actions.c: app.quit, app.about, app.preferences, app.setup-qpay
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-application-private.h"
#include "tb-preferences-window.h"

static void
quit_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (application));

  /* Close windows the normal way so they save their size; writes still in flight hold the
   * application until they finish (tb-ledger-task.c). */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
about_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Tulbur authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (application),
                         "application-name", _("Tulbur"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Tulbur authors"),
                         "developers", developers,
                         "comments", _("Bills and payments at the front desk: cash, card and QPay, with Ebarimt receipts."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* TRANSLATORS: your name and e-mail, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TbApplication *self = TB_APPLICATION (user_data);
  GtkWidget *window;

  window = tb_preferences_window_new_full (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                           tb_application_get_settings (self),
                                           tb_application_get_qpay_setup (self));
  gtk_window_present (GTK_WINDOW (window));
}

/* The demo strip's button: Preferences, opened on the QPay page. */
static void
setup_qpay_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TbApplication *self = TB_APPLICATION (user_data);
  GtkWidget *window;

  window = tb_preferences_window_new_full (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                           tb_application_get_settings (self),
                                           tb_application_get_qpay_setup (self));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "qpay");
  gtk_window_present (GTK_WINDOW (window));
}

void
_tb_application_add_actions (TbApplication *self)
{
  static const GActionEntry actions[] = {
    { .name = "quit", .activate = quit_cb },
    { .name = "about", .activate = about_cb },
    { .name = "preferences", .activate = preferences_cb },
    { .name = "setup-qpay", .activate = setup_qpay_cb },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
}
