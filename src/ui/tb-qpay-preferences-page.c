/* tb-qpay-preferences-page.c: Preferences → QPay (account, environment, test connection)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-qpay-preferences-page.h"
#include "tb-ui-util.h"

struct _TbQpayPreferencesPage
{
  AdwPreferencesPage  parent_instance;

  /* Template widgets */
  AdwComboRow        *environment_row;
  AdwEntryRow        *client_id_row;
  AdwEntryRow        *secret_row;
  AdwEntryRow        *invoice_code_row;
  AdwEntryRow        *branch_code_row;
  AdwEntryRow        *callback_row;
  GtkLabel           *secret_label;
  GtkLabel           *callback_label;
  GtkLabel           *state_label;
  AdwPreferencesGroup *connection_group;
  GtkButton          *test_button;
  GtkLabel           *test_label;

  TbQpaySetup        *setup;
  GSettings          *settings;
  GCancellable       *cancellable;
  gboolean            loading;      /* filling the rows from the settings: nothing to store */
};

G_DEFINE_FINAL_TYPE (TbQpayPreferencesPage, tb_qpay_preferences_page, ADW_TYPE_PREFERENCES_PAGE)

typedef TbQpayPreferencesPage QpayPage;

static const TbQpayEnvironment page_environments[] = {
  TB_QPAY_ENV_SIMULATOR, TB_QPAY_ENV_SANDBOX, TB_QPAY_ENV_LIVE,
};

/* The environment chosen in the settings (the running stack may still use the old one). */
static TbQpayEnvironment
configured_environment (GSettings *settings)
{
  g_autofree char *text = NULL;
  TbQpayEnvironment env = TB_QPAY_ENV_SIMULATOR;

  if (!tb_ui_settings_has_key (settings, "qpay-environment"))
    return TB_QPAY_ENV_SIMULATOR;

  text = g_settings_get_string (settings, "qpay-environment");
  if (!tb_qpay_environment_from_string (text, &env))
    return TB_QPAY_ENV_SIMULATOR;

  return env;
}

static TbQpayEnvironment
page_environment (QpayPage *page)
{
  guint selected = adw_combo_row_get_selected (page->environment_row);

  return selected < G_N_ELEMENTS (page_environments) ? page_environments[selected]
                                                      : TB_QPAY_ENV_SIMULATOR;
}

static void
set_label (GtkLabel   *label,
           const char *text,
           const char *css_class)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && text[0] != '\0');
  tb_ui_set_css_class (GTK_WIDGET (label), "error", g_strcmp0 (css_class, "error") == 0);
  tb_ui_set_css_class (GTK_WIDGET (label), "success", g_strcmp0 (css_class, "success") == 0);
  tb_ui_set_css_class (GTK_WIDGET (label), "dim-label", css_class == NULL);
}

static void
update_page (QpayPage *page)
{
  gboolean simulator = page_environment (page) == TB_QPAY_ENV_SIMULATOR;
  const char *secret_text;

  /* The simulator has its own demo account: the account fields are for sandbox and live. */
  gtk_widget_set_sensitive (GTK_WIDGET (page->client_id_row), !simulator);
  gtk_widget_set_sensitive (GTK_WIDGET (page->secret_row), !simulator);
  gtk_widget_set_sensitive (GTK_WIDGET (page->invoice_code_row), !simulator);
  gtk_widget_set_sensitive (GTK_WIDGET (page->branch_code_row), !simulator);
  gtk_widget_set_sensitive (GTK_WIDGET (page->callback_row), !simulator);

  if (simulator)
    secret_text = NULL;
  else if (!tb_qpay_setup_get_keyring_available (page->setup))
    secret_text = tb_qpay_setup_has_secret (page->setup)
                    ? _("No keyring is available: the secret is kept only until Tulbur closes. Enter it again after a restart.")
                    : _("No keyring is available: a secret entered here is kept only until Tulbur closes.");
  else if (tb_qpay_setup_has_secret (page->setup))
    secret_text = _("A secret is stored in the keyring. Type a new one to replace it.");
  else
    secret_text = _("The secret is stored in the keyring, never in the settings or the ledger. Press Enter to store it.");
  set_label (page->secret_label, secret_text, NULL);

  if (tb_qpay_setup_get_problem (page->setup) != NULL)
    set_label (page->state_label, tb_qpay_setup_get_problem (page->setup), "error");
  else if (tb_qpay_setup_is_demo (page->setup))
    set_label (page->state_label, tb_qpay_setup_get_banner (page->setup), NULL);
  else
    set_label (page->state_label, _("QPay is set up: QR payments are real."), "success");
}

