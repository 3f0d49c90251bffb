/* tb-qpay-setup-build.c: TbQpaySetup's services: TbStackConfig from GSettings, the stack and
 * its signals re-emitted, the demo simulator
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "services/tb-stack.h"

#include "tb-qpay-setup-private.h"

/* The sandbox/live address; TULBUR_QPAY_BASE_URL replaces it for development and tests.
 * The client itself refuses anything but https and loopback http. */
char *
_tb_qpay_setup_dup_base_url (TbQpayEnvironment env)
{
  const char *override = g_getenv ("TULBUR_QPAY_BASE_URL");

  if (override != NULL && override[0] != '\0')
    return g_strdup (override);

  return g_strdup (tb_qpay_environment_default_url (env));
}

/* ---- the services ---- */

void
_tb_qpay_setup_teardown_services (TbQpaySetup *self)
{
  if (self->stack == NULL)
    return;

  tb_stack_stop (self->stack);
  g_signal_handlers_disconnect_by_data (tb_stack_get_payment_service (self->stack), self);
  g_signal_handlers_disconnect_by_data (tb_stack_get_receipt_queue (self->stack), self);
  /* Operations still in flight hold their own references and finish on the old objects. */
  g_clear_object (&self->stack);
}

void
_tb_qpay_setup_stop_own_sim (TbQpaySetup *self)
{
  if (self->sim != NULL && self->sim != self->external_sim)
    tb_sim_server_stop (self->sim);
  g_clear_object (&self->sim);
}

/* Everything the settings say (the account and the Ebarimt defaults), with this setup's
 * timing; the secret and the address are the caller's. */
static TbStackConfig *
new_stack_config (TbQpaySetup *self)
{
  TbStackConfig *config = tb_stack_config_new ();

  if (self->settings != NULL)
    tb_stack_config_load_settings (config, self->settings);
  config->timing = self->timing;
  return config;
}

void
_tb_qpay_setup_apply_receipt_settings (TbQpaySetup *self)
{
  g_autoptr(TbStackConfig) config = NULL;

  if (self->stack == NULL)
    return;

  config = new_stack_config (self);
  tb_stack_set_receipt_settings (self->stack, config->ebarimt_enabled, config->receiver_type,
                                 config->district_code, config->classification_code);
}

static void
service_settled_cb (TbQpaySetup      *self,
                    gint64            bill_id,
                    gint64            amount,
                    gint64            intent_id,
                    TbPaymentService *service)
{
  g_signal_emit (self, _tb_qpay_setup_signals [PAYMENT_SETTLED], 0, bill_id, amount, intent_id);
}

static void
service_intent_changed_cb (TbQpaySetup      *self,
                           gint64            intent_id,
                           int               state,
                           TbPaymentService *service)
{
  g_signal_emit (self, _tb_qpay_setup_signals [INTENT_CHANGED], 0, intent_id, state);
}

static void
receipt_changed_cb (TbQpaySetup    *self,
                    gint64          receipt_id,
                    int             state,
                    TbReceiptQueue *queue)
{
  g_signal_emit (self, _tb_qpay_setup_signals [RECEIPT_CHANGED], 0, receipt_id, state);
}

static void
open_checked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tb_stack_check_open_finish (TB_STACK (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not check the open QR payments: %s", error->message);
}

/* ---- building ---- */

static void
connect_stack (TbQpaySetup *self)
{
  g_signal_connect_object (tb_stack_get_payment_service (self->stack), "payment-settled",
                           G_CALLBACK (service_settled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (tb_stack_get_payment_service (self->stack), "intent-changed",
                           G_CALLBACK (service_intent_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (tb_stack_get_receipt_queue (self->stack), "receipt-changed",
                           G_CALLBACK (receipt_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
build (TbQpaySetup         *self,
       const TbStackConfig *config,
       gboolean             demo,
       const char          *banner)
{
  g_autoptr(GError) error = NULL;
  const char *environment;

  _tb_qpay_setup_teardown_services (self);

  self->stack = tb_stack_new (self->ledger, config, &error);
  if (self->stack == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("QPay cannot be used: %s"), error->message);

      _tb_qpay_setup_set_state (self, TB_QPAY_SETUP_FAILED, text, text);
      return;
    }

  self->demo = demo;
  connect_stack (self);
  tb_stack_start (self->stack);

  /* docs/payment-intents.md, once per environment: a rebuild for another setting does not repeat it. */
  environment = tb_stack_get_environment (self->stack);
  if (g_strcmp0 (environment, self->swept_environment) != 0)
    {
      g_free (self->swept_environment);
      self->swept_environment = g_strdup (environment);
      tb_stack_check_open_async (self->stack, self->cancellable, open_checked_cb, NULL);
    }

  _tb_qpay_setup_set_state (self, TB_QPAY_SETUP_READY, NULL, banner);
}

gboolean
_tb_qpay_setup_ensure_sim (TbQpaySetup  *self,
                           GError      **error)
{
  g_autoptr(TbSimServer) sim = NULL;

  if (self->sim != NULL)
    return TRUE;

  if (self->external_sim != NULL)
    {
      self->sim = g_object_ref (self->external_sim);
      return TRUE;
    }

  sim = tb_sim_server_new ();
  if (!tb_sim_server_start (sim, 0, error))
    return FALSE;
  if (self->timing.demo_latency_ms > 0)
    tb_sim_server_set_latency (sim, self->timing.demo_latency_ms);

  self->sim = g_steal_pointer (&sim);
  return TRUE;
}

void
_tb_qpay_setup_build_demo (TbQpaySetup *self,
                           const char  *banner)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbStackConfig) config = NULL;

  if (!_tb_qpay_setup_ensure_sim (self, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The QPay simulator could not start: %s"),
                                               error->message);

      _tb_qpay_setup_teardown_services (self);
      _tb_qpay_setup_set_state (self, TB_QPAY_SETUP_FAILED, text, text);
      return;
    }

  config = new_stack_config (self);
  /* The simulator's own demo account, whatever the account settings say. */
  tb_qpay_config_free (config->qpay);
  config->qpay = tb_sim_server_new_config (self->sim);
  build (self, config, TRUE, banner);
}

void
_tb_qpay_setup_build_real (TbQpaySetup       *self,
                           TbQpayEnvironment  env,
                           const char        *secret)
{
  g_autoptr(TbStackConfig) config = new_stack_config (self);

  config->qpay->environment = env;
  config->qpay->base_url = _tb_qpay_setup_dup_base_url (env);
  config->qpay->client_secret = g_strdup (secret);

  /* A real account: the simulator is not needed any more. */
  _tb_qpay_setup_stop_own_sim (self);
  build (self, config, FALSE, NULL);
}

const char *
_tb_qpay_setup_not_set_up_banner (void)
{
  return _("Demo mode: QPay is not set up yet, so QR payments are simulated. No real money moves.");
}

