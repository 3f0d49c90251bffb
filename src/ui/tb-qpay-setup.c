/* tb-qpay-setup.c: QPay for the app: configuration, keyring secret, demo mode, services
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#if HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "providers/tb-qpay-client.h"
#include "services/tb-stack.h"

#include "tb-qpay-setup.h"
#include "tb-ui-util.h"

/* Typing in Preferences writes one key at a time: rebuild once the burst is over. */
#define RECONFIGURE_DELAY_MS 300
#define TEST_TIMEOUT_MS      15000

struct _TbQpaySetup
{
  GObject            parent_instance;

  TbLedger          *ledger;
  GSettings         *settings;

  /* The simulator: ours (started in demo mode) or one the tests handed in. */
  TbSimServer       *sim;
  TbSimServer       *external_sim;

  /* The current services (tb-stack.h); replaced as a whole by a rebuild. */
  TbStack           *stack;
  TbStackTiming      timing;

  TbQpaySetupState   state;
  char              *problem;
  char              *banner;
  gboolean           demo;
  char              *swept_environment;

  /* The secret the user typed this session, or found in the keyring, for one environment
   * and client id. Wiped when replaced. */
  char              *secret;
  char              *secret_environment;
  char              *secret_client_id;
  gboolean           keyring_available;

  guint              generation;
  guint              reconfigure_source;
  GCancellable      *cancellable;
  gboolean           started;
};

G_DEFINE_FINAL_TYPE (TbQpaySetup, tb_qpay_setup, G_TYPE_OBJECT)

enum {
  CHANGED,
  PAYMENT_SETTLED,
  INTENT_CHANGED,
  RECEIPT_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

/* tb_qpay_setup_set_default_timing(): what new setups start with. */
static TbStackTiming default_timing;
static gboolean      default_timing_set;

static void reconfigure (TbQpaySetup *self);

/* ---- helpers ---- */

static void
wipe_free (char *text)
{
  if (text != NULL)
    {
      memset (text, 0, strlen (text));
      g_free (text);
    }
}

/* The trimmed value of a string key, NULL when empty or missing. */
static char *
dup_setting (TbQpaySetup *self,
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

static TbQpayEnvironment
configured_environment (TbQpaySetup *self)
{
  g_autofree char *text = dup_setting (self, "qpay-environment");
  TbQpayEnvironment env = TB_QPAY_ENV_SIMULATOR;

  if (text == NULL || !tb_qpay_environment_from_string (text, &env))
    return TB_QPAY_ENV_SIMULATOR;

  return env;
}

static const char *
memory_secret_for (TbQpaySetup *self,
                   const char  *environment,
                   const char  *client_id)
{
  if (self->secret != NULL &&
      g_strcmp0 (self->secret_environment, environment) == 0 &&
      g_strcmp0 (self->secret_client_id, client_id) == 0)
    return self->secret;

  return NULL;
}

static void
remember_secret (TbQpaySetup *self,
                 const char  *environment,
                 const char  *client_id,
                 const char  *secret)
{
  g_clear_pointer (&self->secret, wipe_free);
  g_clear_pointer (&self->secret_environment, g_free);
  g_clear_pointer (&self->secret_client_id, g_free);

  if (secret == NULL)
    return;

  self->secret = g_strdup (secret);
  self->secret_environment = g_strdup (environment);
  self->secret_client_id = g_strdup (client_id);
}

/* The sandbox/live address; TULBUR_QPAY_BASE_URL replaces it for development and tests.
 * The client itself refuses anything but https and loopback http. */
static char *
dup_base_url (TbQpayEnvironment env)
{
  const char *override = g_getenv ("TULBUR_QPAY_BASE_URL");

  if (override != NULL && override[0] != '\0')
    return g_strdup (override);

  return g_strdup (tb_qpay_environment_default_url (env));
}

#if HAVE_LIBSECRET
static const SecretSchema *
secret_schema (void)
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
#endif

static void
set_state (TbQpaySetup      *self,
           TbQpaySetupState  state,
           const char       *problem,
           const char       *banner)
{
  self->state = state;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_free (self->banner);
  self->banner = g_strdup (banner);
  g_signal_emit (self, signals [CHANGED], 0);
}

/* ---- the services ---- */

static void
teardown_services (TbQpaySetup *self)
{
  if (self->stack == NULL)
    return;

  tb_stack_stop (self->stack);
  g_signal_handlers_disconnect_by_data (tb_stack_get_payment_service (self->stack), self);
  g_signal_handlers_disconnect_by_data (tb_stack_get_receipt_queue (self->stack), self);
  /* Operations still in flight hold their own references and finish on the old objects. */
  g_clear_object (&self->stack);
}

static void
stop_own_sim (TbQpaySetup *self)
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

static void
apply_receipt_settings (TbQpaySetup *self)
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
  g_signal_emit (self, signals [PAYMENT_SETTLED], 0, bill_id, amount, intent_id);
}

static void
service_intent_changed_cb (TbQpaySetup      *self,
                           gint64            intent_id,
                           int               state,
                           TbPaymentService *service)
{
  g_signal_emit (self, signals [INTENT_CHANGED], 0, intent_id, state);
}

static void
receipt_changed_cb (TbQpaySetup    *self,
                    gint64          receipt_id,
                    int             state,
                    TbReceiptQueue *queue)
{
  g_signal_emit (self, signals [RECEIPT_CHANGED], 0, receipt_id, state);
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

  teardown_services (self);

  self->stack = tb_stack_new (self->ledger, config, &error);
  if (self->stack == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("QPay cannot be used: %s"), error->message);

      set_state (self, TB_QPAY_SETUP_FAILED, text, text);
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

  set_state (self, TB_QPAY_SETUP_READY, NULL, banner);
}

static gboolean
ensure_sim (TbQpaySetup  *self,
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

static void
build_demo (TbQpaySetup *self,
            const char  *banner)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbStackConfig) config = NULL;

