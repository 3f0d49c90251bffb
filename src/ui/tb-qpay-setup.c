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
#include "services/tb-error-advice.h"
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

  /* DESIGN.md §4.4, once per environment: a rebuild for another setting does not repeat it. */
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

/* ---- errors ---- */

GtkWidget *
tb_qpay_show_error (GtkWidget    *widget,
                    const char   *heading,
                    const GError *error)
{
  GtkRoot *root = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (heading != NULL, NULL);

  if (widget != NULL)
    root = gtk_widget_get_root (widget);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s",
                                  error != NULL ? error->message : "",
                                  tb_error_advice (error));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_widget_set_name (dialog, "error-dialog");
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

/* ---- Preferences → QPay ---- */

/* The page keeps what it needs on the page object itself (it has no class of its own). */
typedef struct
{
  TbQpaySetup       *setup;
  GSettings         *settings;
  AdwPreferencesPage *page;
  AdwComboRow       *environment_row;
  AdwEntryRow       *client_id_row;
  AdwEntryRow       *secret_row;
  AdwEntryRow       *invoice_code_row;
  AdwEntryRow       *branch_code_row;
  AdwEntryRow       *callback_row;
  GtkLabel          *secret_label;
  GtkLabel          *callback_label;
  GtkLabel          *state_label;
  GtkButton         *test_button;
  GtkLabel          *test_label;
  GCancellable      *cancellable;
} QpayPage;

static const TbQpayEnvironment page_environments[] = {
  TB_QPAY_ENV_SIMULATOR, TB_QPAY_ENV_SANDBOX, TB_QPAY_ENV_LIVE,
};

static void
qpay_page_free (QpayPage *page)
{
  g_cancellable_cancel (page->cancellable);
  g_clear_object (&page->cancellable);
  g_signal_handlers_disconnect_by_data (page->setup, page);
  g_clear_object (&page->setup);
  g_clear_object (&page->settings);
  g_free (page);
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

static AdwEntryRow *
add_entry_row (AdwPreferencesGroup *group,
               const char          *name,
               const char          *title,
               const char          *key,
               GSettings           *settings)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  gtk_widget_set_name (GTK_WIDGET (row), name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (row, TRUE);
  if (key != NULL && tb_ui_settings_has_key (settings, key))
    {
      g_autofree char *value = g_settings_get_string (settings, key);

      gtk_editable_set_text (GTK_EDITABLE (row), value);
    }
  adw_preferences_group_add (group, GTK_WIDGET (row));

  return row;
}

static GtkLabel *
add_message_label (AdwPreferencesGroup *group,
                   const char          *name)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_visible (label, FALSE);
  adw_preferences_group_add (group, label);

  return GTK_LABEL (label);
}