static void
setup_changed_cb (QpayPage    *page,
                  TbQpaySetup *setup)
{
  update_page (page);
}

static void
environment_selected_cb (QpayPage *page)
{
  TbQpayEnvironment env = page_environment (page);

  if (page->loading)
    return;

  if (tb_ui_settings_has_key (page->settings, "qpay-environment"))
    g_settings_set_string (page->settings, "qpay-environment", tb_qpay_environment_to_string (env));

  set_label (page->test_label, NULL, NULL);
  update_page (page);
}

static void
apply_key (QpayPage    *page,
           AdwEntryRow *row,
           const char  *key)
{
  g_autofree char *text = tb_ui_editable_dup_text (GTK_EDITABLE (row));

  if (tb_ui_settings_has_key (page->settings, key))
    g_settings_set_string (page->settings, key, text != NULL ? text : "");
  set_label (page->test_label, NULL, NULL);
  update_page (page);
}

static void
client_id_apply_cb (QpayPage    *page,
                    AdwEntryRow *row)
{
  apply_key (page, row, "qpay-client-id");
}

static void
invoice_code_apply_cb (QpayPage    *page,
                       AdwEntryRow *row)
{
  apply_key (page, row, "qpay-invoice-code");
}

static void
branch_code_apply_cb (QpayPage    *page,
                      AdwEntryRow *row)
{
  apply_key (page, row, "qpay-branch-code");
}

/* QPay calls the callback over the internet: it must be a valid https address. */
static const char *
check_callback_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;

  if (url == NULL)
    return NULL;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return _("Enter an address that starts with https://, or leave it empty.");

  return NULL;
}

static void
callback_changed_cb (QpayPage    *page,
                     AdwEntryRow *row)
{
  g_autofree char *text = tb_ui_editable_dup_text (GTK_EDITABLE (row));
  const char *message = check_callback_url (text);

  tb_ui_set_css_class (GTK_WIDGET (row), "error", message != NULL);
  set_label (page->callback_label, message, "error");
}

static void
callback_apply_cb (QpayPage    *page,
                   AdwEntryRow *row)
{
  g_autofree char *text = tb_ui_editable_dup_text (GTK_EDITABLE (row));

  /* A bad address is never stored. */
  if (check_callback_url (text) != NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (row));
      return;
    }

  apply_key (page, row, "qpay-callback-url");
}

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  QpayPage *page = user_data;
  g_autoptr(GError) error = NULL;
  gboolean in_keyring = FALSE;

  if (!tb_qpay_setup_store_secret_finish (TB_QPAY_SETUP (object), result, &in_keyring, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_label (page->secret_label, error->message, "error");
      return;
    }

  update_page (page);
}

static void
secret_apply_cb (QpayPage    *page,
                 AdwEntryRow *row)
{
  g_autofree char *secret = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));
  g_autofree char *client_id = tb_ui_editable_dup_text (GTK_EDITABLE (page->client_id_row));

  if (secret[0] == '\0')
    {
      gtk_widget_error_bell (GTK_WIDGET (row));
      return;
    }

  /* The client id the secret belongs to is stored with it. */
  if (tb_ui_settings_has_key (page->settings, "qpay-client-id"))
    g_settings_set_string (page->settings, "qpay-client-id", client_id != NULL ? client_id : "");

  tb_qpay_setup_store_secret_async (page->setup,
                                    tb_qpay_environment_to_string (page_environment (page)),
                                    client_id, secret, page->cancellable,
                                    secret_stored_cb, page);

  /* Never left on screen, even hidden. */
  memset (secret, 0, strlen (secret));
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  set_label (page->test_label, NULL, NULL);
}

