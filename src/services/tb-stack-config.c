/* tb-stack-config.c: the stack's configuration, from the app's settings or the CLI's variables
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-service-error.h"
#include "tb-stack.h"

/* Generous bounds for QPAY_TIMEOUT_MS: below 100 ms nothing would ever answer, above ten
 * minutes a stuck request would look like a hang. */
#define MIN_TIMEOUT_MS 100
#define MAX_TIMEOUT_MS 600000

void
tb_stack_timing_init (TbStackTiming *timing)
{
  g_return_if_fail (timing != NULL);

  timing->watcher_interval_ms = TB_PAYMENT_WATCHER_INTERVAL_MS;
  timing->watcher_max_backoff_ms = TB_PAYMENT_WATCHER_MAX_BACKOFF_MS;
  timing->reconcile_period_ms = TB_RECONCILER_PERIOD_S * 1000;
  timing->reconcile_min_gap_ms = TB_RECONCILER_MIN_GAP_S * 1000;
  timing->request_timeout_ms = 0;
  timing->paid_close_ms = 2000;
  timing->demo_latency_ms = 150;
}

TbStackConfig *
tb_stack_config_new (void)
{
  TbStackConfig *config = g_new0 (TbStackConfig, 1);

  config->qpay = tb_qpay_config_new ();
  tb_stack_timing_init (&config->timing);
  return config;
}

TbStackConfig *
tb_stack_config_copy (const TbStackConfig *config)
{
  TbStackConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_new0 (TbStackConfig, 1);
  copy->qpay = tb_qpay_config_copy (config->qpay);
  copy->ebarimt_enabled = config->ebarimt_enabled;
  copy->receiver_type = g_strdup (config->receiver_type);
  copy->district_code = g_strdup (config->district_code);
  copy->classification_code = g_strdup (config->classification_code);
  copy->business_name = g_strdup (config->business_name);
  copy->business_tin = g_strdup (config->business_tin);
  copy->timing = config->timing;
  copy->clock = config->clock != NULL ? g_object_ref (config->clock) : NULL;
  return copy;
}

void
tb_stack_config_free (TbStackConfig *config)
{
  if (config == NULL)
    return;

  g_clear_pointer (&config->qpay, tb_qpay_config_free);
  g_free (config->receiver_type);
  g_free (config->district_code);
  g_free (config->classification_code);
  g_free (config->business_name);
  g_free (config->business_tin);
  g_clear_object (&config->clock);
  g_free (config);
}

/* ---- the app's settings ---- */

