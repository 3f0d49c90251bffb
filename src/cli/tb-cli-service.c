/* tb-cli-service.c: the QPay payment service for tulbur-cli, configured from the environment
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "providers/tb-qpay-provider.h"

#include "tb-cli.h"

/* Generous bounds for QPAY_TIMEOUT_MS: below 100 ms nothing would ever answer, above ten
 * minutes a stuck request would look like a hang. */
#define MIN_TIMEOUT_MS 100
#define MAX_TIMEOUT_MS 600000

/* The value of @name, or NULL when it is unset or blank. Values that are not UTF-8 are an
 * error: they would end up in JSON requests. */
static gboolean
read_variable (const char  *name,
               gboolean     required,
               char       **out,
               GError     **error)
{
  const char *value = g_getenv (name);
  g_autofree char *copy = NULL;

  *out = NULL;

  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                   /* TRANSLATORS: %s is an environment variable such as QPAY_CLIENT_ID */
                   _("The environment variable %s is not valid UTF-8 text"), name);
      return FALSE;
    }

  if (value != NULL)
    copy = g_strstrip (g_strdup (value));

  if (copy == NULL || copy[0] == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                   /* TRANSLATORS: %s is an environment variable such as QPAY_CLIENT_ID */
                   _("The environment variable %s is not set; QPay commands need "
                     "QPAY_CLIENT_ID, QPAY_CLIENT_SECRET and QPAY_INVOICE_CODE"),
                   name);
      return FALSE;
    }

  *out = g_steal_pointer (&copy);
  return TRUE;
}

static gboolean
read_config (TbQpayConfig  *config,
             guint         *out_timeout_ms,
             GError       **error)
{
  g_autofree char *env = NULL;
  g_autofree char *timeout = NULL;
  guint64 timeout_ms = 0;

  if (!read_variable ("QPAY_ENV", FALSE, &env, error))
    return FALSE;
  config->environment = TB_QPAY_ENV_LIVE;
  if (env != NULL && !tb_qpay_environment_from_string (env, &config->environment))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                   _("QPAY_ENV: “%s” is not an environment; use simulator, sandbox or live"),
                   env);
      return FALSE;
    }

  if (!read_variable ("QPAY_BASE_URL", FALSE, &config->base_url, error))
    return FALSE;
  if (config->base_url == NULL)
    {
      const char *url = tb_qpay_environment_default_url (config->environment);

      /* The simulator listens on whatever port was free: only the caller knows it. */
      if (url == NULL)
        {
          g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                               _("QPAY_ENV=simulator needs QPAY_BASE_URL: the address that "
                                 "tulbur-sim printed"));
          return FALSE;
        }
      config->base_url = g_strdup (url);
    }

  /* Checked here so that the message names the variable. The URL itself is not repeated:
   * it could carry a user name and password. */
  if (!g_uri_is_valid (config->base_url, G_URI_FLAGS_NONE, NULL))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                           _("QPAY_BASE_URL is not a valid address, such as "
                             "https://merchant.qpay.mn"));
      return FALSE;
    }
  if (!tb_qpay_url_is_allowed (config->base_url))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                           _("QPAY_BASE_URL must start with https:// so that payments travel "
                             "encrypted (plain http is allowed for 127.0.0.1 only)"));
      return FALSE;
    }

  if (!read_variable ("QPAY_CLIENT_ID", TRUE, &config->client_id, error) ||
      !read_variable ("QPAY_CLIENT_SECRET", TRUE, &config->client_secret, error) ||
      !read_variable ("QPAY_INVOICE_CODE", TRUE, &config->invoice_code, error) ||
      !read_variable ("QPAY_BRANCH_CODE", FALSE, &config->branch_code, error) ||
      !read_variable ("QPAY_CALLBACK_URL", FALSE, &config->callback_url, error) ||
      !read_variable ("QPAY_TIMEOUT_MS", FALSE, &timeout, error))
    return FALSE;

  if (config->callback_url != NULL &&
      !g_uri_is_valid (config->callback_url, G_URI_FLAGS_NONE, NULL))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                           _("QPAY_CALLBACK_URL is not a valid address"));
      return FALSE;
    }

  if (timeout != NULL &&
      (timeout[0] == '+' ||
       !g_ascii_string_to_unsigned (timeout, 10, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, &timeout_ms, NULL)))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                   /* TRANSLATORS: the numbers are milliseconds */
                   _("QPAY_TIMEOUT_MS: use a whole number of milliseconds from %u to %u"),
                   (guint) MIN_TIMEOUT_MS, (guint) MAX_TIMEOUT_MS);
      return FALSE;
    }

  *out_timeout_ms = (guint) timeout_ms;
  return TRUE;
}