AdwPreferencesPage *
tb_qpay_preferences_page_new (TbQpaySetup *setup)
{
  g_autoptr(GtkStringList) environments = NULL;
  AdwPreferencesGroup *group;
  GtkWidget *row;
  QpayPage *page;

  g_return_val_if_fail (TB_IS_QPAY_SETUP (setup), NULL);

  page = g_new0 (QpayPage, 1);
  page->setup = g_object_ref (setup);
  page->settings = setup->settings != NULL ? g_object_ref (setup->settings) : NULL;
  page->cancellable = g_cancellable_new ();
  page->page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_name (GTK_WIDGET (page->page), "qpay");
  adw_preferences_page_set_title (page->page, _("QPay"));
  adw_preferences_page_set_icon_name (page->page, "phone-symbolic");
  g_object_set_data_full (G_OBJECT (page->page), "tb-qpay-page", page, (GDestroyNotify) qpay_page_free);

  /* The account */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("QPay Merchant Account"));
  adw_preferences_group_set_description (group,
                                         _("The client ID, secret and invoice code come from QPay with the merchant contract."));
  adw_preferences_page_add (page->page, group);

  page->state_label = add_message_label (group, "pref-qpay-state");

  environments = gtk_string_list_new (NULL);
  gtk_string_list_append (environments, _("Simulator (no real money)"));
  gtk_string_list_append (environments, _("Sandbox (QPay’s test service)"));
  gtk_string_list_append (environments, _("Live"));
  page->environment_row = ADW_COMBO_ROW (adw_combo_row_new ());
  gtk_widget_set_name (GTK_WIDGET (page->environment_row), "pref-qpay-environment");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (page->environment_row), _("Environment"));
  adw_combo_row_set_model (page->environment_row, G_LIST_MODEL (environments));
  {
    TbQpayEnvironment env = configured_environment (setup);

    for (guint i = 0; i < G_N_ELEMENTS (page_environments); i++)
      if (page_environments[i] == env)
        adw_combo_row_set_selected (page->environment_row, i);
  }
  adw_preferences_group_add (group, GTK_WIDGET (page->environment_row));

  page->client_id_row = add_entry_row (group, "pref-qpay-client-id", _("Client ID"),
                                       "qpay-client-id", page->settings);

  page->secret_row = ADW_ENTRY_ROW (adw_password_entry_row_new ());
  gtk_widget_set_name (GTK_WIDGET (page->secret_row), "pref-qpay-client-secret");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (page->secret_row), _("Client secret"));
  adw_entry_row_set_show_apply_button (page->secret_row, TRUE);
  adw_preferences_group_add (group, GTK_WIDGET (page->secret_row));
  page->secret_label = add_message_label (group, "pref-qpay-secret-status");

  page->invoice_code_row = add_entry_row (group, "pref-qpay-invoice-code", _("Invoice code"),
                                          "qpay-invoice-code", page->settings);
  page->branch_code_row = add_entry_row (group, "pref-qpay-branch-code", _("Branch code"),
                                         "qpay-branch-code", page->settings);
  page->callback_row = add_entry_row (group, "pref-qpay-callback-url",
                                      _("Callback address (optional)"),
                                      "qpay-callback-url", page->settings);
  page->callback_label = add_message_label (group, "pref-qpay-callback-message");

  /* The check */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Connection"));
  adw_preferences_page_add (page->page, group);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Test connection"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Logs in to QPay with the details above. Nothing is charged."));
  page->test_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Test")));
  gtk_widget_set_name (GTK_WIDGET (page->test_button), "pref-qpay-test-button");
  gtk_widget_set_valign (GTK_WIDGET (page->test_button), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (page->test_button));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (page->test_button));
  adw_preferences_group_add (group, row);
  page->test_label = add_message_label (group, "pref-qpay-test-result");

  if (page->settings == NULL)
    adw_preferences_group_set_description (group,
                                           _("These settings cannot be kept: the settings schema is not installed."));

  g_signal_connect_swapped (page->environment_row, "notify::selected",
                            G_CALLBACK (environment_selected_cb), page);
  g_signal_connect_swapped (page->client_id_row, "apply", G_CALLBACK (client_id_apply_cb), page);
  g_signal_connect_swapped (page->secret_row, "apply", G_CALLBACK (secret_apply_cb), page);
  g_signal_connect_swapped (page->invoice_code_row, "apply", G_CALLBACK (invoice_code_apply_cb), page);
  g_signal_connect_swapped (page->branch_code_row, "apply", G_CALLBACK (branch_code_apply_cb), page);
  g_signal_connect_swapped (page->callback_row, "apply", G_CALLBACK (callback_apply_cb), page);
  g_signal_connect_swapped (page->callback_row, "changed", G_CALLBACK (callback_changed_cb), page);
  g_signal_connect_swapped (page->test_button, "clicked", G_CALLBACK (test_clicked_cb), page);
  g_signal_connect_swapped (setup, "changed", G_CALLBACK (setup_changed_cb), page);

  update_page (page);

  return page->page;
}