/* The trimmed value of a string key, NULL when empty or not in the schema. */
static char *
dup_setting (GSettings  *settings,
             const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *value = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  if (schema == NULL || !g_settings_schema_has_key (schema, key))
    return NULL;

  value = g_strstrip (g_settings_get_string (settings, key));
  if (value[0] == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

static void
replace (char **field,
         char  *value)
{
  g_free (*field);
  *field = value;
}

void
tb_stack_config_load_settings (TbStackConfig *config,
                               GSettings     *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *env = NULL;
  TbQpayConfig *qpay;

  g_return_if_fail (config != NULL);
  g_return_if_fail (G_IS_SETTINGS (settings));

  qpay = config->qpay;
  env = dup_setting (settings, "qpay-environment");
  if (env == NULL || !tb_qpay_environment_from_string (env, &qpay->environment))
    qpay->environment = TB_QPAY_ENV_SIMULATOR;
  replace (&qpay->client_id, dup_setting (settings, "qpay-client-id"));
  replace (&qpay->invoice_code, dup_setting (settings, "qpay-invoice-code"));
  replace (&qpay->branch_code, dup_setting (settings, "qpay-branch-code"));
  replace (&qpay->callback_url, dup_setting (settings, "qpay-callback-url"));

  g_object_get (settings, "settings-schema", &schema, NULL);
  config->ebarimt_enabled = g_settings_schema_has_key (schema, "ebarimt-enabled") &&
                            g_settings_get_boolean (settings, "ebarimt-enabled");
  replace (&config->receiver_type, dup_setting (settings, "ebarimt-receiver-type"));
  replace (&config->district_code, dup_setting (settings, "ebarimt-district-code"));
  replace (&config->classification_code, dup_setting (settings, "ebarimt-classification-code"));
  replace (&config->business_name, dup_setting (settings, "business-name"));
  replace (&config->business_tin, dup_setting (settings, "business-tin"));
}

/* ---- the CLI's variables ---- */

static gboolean
not_configured (GError     **error,
                const char  *message)
{
  g_set_error_literal (error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED, message);
  return FALSE;
}

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

  g_clear_pointer (out, g_free);

  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED,
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
      g_set_error (error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED,
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
read_environment (TbQpayConfig  *qpay,
                  GError       **error)
{
  g_autofree char *env = NULL;

  if (!read_variable ("QPAY_ENV", FALSE, &env, error))
    return FALSE;
  qpay->environment = TB_QPAY_ENV_LIVE;
  if (env != NULL && !tb_qpay_environment_from_string (env, &qpay->environment))
    {
      g_set_error (error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED,
                   _("QPAY_ENV: “%s” is not an environment; use simulator, sandbox or live"),
                   env);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_base_url (TbQpayConfig  *qpay,
               GError       **error)
{
  if (!read_variable ("QPAY_BASE_URL", FALSE, &qpay->base_url, error))
    return FALSE;
  if (qpay->base_url == NULL)
    {
      const char *url = tb_qpay_environment_default_url (qpay->environment);

      /* The simulator listens on whatever port was free: only the caller knows it. */
      if (url == NULL)
        return not_configured (error, _("QPAY_ENV=simulator needs QPAY_BASE_URL: the address "
                                        "that tulbur-sim printed"));
      qpay->base_url = g_strdup (url);
    }

  /* Checked here so that the message names the variable. The URL itself is not repeated:
   * it could carry a user name and password. */
  if (!g_uri_is_valid (qpay->base_url, G_URI_FLAGS_NONE, NULL))
    return not_configured (error, _("QPAY_BASE_URL is not a valid address, such as "
                                    "https://merchant.qpay.mn"));
  if (!tb_qpay_url_is_allowed (qpay->base_url))
    return not_configured (error, _("QPAY_BASE_URL must start with https:// so that payments "
                                    "travel encrypted (plain http is allowed for 127.0.0.1 only)"));
  return TRUE;
}

static gboolean
read_timeout (TbStackTiming  *timing,
              GError        **error)
{
  g_autofree char *timeout = NULL;
  guint64 timeout_ms = 0;

  if (!read_variable ("QPAY_TIMEOUT_MS", FALSE, &timeout, error))
    return FALSE;
  if (timeout == NULL)
    return TRUE;

  if (timeout[0] == '+' ||
      !g_ascii_string_to_unsigned (timeout, 10, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, &timeout_ms, NULL))
    {
      g_set_error (error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_NOT_CONFIGURED,
                   /* TRANSLATORS: the numbers are milliseconds */
                   _("QPAY_TIMEOUT_MS: use a whole number of milliseconds from %u to %u"),
                   (guint) MIN_TIMEOUT_MS, (guint) MAX_TIMEOUT_MS);
      return FALSE;
    }
  timing->request_timeout_ms = (guint) timeout_ms;
  return TRUE;
}

/* One of @allowed (compared with @compare, NULL-terminated), as the variable's raw value:
 * blanks around it, or a typo ("ture", "company"), must not quietly mean "off" or "citizen". */
static gboolean
variable_is_one_of (const char          *name,
                    const char          *value,
                    const char * const  *allowed,
                    int                (*compare) (const char *, const char *))
{
  if (g_strcmp0 (value, g_getenv (name)) != 0)
    return FALSE;
  for (guint i = 0; allowed[i] != NULL; i++)
    if (compare (value, allowed[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The district and classification codes are left to the queue, which records a bad one on
 * the receipt (INVALID_INPUT) without sending anything. */
static gboolean
read_ebarimt (TbStackConfig  *config,
              GError        **error)
{
  static const char * const on[] = { "1", "true", "yes", NULL };
  static const char * const switches[] = { "1", "true", "yes", "0", "false", "no", NULL };
  static const char * const receiver_types[] = { "CITIZEN", "COMPANY", NULL };
  g_autofree char *enabled = NULL;

  if (!read_variable ("QPAY_EBARIMT_ENABLED", FALSE, &enabled, error) ||
      !read_variable ("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE", FALSE, &config->receiver_type, error) ||
      !read_variable ("QPAY_EBARIMT_DEFAULT_DISTRICT_CODE", FALSE, &config->district_code, error) ||
      !read_variable ("QPAY_EBARIMT_DEFAULT_CLASSIFICATION_CODE", FALSE,
                      &config->classification_code, error))
    return FALSE;

  if (enabled != NULL &&
      !variable_is_one_of ("QPAY_EBARIMT_ENABLED", enabled, switches, g_ascii_strcasecmp))
    return not_configured (error, _("QPAY_EBARIMT_ENABLED: use 1 to issue e-receipts or 0 not to"));
  config->ebarimt_enabled = enabled != NULL &&
                            variable_is_one_of ("QPAY_EBARIMT_ENABLED", enabled, on,
                                                g_ascii_strcasecmp);

  if (config->receiver_type != NULL &&
      !variable_is_one_of ("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE", config->receiver_type,
                           receiver_types, g_strcmp0))
    return not_configured (error, _("QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE: use CITIZEN or COMPANY"));
  return TRUE;
}

gboolean
tb_stack_config_load_env (TbStackConfig  *config,
                          GError        **error)
{
  TbQpayConfig *qpay;

  g_return_val_if_fail (config != NULL, FALSE);

  qpay = config->qpay;
  if (!read_environment (qpay, error) || !read_base_url (qpay, error))
    return FALSE;

  if (!read_variable ("QPAY_CLIENT_ID", TRUE, &qpay->client_id, error) ||
      !read_variable ("QPAY_CLIENT_SECRET", TRUE, &qpay->client_secret, error) ||
      !read_variable ("QPAY_INVOICE_CODE", TRUE, &qpay->invoice_code, error) ||
      !read_variable ("QPAY_BRANCH_CODE", FALSE, &qpay->branch_code, error) ||
      !read_variable ("QPAY_CALLBACK_URL", FALSE, &qpay->callback_url, error) ||
      !read_timeout (&config->timing, error))
    return FALSE;

  if (qpay->callback_url != NULL && !g_uri_is_valid (qpay->callback_url, G_URI_FLAGS_NONE, NULL))
    return not_configured (error, _("QPAY_CALLBACK_URL is not a valid address"));

  if (!read_ebarimt (config, error))
    return FALSE;

  /* Printed on receipts only: `receipt pdf` checks them itself, so a bad value here is not a
   * reason to refuse a payment. */
  if (!read_variable ("TULBUR_BUSINESS_NAME", FALSE, &config->business_name, NULL))
    g_clear_pointer (&config->business_name, g_free);
  if (!read_variable ("TULBUR_BUSINESS_TIN", FALSE, &config->business_tin, NULL))
    g_clear_pointer (&config->business_tin, g_free);
  return TRUE;
}