  if (!ensure_sim (self, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The QPay simulator could not start: %s"),
                                               error->message);

      teardown_services (self);
      set_state (self, TB_QPAY_SETUP_FAILED, text, text);
      return;
    }

  config = new_stack_config (self);
  /* The simulator's own demo account, whatever the account settings say. */
  tb_qpay_config_free (config->qpay);
  config->qpay = tb_sim_server_new_config (self->sim);
  build (self, config, TRUE, banner);
}

static void
build_real (TbQpaySetup       *self,
            TbQpayEnvironment  env,
            const char        *secret)
{
  g_autoptr(TbStackConfig) config = new_stack_config (self);

  config->qpay->environment = env;
  config->qpay->base_url = dup_base_url (env);
  config->qpay->client_secret = g_strdup (secret);

  /* A real account: the simulator is not needed any more. */
  stop_own_sim (self);
  build (self, config, FALSE, NULL);
}

static const char *
not_set_up_banner (void)
{
  return _("Demo mode: QPay is not set up yet, so QR payments are simulated. No real money moves.");
}

#if HAVE_LIBSECRET
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
      g_autofree char *env_text = dup_setting (self, "qpay-environment");
      g_autofree char *client_id = dup_setting (self, "qpay-client-id");

      remember_secret (self, env_text, client_id, secret);
      secret_password_free (secret);
      build_real (self, configured_environment (self), self->secret);
    }
  else
    {
      build_demo (self, not_set_up_banner ());
    }
}
#endif

static void
reconfigure (TbQpaySetup *self)
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
      teardown_services (self);
      set_state (self, TB_QPAY_SETUP_FAILED,
                 _("QPay cannot be used while the ledger is not open."), NULL);
      return;
    }

  env = configured_environment (self);
  if (env == TB_QPAY_ENV_SIMULATOR)
    {
      build_demo (self, _("Demo mode: QR payments are simulated. No real money moves."));
      return;
    }

  env_text = g_strdup (tb_qpay_environment_to_string (env));
  client_id = dup_setting (self, "qpay-client-id");
  invoice_code = dup_setting (self, "qpay-invoice-code");
  if (client_id == NULL || invoice_code == NULL)
    {
      build_demo (self, not_set_up_banner ());
      return;
    }

  secret = memory_secret_for (self, env_text, client_id);
  if (secret != NULL)
    {
      build_real (self, env, secret);
      return;
    }