static void
tested_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  QpayPage *page = user_data;
  g_autoptr(GError) error = NULL;

  if (!tb_qpay_setup_test_connection_finish (TB_QPAY_SETUP (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      gtk_widget_set_sensitive (GTK_WIDGET (page->test_button), TRUE);
      {
        g_autofree char *text = g_strdup_printf (_("The connection failed: %s"), error->message);

        set_label (page->test_label, text, "error");
      }
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (page->test_button), TRUE);
  set_label (page->test_label,
             page_environment (page) == TB_QPAY_ENV_SIMULATOR
               ? _("Connected to the built-in simulator.")
               : _("Connected: QPay accepted the client ID and secret."),
             "success");
}

static void
test_clicked_cb (QpayPage  *page,
                 GtkButton *button)
{
  g_autoptr(TbQpayConfig) config = tb_qpay_config_new ();
  const char *typed_secret = gtk_editable_get_text (GTK_EDITABLE (page->secret_row));

  /* What is on the page, saved or not: the point is to try before relying on it. */
  config->environment = page_environment (page);
  config->client_id = tb_ui_editable_dup_text (GTK_EDITABLE (page->client_id_row));
  config->client_secret = typed_secret[0] != '\0' ? g_strdup (typed_secret) : NULL;
  config->invoice_code = tb_ui_editable_dup_text (GTK_EDITABLE (page->invoice_code_row));

  gtk_widget_set_sensitive (GTK_WIDGET (page->test_button), FALSE);
  set_label (page->test_label, _("Connecting…"), NULL);
  tb_qpay_setup_test_connection_async (page->setup, config, page->cancellable, tested_cb, page);
}

static void
load_text (QpayPage    *page,
           AdwEntryRow *row,
           const char  *key)
{
  g_autofree char *value = NULL;

  if (!tb_ui_settings_has_key (page->settings, key))
    return;

  value = g_settings_get_string (page->settings, key);
  gtk_editable_set_text (GTK_EDITABLE (row), value);
}

static void
load_settings (QpayPage *page)
{
  TbQpayEnvironment env = configured_environment (page->settings);

  page->loading = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (page_environments); i++)
    if (page_environments[i] == env)
      adw_combo_row_set_selected (page->environment_row, i);
  load_text (page, page->client_id_row, "qpay-client-id");
  load_text (page, page->invoice_code_row, "qpay-invoice-code");
  load_text (page, page->branch_code_row, "qpay-branch-code");
  load_text (page, page->callback_row, "qpay-callback-url");
  page->loading = FALSE;

  if (page->settings == NULL)
    adw_preferences_group_set_description (page->connection_group,
                                           _("These settings cannot be kept: the settings schema is not installed."));
}

static void
tb_qpay_preferences_page_dispose (GObject *object)
{
  QpayPage *page = TB_QPAY_PREFERENCES_PAGE (object);

  g_cancellable_cancel (page->cancellable);
  g_clear_object (&page->cancellable);
  if (page->setup != NULL)
    g_signal_handlers_disconnect_by_data (page->setup, page);
  g_clear_object (&page->setup);
  g_clear_object (&page->settings);

  gtk_widget_dispose_template (GTK_WIDGET (page), TB_TYPE_QPAY_PREFERENCES_PAGE);

  G_OBJECT_CLASS (tb_qpay_preferences_page_parent_class)->dispose (object);
}

static void
tb_qpay_preferences_page_class_init (TbQpayPreferencesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_qpay_preferences_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tb-qpay-preferences-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QpayPage, environment_row);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, secret_row);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, invoice_code_row);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, branch_code_row);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, callback_row);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, secret_label);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, callback_label);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, connection_group);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, test_button);
  gtk_widget_class_bind_template_child (widget_class, QpayPage, test_label);
  gtk_widget_class_bind_template_callback (widget_class, environment_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, client_id_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, secret_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, invoice_code_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, branch_code_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, callback_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, callback_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
}

static void
tb_qpay_preferences_page_init (TbQpayPreferencesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The widget name (AdwPreferencesPage:name is the page's own name). */
  gtk_widget_set_name (GTK_WIDGET (self), "qpay");
  self->cancellable = g_cancellable_new ();
}

AdwPreferencesPage *
tb_qpay_preferences_page_new (TbQpaySetup *setup)
{
  QpayPage *page;

  g_return_val_if_fail (TB_IS_QPAY_SETUP (setup), NULL);

  page = g_object_new (TB_TYPE_QPAY_PREFERENCES_PAGE, NULL);
  page->setup = g_object_ref (setup);
  page->settings = tb_qpay_setup_get_settings (setup);
  if (page->settings != NULL)
    g_object_ref (page->settings);

  load_settings (page);
  g_signal_connect_object (setup, "changed", G_CALLBACK (setup_changed_cb), page,
                           G_CONNECT_SWAPPED);
  update_page (page);

  return ADW_PREFERENCES_PAGE (page);
}
