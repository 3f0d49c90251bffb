/* tb-qpay-setup.c: QPay for the app: the object, its state and signals, what to build
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "services/tb-stack.h"

#include "tb-qpay-setup-private.h"
#include "tb-ui-util.h"

/* Typing in Preferences writes one key at a time: rebuild once the burst is over. */
#define RECONFIGURE_DELAY_MS 300

G_DEFINE_FINAL_TYPE (TbQpaySetup, tb_qpay_setup, G_TYPE_OBJECT)

guint _tb_qpay_setup_signals [N_SIGNALS];

/* tb_qpay_setup_set_default_timing(): what new setups start with. */
static TbStackTiming default_timing;
static gboolean      default_timing_set;

/* ---- helpers ---- */

/* The trimmed value of a string key, NULL when empty or missing. */
char *
_tb_qpay_setup_dup_setting (TbQpaySetup *self,
                            const char  *key)
{
  g_autofree char *value = NULL;

  if (!tb_ui_settings_has_key (self->settings, key))
    return NULL;

  value = g_strstrip (g_settings_get_string (self->settings, key));
  if (value[0] == '\0')
    return NULL;

  return g_steal_pointer (&value);
}

TbQpayEnvironment
_tb_qpay_setup_configured_environment (TbQpaySetup *self)
{
  g_autofree char *text = _tb_qpay_setup_dup_setting (self, "qpay-environment");
  TbQpayEnvironment env = TB_QPAY_ENV_SIMULATOR;

  if (text == NULL || !tb_qpay_environment_from_string (text, &env))
    return TB_QPAY_ENV_SIMULATOR;

  return env;
}

void
_tb_qpay_setup_set_state (TbQpaySetup      *self,
                          TbQpaySetupState  state,
                          const char       *problem,
                          const char       *banner)
{
  self->state = state;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_free (self->banner);
  self->banner = g_strdup (banner);
  g_signal_emit (self, _tb_qpay_setup_signals [CHANGED], 0);
}

/* ---- choosing what to build ---- */

void
_tb_qpay_setup_reconfigure (TbQpaySetup *self)
{
  g_autofree char *env_text = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *invoice_code = NULL;
  TbQpayEnvironment env;
  const char *secret;

  self->generation++;
  g_clear_handle_id (&self->reconfigure_source, g_source_remove);

  if (self->ledger == NULL)
    {
      _tb_qpay_setup_teardown_services (self);
      _tb_qpay_setup_set_state (self, TB_QPAY_SETUP_FAILED,
                                _("QPay cannot be used while the ledger is not open."), NULL);
      return;
    }

  env = _tb_qpay_setup_configured_environment (self);
  if (env == TB_QPAY_ENV_SIMULATOR)
    {
      _tb_qpay_setup_build_demo (self,
                                 _("Demo mode: QR payments are simulated. No real money moves."));
      return;
    }

  env_text = g_strdup (tb_qpay_environment_to_string (env));
  client_id = _tb_qpay_setup_dup_setting (self, "qpay-client-id");
  invoice_code = _tb_qpay_setup_dup_setting (self, "qpay-invoice-code");
  if (client_id == NULL || invoice_code == NULL)
    {
      _tb_qpay_setup_build_demo (self, _tb_qpay_setup_not_set_up_banner ());
      return;
    }

  secret = _tb_qpay_setup_memory_secret_for (self, env_text, client_id);
  if (secret != NULL)
    {
      _tb_qpay_setup_build_real (self, env, secret);
      return;
    }

  if (_tb_qpay_setup_lookup_secret (self, env_text, client_id))
    return;

  _tb_qpay_setup_build_demo (self, _tb_qpay_setup_not_set_up_banner ());
}

static gboolean
reconfigure_cb (gpointer user_data)
{
  TbQpaySetup *self = user_data;

  self->reconfigure_source = 0;
  _tb_qpay_setup_reconfigure (self);

  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (TbQpaySetup *self,
                     const char  *key,
                     GSettings   *settings)
{
  if (!self->started)
    return;

  if (g_str_has_prefix (key, "ebarimt-"))
    {
      _tb_qpay_setup_apply_receipt_settings (self);
      return;
    }

  if (!g_str_has_prefix (key, "qpay-"))
    return;

  g_clear_handle_id (&self->reconfigure_source, g_source_remove);
  self->reconfigure_source = g_timeout_add (RECONFIGURE_DELAY_MS, reconfigure_cb, self);
}

/* ---- GObject ---- */

static void
tb_qpay_setup_dispose (GObject *object)
{
  TbQpaySetup *self = (TbQpaySetup *) object;

  tb_qpay_setup_stop (self);
  g_clear_object (&self->external_sim);
  g_clear_object (&self->settings);
  g_clear_object (&self->ledger);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tb_qpay_setup_parent_class)->dispose (object);
}

static void
tb_qpay_setup_finalize (GObject *object)
{
  TbQpaySetup *self = (TbQpaySetup *) object;

  _tb_qpay_setup_remember_secret (self, NULL, NULL, NULL);
  g_free (self->problem);
  g_free (self->banner);
  g_free (self->swept_environment);

  G_OBJECT_CLASS (tb_qpay_setup_parent_class)->finalize (object);
}

