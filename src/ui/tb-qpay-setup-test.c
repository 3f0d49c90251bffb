/* tb-qpay-setup-test.c: "Test connection": a temporary QPay client logs in
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "providers/tb-qpay-client.h"

#include "tb-qpay-setup-private.h"

#define TEST_TIMEOUT_MS 15000

typedef struct
{
  TbQpayConfig *config;
  TbQpayClient *client;
} TestData;

static void
test_data_free (TestData *data)
{
  g_clear_pointer (&data->config, tb_qpay_config_free);
  g_clear_object (&data->client);
  g_free (data);
}

static void
test_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *token;

  token = tb_qpay_token_get_finish (TB_QPAY_TOKEN (object), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _tb_qpay_setup_wipe_free (token);
  g_task_return_boolean (task, TRUE);
}

static void
test_login (GTask *task)
{
  TestData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (data->config->client_id == NULL || data->config->client_secret == NULL)
    {
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG, "%s",
                               _("Enter the client ID and the client secret first."));
      g_object_unref (task);
      return;
    }

  data->client = tb_qpay_client_new (data->config, NULL, &error);
  if (data->client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  tb_qpay_client_set_timeout (data->client, TEST_TIMEOUT_MS);
  tb_qpay_token_get_async (tb_qpay_client_get_token (data->client),
                           g_task_get_cancellable (task), test_token_cb, task);
}

#if HAVE_LIBSECRET
static void
test_lookup_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  TestData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (secret != NULL)
    {
      data->config->client_secret = g_strdup (secret);
      secret_password_free (secret);
    }

  test_login (task);
}
#endif

/* A real environment (takes @task): the secret typed in @config, else the one known this
 * session, else the keyring's for that environment and client id. */
static void
test_real (TbQpaySetup        *self,
           GTask              *task,
           const TbQpayConfig *config)
{
  TestData *data = g_task_get_task_data (task);
  const char *known;

  data->config = tb_qpay_config_copy (config);
  if (data->config->base_url == NULL)
    data->config->base_url = _tb_qpay_setup_dup_base_url (config->environment);

  if (data->config->client_secret != NULL)
    {
      test_login (task);
      return;
    }

  known = _tb_qpay_setup_memory_secret_for (self,
                                            tb_qpay_environment_to_string (config->environment),
                                            config->client_id);
  if (known != NULL || config->client_id == NULL)
    {
      data->config->client_secret = g_strdup (known);
      test_login (task);
      return;
    }

#if HAVE_LIBSECRET
  if (self->keyring_available)
    {
      secret_password_lookup (_tb_qpay_setup_secret_schema (), g_task_get_cancellable (task),
                              test_lookup_cb, task,
                              "environment", tb_qpay_environment_to_string (config->environment),
                              "client-id", config->client_id,
                              NULL);
      return;
    }
#endif

  test_login (task);
}

void
tb_qpay_setup_test_connection_async (TbQpaySetup         *self,
                                     const TbQpayConfig  *config,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  TestData *data;

  g_return_if_fail (TB_IS_QPAY_SETUP (self));
  g_return_if_fail (config != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_qpay_setup_test_connection_async);

  data = g_new0 (TestData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) test_data_free);

  if (config->environment != TB_QPAY_ENV_SIMULATOR)
    {
      test_real (self, g_steal_pointer (&task), config);
      return;
    }

  if (!_tb_qpay_setup_ensure_sim (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->config = tb_sim_server_new_config (self->sim);
  test_login (g_steal_pointer (&task));
}

gboolean
tb_qpay_setup_test_connection_finish (TbQpaySetup   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