#if HAVE_LIBSECRET
  if (self->keyring_available)
    {
      Lookup *lookup = g_new0 (Lookup, 1);

      lookup->self = g_object_ref (self);
      lookup->generation = self->generation;
      teardown_services (self);
      set_state (self, TB_QPAY_SETUP_STARTING,
                 _("QPay is starting. Try again in a moment."), NULL);
      secret_password_lookup (secret_schema (), self->cancellable, lookup_done_cb, lookup,
                              "environment", env_text,
                              "client-id", client_id,
                              NULL);
      return;
    }
#endif

  build_demo (self, not_set_up_banner ());
}

static gboolean
reconfigure_cb (gpointer user_data)
{
  TbQpaySetup *self = user_data;

  self->reconfigure_source = 0;
  reconfigure (self);

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
      apply_receipt_settings (self);
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

  remember_secret (self, NULL, NULL, NULL);
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
  signals [CHANGED] =
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
  signals [PAYMENT_SETTLED] =
    g_signal_new ("payment-settled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * TbQpaySetup::intent-changed:
   * @intent_id: the intent
   * @state: its #TbIntentState now
   *
   * TbPaymentService::intent-changed of the current service.
   */
  signals [INTENT_CHANGED] =
    g_signal_new ("intent-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);

  /**
   * TbQpaySetup::receipt-changed:
   * @receipt_id: the receipt
   * @state: its #TbReceiptState now
   *
   * TbReceiptQueue::receipt-changed of the current queue.
   */
  signals [RECEIPT_CHANGED] =
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
  reconfigure (self);
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
  teardown_services (self);
  stop_own_sim (self);
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

  name = dup_setting (self, "business-name");
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

gboolean
tb_qpay_setup_has_secret (TbQpaySetup *self)
{
  g_autofree char *env_text = NULL;
  g_autofree char *client_id = NULL;

  g_return_val_if_fail (TB_IS_QPAY_SETUP (self), FALSE);

  env_text = g_strdup (tb_qpay_environment_to_string (configured_environment (self)));
  client_id = dup_setting (self, "qpay-client-id");

  return memory_secret_for (self, env_text, client_id) != NULL;
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
  wipe_free (data->secret);
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

  remember_secret (self, data->environment, data->client_id, data->secret);
  if (self->started)
    reconfigure (self);

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

      secret_password_store (secret_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                             cancellable, store_done_cb, g_steal_pointer (&task),
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

/* ---- test connection ---- */

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

  wipe_free (token);
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

void
tb_qpay_setup_test_connection_async (TbQpaySetup         *self,
                                     const TbQpayConfig  *config,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *known;
  TestData *data;

  g_return_if_fail (TB_IS_QPAY_SETUP (self));
  g_return_if_fail (config != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_qpay_setup_test_connection_async);

  data = g_new0 (TestData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) test_data_free);

  if (config->environment == TB_QPAY_ENV_SIMULATOR)
    {
      if (!ensure_sim (self, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      data->config = tb_sim_server_new_config (self->sim);
      test_login (g_steal_pointer (&task));
      return;
    }

  data->config = tb_qpay_config_copy (config);
  if (data->config->base_url == NULL)
    data->config->base_url = dup_base_url (config->environment);

  if (data->config->client_secret != NULL)
    {
      test_login (g_steal_pointer (&task));
      return;
    }

  known = memory_secret_for (self, tb_qpay_environment_to_string (config->environment),
                             config->client_id);
  if (known != NULL || config->client_id == NULL)
    {
      data->config->client_secret = g_strdup (known);
      test_login (g_steal_pointer (&task));
      return;
    }

#if HAVE_LIBSECRET
  if (self->keyring_available)
    {
      secret_password_lookup (secret_schema (), cancellable, test_lookup_cb, g_steal_pointer (&task),
                              "environment", tb_qpay_environment_to_string (config->environment),
                              "client-id", config->client_id,
                              NULL);
      return;
    }
#endif

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