static void
tb_qpay_setup_class_init (TbQpaySetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_qpay_setup_dispose;
  object_class->finalize = tb_qpay_setup_finalize;

  /**
   * TbQpaySetup::changed:
   *
   * The services were rebuilt, or the state, the problem or the banner changed.
   */
  _tb_qpay_setup_signals [CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * TbQpaySetup::payment-settled:
   * @bill_id: the bill
   * @amount: what was newly recorded, minor units
   * @intent_id: the intent
   *
   * The current payment service recorded payments (TbPaymentService::payment-settled).
   */
  _tb_qpay_setup_signals [PAYMENT_SETTLED] =
    g_signal_new ("payment-settled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * TbQpaySetup::intent-changed:
   * @intent_id: the intent
   * @state: its #TbIntentState now
   *
   * TbPaymentService::intent-changed of the current service.
   */
  _tb_qpay_setup_signals [INTENT_CHANGED] =
    g_signal_new ("intent-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);

  /**
   * TbQpaySetup::receipt-changed:
   * @receipt_id: the receipt
   * @state: its #TbReceiptState now
   *
   * TbReceiptQueue::receipt-changed of the current queue.
   */
  _tb_qpay_setup_signals [RECEIPT_CHANGED] =
    g_signal_new ("receipt-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);
}

static void
tb_qpay_setup_init (TbQpaySetup *self)
{
  self->cancellable = g_cancellable_new ();
  self->state = TB_QPAY_SETUP_STARTING;
  self->problem = g_strdup (_("QPay is starting. Try again in a moment."));
  self->keyring_available = HAVE_LIBSECRET;
  if (default_timing_set)
    self->timing = default_timing;
  else
    tb_stack_timing_init (&self->timing);
}

/* ---- public API ---- */

TbQpaySetup *
tb_qpay_setup_new (TbLedger  *ledger,
                   GSettings *settings)
{
  TbQpaySetup *self;

  g_return_val_if_fail (ledger == NULL || TB_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (TB_TYPE_QPAY_SETUP, NULL);
  g_set_object (&self->ledger, ledger);
  g_set_object (&self->settings, settings);

  if (settings != NULL)
    g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                             G_CONNECT_SWAPPED);

  return self;
}

void
tb_qpay_setup_use_sim (TbQpaySetup *self,
                       TbSimServer *sim)
{
  g_return_if_fail (TB_IS_QPAY_SETUP (self));
  g_return_if_fail (sim == NULL || TB_IS_SIM_SERVER (sim));

  g_set_object (&self->external_sim, sim);
}

void
tb_qpay_setup_start (TbQpaySetup *self)
{
  g_return_if_fail (TB_IS_QPAY_SETUP (self));

  if (self->started)
    return;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }

  self->started = TRUE;
  _tb_qpay_setup_reconfigure (self);
}

void
tb_qpay_setup_stop (TbQpaySetup *self)
{
  g_return_if_fail (TB_IS_QPAY_SETUP (self));

  self->started = FALSE;
  self->generation++;
  g_clear_handle_id (&self->reconfigure_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  _tb_qpay_setup_teardown_services (self);
  _tb_qpay_setup_stop_own_sim (self);
}

TbQpaySetupState
tb_qpay_setup_get_state (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), TB_QPAY_SETUP_FAILED);
  return self->state;
}

const char *
tb_qpay_setup_get_problem (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->state == TB_QPAY_SETUP_READY ? NULL : self->problem;
}

const char *
tb_qpay_setup_get_banner (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->banner;
}

TbPaymentService *
tb_qpay_setup_get_payment_service (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->stack != NULL ? tb_stack_get_payment_service (self->stack) : NULL;
}

TbReceiptQueue *
tb_qpay_setup_get_receipt_queue (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->stack != NULL ? tb_stack_get_receipt_queue (self->stack) : NULL;
}

TbReconciler *
tb_qpay_setup_get_reconciler (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->stack != NULL ? tb_stack_get_reconciler (self->stack) : NULL;
}

TbStack *
tb_qpay_setup_get_stack (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->stack;
}

TbLedger *
tb_qpay_setup_get_ledger (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->ledger;
}

GSettings *
tb_qpay_setup_get_settings (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->settings;
}

gboolean
tb_qpay_setup_is_demo (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), FALSE);
  return self->stack != NULL && self->demo;
}

TbSimServer *
tb_qpay_setup_get_sim (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return tb_qpay_setup_is_demo (self) ? self->sim : NULL;
}

const char *
tb_qpay_setup_get_environment (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return self->stack != NULL ? tb_stack_get_environment (self->stack) : NULL;
}

char *
tb_qpay_setup_dup_business_name (TbQpaySetup *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);

  name = _tb_qpay_setup_dup_setting (self, "business-name");
  return name != NULL ? g_steal_pointer (&name) : g_strdup ("");
}

void
tb_qpay_setup_set_default_timing (const TbStackTiming *timing)
{
  default_timing_set = timing != NULL;
  if (timing != NULL)
    default_timing = *timing;
}

void
tb_qpay_setup_set_timing (TbQpaySetup         *self,
                          const TbStackTiming *timing)
{
  g_return_if_fail (TB_IS_QPAY_SETUP (self));
  g_return_if_fail (timing != NULL);

  self->timing = *timing;
}

const TbStackTiming *
tb_qpay_setup_get_timing (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), NULL);
  return &self->timing;
}

void
tb_qpay_setup_configure_watcher (TbQpaySetup      *self,
                                 TbPaymentWatcher *watcher)
{
  g_return_if_fail (TB_IS_QPAY_SETUP (self));
  g_return_if_fail (TB_IS_PAYMENT_WATCHER (watcher));

  tb_payment_watcher_set_interval (watcher, self->timing.watcher_interval_ms,
                                   self->timing.watcher_max_backoff_ms);
}

guint
tb_qpay_setup_get_paid_close_ms (TbQpaySetup *self)
{
  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), 0);
  return self->timing.paid_close_ms;
}