/* One of @allowed (compared with @compare, NULL-terminated), as the variable's raw value. */
static gboolean
variable_is_one_of (const char          *name,
                    const char          *value,
                    const char * const  *allowed,
                    int                (*compare) (const char *, const char *))
{
  /* The queue reads the raw value: blanks around it would quietly change its meaning. */
  if (g_strcmp0 (value, g_getenv (name)) != 0)
    return FALSE;
  for (guint i = 0; allowed[i] != NULL; i++)
    if (compare (value, allowed[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The QPAY_EBARIMT_* switches that tb_receipt_queue_load_env () would otherwise read
 * leniently: a typo there ("ture", "company") must not quietly mean "off" or "citizen".
 * The district and classification codes are left to the queue, which records a bad one on
 * the receipt (INVALID_INPUT) without sending anything. */
static gboolean
check_ebarimt_config (GError **error)
{
  static const char * const switches[] = { "1", "true", "yes", "0", "false", "no", NULL };
  static const char * const receiver_types[] = { "CITIZEN", "COMPANY", NULL };
  g_autofree char *enabled = NULL;
  g_autofree char *receiver_type = NULL;

  if (!read_variable ("QPAY_EBARIMT_ENABLED", FALSE, &enabled, error) ||
      !read_variable ("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE", FALSE, &receiver_type, error))
    return FALSE;

  if (enabled != NULL &&
      !variable_is_one_of ("QPAY_EBARIMT_ENABLED", enabled, switches, g_ascii_strcasecmp))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                           _("QPAY_EBARIMT_ENABLED: use 1 to issue e-receipts or 0 not to"));
      return FALSE;
    }

  if (receiver_type != NULL &&
      !variable_is_one_of ("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE", receiver_type, receiver_types,
                           g_strcmp0))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                           _("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE: use CITIZEN or COMPANY"));
      return FALSE;
    }

  return TRUE;
}

TbPaymentService *
tb_cli_get_payment_service (TbCli   *cli,
                            GError **error)
{
  g_autoptr(TbQpayConfig) config = tb_qpay_config_new ();
  g_autoptr(TbQpayClient) client = NULL;
  g_autoptr(TbQpayProvider) provider = NULL;
  TbLedger *ledger;
  guint timeout_ms = 0;

  if (cli->service != NULL)
    return cli->service;

  /* The configuration first: a missing variable is reported before any file is touched. */
  if (!read_config (config, &timeout_ms, error) || !check_ebarimt_config (error))
    return NULL;

  /* One login per run, kept in memory: the CLI is short-lived, and QPay's own expiry makes a
   * stored token of little use to the next run. */
  if (!(client = tb_qpay_client_new (config, NULL, error)))
    return NULL;
  if (timeout_ms > 0)
    tb_qpay_client_set_timeout (client, timeout_ms);

  if (!(ledger = tb_cli_get_ledger (cli, error)))
    return NULL;

  provider = tb_qpay_provider_new (client);
  cli->service = tb_payment_service_new (ledger, TB_PAYMENT_PROVIDER (provider));

  /* Receipts go through the same client (one login per run). Switched off, settlement
   * records each QPay payment's receipt as SKIPPED instead of queueing it. */
  cli->receipts = tb_receipt_queue_new (ledger, client);
  tb_receipt_queue_load_env (cli->receipts);
  tb_payment_service_set_receipts_enabled (cli->service,
                                           tb_receipt_queue_get_enabled (cli->receipts));
  return cli->service;
}

TbReceiptQueue *
tb_cli_get_receipt_queue (TbCli   *cli,
                          GError **error)
{
  if (!tb_cli_get_payment_service (cli, error))
    return NULL;
  return cli->receipts;
}

gboolean
tb_cli_issue_receipts (TbCli           *cli,
                       TbReceiptStats  *out_stats,
                       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  TbReceiptStats stats = { 0 };
  TbReceiptQueue *queue;

  if (out_stats != NULL)
    *out_stats = stats;

  if (!(queue = tb_cli_get_receipt_queue (cli, error)))
    return FALSE;
  /* Switched off, the queue would mark every waiting receipt SKIPPED: leave them waiting
   * for a run that has receipts on. */
  if (!tb_receipt_queue_get_enabled (queue))
    return TRUE;

  tb_receipt_queue_process_async (queue, NULL, tb_cli_store_result, &result);
  tb_cli_wait (&result);
  if (!tb_receipt_queue_process_finish (queue, result, &stats, error))
    return FALSE;

  if (out_stats != NULL)
    *out_stats = stats;
  return TRUE;
}

void
tb_cli_store_result (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert (*slot == NULL);
  *slot = g_object_ref (result);
}

void
tb_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}
