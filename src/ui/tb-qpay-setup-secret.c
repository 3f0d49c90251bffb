/* tb-qpay-setup-secret.c: TbQpaySetup's client secret: kept for the session, looked up in and
 * stored into the keyring (libsecret)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-qpay-setup-private.h"

/* ---- the secret in memory ---- */

void
_tb_qpay_setup_wipe_free (char *text)
{
  if (text != NULL)
    {
      memset (text, 0, strlen (text));
      g_free (text);
    }
}

const char *
_tb_qpay_setup_memory_secret_for (TbQpaySetup *self,
                                  const char  *environment,
                                  const char  *client_id)
{
  if (self->secret != NULL &&
      g_strcmp0 (self->secret_environment, environment) == 0 &&
      g_strcmp0 (self->secret_client_id, client_id) == 0)
    return self->secret;

  return NULL;
}

void
_tb_qpay_setup_remember_secret (TbQpaySetup *self,
                                const char  *environment,
                                const char  *client_id,
                                const char  *secret)
{
  g_clear_pointer (&self->secret, _tb_qpay_setup_wipe_free);
  g_clear_pointer (&self->secret_environment, g_free);
  g_clear_pointer (&self->secret_client_id, g_free);

  if (secret == NULL)
    return;

  self->secret = g_strdup (secret);
  self->secret_environment = g_strdup (environment);
  self->secret_client_id = g_strdup (client_id);
}

#if HAVE_LIBSECRET
const SecretSchema *
_tb_qpay_setup_secret_schema (void)
{
  static const SecretSchema schema = {
    TB_QPAY_SECRET_SCHEMA, SECRET_SCHEMA_NONE,
    {
      { "environment", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* ---- looking it up ---- */

typedef struct
{
  TbQpaySetup *self;
  guint        generation;
} Lookup;

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(TbQpaySetup) self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      /* No keyring (no Secret Service on the session bus): secrets typed in Preferences are
       * kept for the session. The message comes from D-Bus and carries no secret. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("The keyring is not available: %s", error->message);
          self->keyring_available = FALSE;
        }
    }

  /* A newer configuration replaced the one this lookup was for. */
  if (lookup->generation != self->generation)
    {
      if (secret != NULL)
        secret_password_free (secret);
      g_free (lookup);
      return;
    }
  g_free (lookup);

  if (secret != NULL)
    {
      g_autofree char *env_text = _tb_qpay_setup_dup_setting (self, "qpay-environment");
      g_autofree char *client_id = _tb_qpay_setup_dup_setting (self, "qpay-client-id");

      _tb_qpay_setup_remember_secret (self, env_text, client_id, secret);
      secret_password_free (secret);
      _tb_qpay_setup_build_real (self, _tb_qpay_setup_configured_environment (self),
                                 self->secret);
    }
  else
    {
      _tb_qpay_setup_build_demo (self, _tb_qpay_setup_not_set_up_banner ());
    }
}
#endif

gboolean
_tb_qpay_setup_lookup_secret (TbQpaySetup *self,
                              const char  *environment,
                              const char  *client_id)
{
#if HAVE_LIBSECRET
  if (self->keyring_available)
    {
      Lookup *lookup = g_new0 (Lookup, 1);

      lookup->self = g_object_ref (self);
      lookup->generation = self->generation;
      _tb_qpay_setup_teardown_services (self);
      _tb_qpay_setup_set_state (self, TB_QPAY_SETUP_STARTING,
                                _("QPay is starting. Try again in a moment."), NULL);
      secret_password_lookup (_tb_qpay_setup_secret_schema (), self->cancellable, lookup_done_cb,
                              lookup,
                              "environment", environment,
                              "client-id", client_id,
                              NULL);
      return TRUE;
    }
#endif

  return FALSE;
}

gboolean
tb_qpay_setup_has_secret (TbQpaySetup *self)
{
  g_autofree char *env_text = NULL;
  g_autofree char *client_id = NULL;
  TbQpayEnvironment env;

  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), FALSE);

  env = _tb_qpay_setup_configured_environment (self);
  env_text = g_strdup (tb_qpay_environment_to_string (env));
  client_id = _tb_qpay_setup_dup_setting (self, "qpay-client-id");

  return _tb_qpay_setup_memory_secret_for (self, env_text, client_id) != NULL;
}

gboolean
tb_qpay_setup_get_keyring_available (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), FALSE);
  return self->keyring_available;
}

/* ---- storing the secret ---- */

typedef struct
{
  char *environment;
  char *client_id;
  char *secret;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->environment);
  g_free (data->client_id);
  _tb_qpay_setup_wipe_free (data->secret);
  g_free (data);
}

/* Both outcomes keep the secret for the session and rebuild: without a keyring the app still
 * works until it is closed. */
static void
store_complete (GTask    *task,
                gboolean  in_keyring)
{
  TbQpaySetup *self = g_task_get_source_object (task);
  StoreData *data = g_task_get_task_data (task);

  _tb_qpay_setup_remember_secret (self, data->environment, data->client_id, data->secret);
  if (self->started)
    _tb_qpay_setup_reconfigure (self);

  g_task_return_int (task, in_keyring);
}

#if HAVE_LIBSECRET
static void
store_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TbQpaySetup *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_message ("The keyring did not store the QPay secret: %s", error->message);
      self->keyring_available = FALSE;
      store_complete (task, FALSE);
      return;
    }

  store_complete (task, TRUE);
}
#endif

void
tb_qpay_setup_store_secret_async (TbQpaySetup         *self,
                                  const char          *environment,
                                  const char          *client_id,
                                  const char          *secret,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreData *data;

  g_return_if_fail (TB_IS_QPAY_SETUP (self));
  g_return_if_fail (environment != NULL);
  g_return_if_fail (secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_qpay_setup_store_secret_async);

  data = g_new0 (StoreData, 1);
  data->environment = g_strdup (environment);
  data->client_id = g_strdup (client_id != NULL ? client_id : "");
  data->secret = g_strdup (secret);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

#if HAVE_LIBSECRET
  if (self->keyring_available)
    {
      g_autofree char *label = g_strdup_printf (_("Tulbur QPay client secret (%s)"), environment);

      secret_password_store (_tb_qpay_setup_secret_schema (), SECRET_COLLECTION_DEFAULT, label,
                             secret, cancellable, store_done_cb, g_steal_pointer (&task),
                             "environment", data->environment,
                             "client-id", data->client_id,
                             NULL);
      return;
    }
#endif

  store_complete (task, FALSE);
}

gboolean
tb_qpay_setup_store_secret_finish (TbQpaySetup   *self,
                                   GAsyncResult  *result,
                                   gboolean      *out_in_keyring,
                                   GError       **error)
{
  gssize in_keyring;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  in_keyring = g_task_propagate_int (G_TASK (result), error);
  if (in_keyring < 0)
    return FALSE;

  if (out_in_keyring != NULL)
    *out_in_keyring = in_keyring != 0;
  return TRUE;
}

