/* tb-application-actions.c: app.quit, app.about, app.preferences, app.setup-qpay,
 * app.export-payments
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"

#include "tb-application-private.h"
#include "tb-preferences-window.h"
#include "tb-ui-util.h"

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

/* ---- app.export-payments: every payment as a spreadsheet CSV ---- */

typedef struct
{
  char      *path;
  GtkWindow *window;   /* weak: where to report the outcome */
} ExportOp;

static void
export_op_free (gpointer data)
{
  ExportOp *op = data;

  g_free (op->path);
  g_clear_weak_pointer (&op->window);
  g_free (op);
}

/* Worker thread: the ledger read and the file write, off the main loop. */
static gboolean
export_op_run (TbLedger  *ledger,
               gpointer   data,
               GError   **error)
{
  ExportOp *op = data;

  return tb_ledger_export_payments_file (ledger, 0, 0, TB_CSV_SPREADSHEET, op->path, error);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportOp *op = tb_ledger_task_get_op (result);
  g_autoptr(GError) error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tb_ui_show_error (op->window != NULL ? GTK_WIDGET (op->window) : NULL,
                          _("Could Not Export Payments"), error);
      return;
    }
  if (op->window != NULL)
    tb_ui_toast (GTK_WIDGET (op->window), _("Payments exported"));
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  TbApplication *self = TB_APPLICATION (user_data);
  g_autoptr(GFile) file = NULL;
  TbLedger *ledger = tb_application_get_ledger (self);
  ExportOp *op;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && g_file_peek_path (file) != NULL && ledger != NULL)
    {
      op = g_new0 (ExportOp, 1);
      op->path = g_file_get_path (file);
      g_set_weak_pointer (&op->window, gtk_native_dialog_get_transient_for (chooser));
      tb_ledger_task_run (ledger, NULL, export_op_run, op, export_op_free, NULL,
                          export_done_cb, NULL);
    }
  g_object_unref (chooser);
  g_application_release (G_APPLICATION (self));
}

static void
export_payments_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TbApplication *self = TB_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  /* TRANSLATORS: the suggested file name; %s is today's date (2026-03-01) */
  g_autofree char *name = g_strdup_printf (_("payments-%s.csv"), day);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (tb_application_get_ledger (self) == NULL)
    {
      tb_ui_show_error (parent != NULL ? GTK_WIDGET (parent) : NULL,
                        _("Could Not Export Payments"), tb_application_get_ledger_error (self));
      return;
    }

  /* GTK 4.8 has no GtkFileDialog; the native chooser uses the portal inside a sandbox. */
  chooser = gtk_file_chooser_native_new (_("Export Payments"), parent,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_filter_set_name (filter, _("CSV for spreadsheets"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  g_application_hold (G_APPLICATION (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_tb_application_add_actions (TbApplication *self)
{
  static const GActionEntry actions[] = {
    { .name = "quit", .activate = quit_cb },
    { .name = "about", .activate = about_cb },
    { .name = "preferences", .activate = preferences_cb },
    { .name = "setup-qpay", .activate = setup_qpay_cb },
    { .name = "export-payments", .activate = export_payments_cb },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
}
