/* tb-application.c: the app: opens the ledger, holds settings, makes windows
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-application-private.h"
#include "tb-ui-util.h"
#include "tb-window.h"

struct _TbApplication
{
  AdwApplication  parent_instance;

  TbLedger       *ledger;
  GError         *ledger_error;
  GSettings      *settings;
  TbQpaySetup    *qpay;
  TbSimServer    *test_sim;
};

G_DEFINE_FINAL_TYPE (TbApplication, tb_application, ADW_TYPE_APPLICATION)

static void
open_settings (TbApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, TB_SETTINGS_SCHEMA_ID, TRUE);

  /* g_settings_new() aborts on a missing schema; an uninstalled build should still run. */
  if (schema == NULL)
    {
      g_message ("Settings schema %s is not installed: preferences will not be kept",
                 TB_SETTINGS_SCHEMA_ID);
      return;
    }

  self->settings = g_settings_new_full (schema, NULL, NULL);
}

static void
open_ledger (TbApplication *self)
{
  g_autofree char *path = tb_ledger_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  /* Opening is a bounded read (plus migrations on first start) before any window is shown;
   * everything after it goes through worker threads. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_message ("Could not create %s", dir);

  self->ledger = tb_ledger_open (path, &self->ledger_error);
}

static void
tb_application_startup (GApplication *application)
{
  TbApplication *self = TB_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.new-bill", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.record-payment", { "<Control>Return", "<Control>KP_Enter", NULL } },
    { "win.back", { "<Alt>Left", NULL } },
    { "win.show-help-overlay", { "<Control>question", "<Control>slash", NULL } },
  };

  G_APPLICATION_CLASS (tb_application_parent_class)->startup (application);

  /* Follow the system's light/dark preference. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_PREFER_LIGHT);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  _tb_application_add_actions (self);

  open_settings (self);
  open_ledger (self);

  /* Before the first window: the window reads QPay's state when it is built. The keyring
   * lookup and the simulator's start do not block (the lookup is asynchronous). */
  self->qpay = tb_qpay_setup_new (self->ledger, self->settings);
  if (self->test_sim != NULL)
    tb_qpay_setup_use_sim (self->qpay, self->test_sim);
  tb_qpay_setup_start (self->qpay);
}

static void
tb_application_activate (GApplication *application)
{
  TbApplication *self = TB_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (tb_window_new (GTK_APPLICATION (self), self->ledger, self->settings));
      if (self->ledger == NULL)
        {
          gtk_window_present (window);
          tb_window_show_ledger_error (TB_WINDOW (window), self->ledger_error);
          return;
        }
    }

  gtk_window_present (window);
}

static void
tb_application_shutdown (GApplication *application)
{
  TbApplication *self = TB_APPLICATION (application);

  G_APPLICATION_CLASS (tb_application_parent_class)->shutdown (application);

  /* Stops the timers and the simulator; a pending QR stays PENDING in the ledger and is
   * checked again at the next start. */
  if (self->qpay != NULL)
    tb_qpay_setup_stop (self->qpay);
  g_clear_object (&self->qpay);
  g_clear_object (&self->ledger);
  g_clear_object (&self->settings);
}

static void
tb_application_finalize (GObject *object)
{
  TbApplication *self = (TbApplication *) object;

  g_clear_object (&self->qpay);
  g_clear_object (&self->test_sim);
  g_clear_object (&self->ledger);
  g_clear_object (&self->settings);
  g_clear_error (&self->ledger_error);

  G_OBJECT_CLASS (tb_application_parent_class)->finalize (object);
}

/* --version: print it and exit 0 before anything registers on the bus or opens a window. */
static int
tb_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tulbur %s\n", PACKAGE_VERSION);
      return 0;
    }
  return G_APPLICATION_CLASS (tb_application_parent_class)->handle_local_options (application,
                                                                                 options);
}

static void
tb_application_class_init (TbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tb_application_finalize;

  app_class->startup = tb_application_startup;
  app_class->activate = tb_application_activate;
  app_class->shutdown = tb_application_shutdown;
  app_class->handle_local_options = tb_application_handle_local_options;
}

static void
tb_application_init (TbApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Print the version and exit"), NULL);
}

TbApplication *
tb_application_new (void)
{
  /* The Devel app id would derive a different base path: pin it so help-overlay.ui and
   * style.css are found in both flavours. */
  return g_object_new (TB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

TbLedger *
tb_application_get_ledger (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), NULL);
  return self->ledger;
}

const GError *
tb_application_get_ledger_error (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), NULL);
  return self->ledger_error;
}

GSettings *
tb_application_get_settings (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), NULL);
  return self->settings;
}

TbQpaySetup *
tb_application_get_qpay_setup (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), NULL);
  return self->qpay;
}

TbPaymentService *
tb_application_get_payment_service (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), NULL);
  return self->qpay != NULL ? tb_qpay_setup_get_payment_service (self->qpay) : NULL;
}

TbReceiptQueue *
tb_application_get_receipt_queue (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), NULL);
  return self->qpay != NULL ? tb_qpay_setup_get_receipt_queue (self->qpay) : NULL;
}

gboolean
tb_application_is_demo (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), FALSE);
  return self->qpay != NULL && tb_qpay_setup_is_demo (self->qpay);
}

TbSimServer *
tb_application_get_sim (TbApplication *self)
{
  g_return_val_if_fail (TB_IS_APPLICATION (self), NULL);
  return self->qpay != NULL ? tb_qpay_setup_get_sim (self->qpay) : NULL;
}

void
tb_application_use_sim (TbApplication *self,
                        TbSimServer   *sim)
{
  g_return_if_fail (TB_IS_APPLICATION (self));
  g_return_if_fail (sim == NULL || TB_IS_SIM_SERVER (sim));

  g_set_object (&self->test_sim, sim);
  if (self->qpay != NULL)
    tb_qpay_setup_use_sim (self->qpay, sim);
}
