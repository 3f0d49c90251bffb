/* tb-qpay-setup.h: QPay for the app: configuration, keyring secret, demo mode, services
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "providers/tb-qpay-types.h"
#include "services/tb-payment-service.h"
#include "services/tb-payment-watcher.h"
#include "services/tb-receipt-queue.h"
#include "services/tb-reconciler.h"
#include "services/tb-stack.h"
#include "sim/tb-sim-server.h"

G_BEGIN_DECLS

/* One TbQpaySetup per app (TbApplication owns it). From GSettings (qpay-*, ebarimt-*) and the
 * client secret (libsecret, schema TB_QPAY_SECRET_SCHEMA, attributes "environment" and
 * "client-id"; never in GSettings or SQLite, never logged) it fills a TbStackConfig and
 * builds the services stack (tb-stack.h), and builds it again when the QPay settings change.
 * Ebarimt settings are applied in place.
 *
 * Demo mode: with the "simulator" environment, or without a client id, secret or invoice
 * code, the QPay simulator runs in-process on 127.0.0.1 and every QR is simulated.
 *
 * The setup re-emits the current service's and queue's signals, so windows connect once and
 * never to an object that a rebuild replaces:
 *   "changed"          ()                                 service rebuilt, or state changed
 *   "payment-settled"  (gint64 bill_id, gint64 amount, gint64 intent_id)
 *   "intent-changed"   (gint64 intent_id, int state)
 *   "receipt-changed"  (gint64 receipt_id, int state)
 *
 * Timing comes from a TbStackTiming: production values unless a test harness sets others
 * with tb_qpay_setup_set_default_timing() (before the app starts) or tb_qpay_setup_set_timing().
 * TULBUR_QPAY_BASE_URL replaces the sandbox/live address (https, or http on loopback only). */

#define TB_QPAY_SECRET_SCHEMA "io.github.tulbur.Tulbur.QPay"

#define TB_TYPE_QPAY_SETUP (tb_qpay_setup_get_type ())
G_DECLARE_FINAL_TYPE (TbQpaySetup, tb_qpay_setup, TB, QPAY_SETUP, GObject)

typedef enum
{
  TB_QPAY_SETUP_STARTING,   /* reading the keyring: no service yet */
  TB_QPAY_SETUP_READY,      /* a service is there (demo or real) */
  TB_QPAY_SETUP_FAILED,     /* the configuration cannot be used: see get_problem() */
} TbQpaySetupState;

/* @ledger NULL: QPay stays unavailable. @settings NULL: demo mode with defaults. */
TbQpaySetup       *tb_qpay_setup_new                 (TbLedger          *ledger,
                                                      GSettings         *settings);
/* Tests: use this simulator (already started) for demo mode instead of starting one, so
 * that it outlives an app restart. Call before tb_qpay_setup_start(). */
void               tb_qpay_setup_use_sim             (TbQpaySetup       *self,
                                                      TbSimServer       *sim);
/* Reads the configuration (the keyring asynchronously), builds the services, starts the
 * reconciler and checks again every open intent younger than 24 h (docs/payment-intents.md). */
void               tb_qpay_setup_start               (TbQpaySetup       *self);
/* Stops the reconciler and the watcher timers and the simulator this setup started. */
void               tb_qpay_setup_stop                (TbQpaySetup       *self);

TbQpaySetupState   tb_qpay_setup_get_state           (TbQpaySetup       *self);
/* Why QPay cannot be used right now (translated), or NULL when it can. */
const char        *tb_qpay_setup_get_problem         (TbQpaySetup       *self);
TbPaymentService  *tb_qpay_setup_get_payment_service (TbQpaySetup       *self);
TbReceiptQueue    *tb_qpay_setup_get_receipt_queue   (TbQpaySetup       *self);
TbReconciler      *tb_qpay_setup_get_reconciler      (TbQpaySetup       *self);
/* The current services stack, or NULL while there is none. */
TbStack           *tb_qpay_setup_get_stack           (TbQpaySetup       *self);
TbLedger          *tb_qpay_setup_get_ledger          (TbQpaySetup       *self);
GSettings         *tb_qpay_setup_get_settings        (TbQpaySetup       *self);
gboolean           tb_qpay_setup_is_demo             (TbQpaySetup       *self);
/* The simulator in demo mode, else NULL. */
TbSimServer       *tb_qpay_setup_get_sim             (TbQpaySetup       *self);
/* What the window's strip says: demo mode and why, or why QPay is unavailable; NULL when a
 * real QPay account is in use. */
const char        *tb_qpay_setup_get_banner          (TbQpaySetup       *self);
/* "sim", "sandbox" or "live": the environment intents are made in now (NULL when none). */
const char        *tb_qpay_setup_get_environment     (TbQpaySetup       *self);
/* The business name for the customer display ("" when not set). */
char              *tb_qpay_setup_dup_business_name   (TbQpaySetup       *self);

/* Timing. A test harness sets short delays for every setup made afterwards (NULL: the
 * production values again); never called in normal use. */
void               tb_qpay_setup_set_default_timing  (const TbStackTiming *timing);
/* This setup's timing; applied by the next rebuild (call before tb_qpay_setup_start()). */
void               tb_qpay_setup_set_timing          (TbQpaySetup       *self,
                                                      const TbStackTiming *timing);
const TbStackTiming *tb_qpay_setup_get_timing        (TbQpaySetup       *self);
void               tb_qpay_setup_configure_watcher   (TbQpaySetup       *self,
                                                      TbPaymentWatcher  *watcher);
guint              tb_qpay_setup_get_paid_close_ms   (TbQpaySetup       *self);

/* The client secret. Stored in the keyring (replacing the one for the same environment and
 * client id); without a keyring it is kept in memory for this session and *@out_in_keyring
 * is FALSE. The services are rebuilt afterwards. */
void               tb_qpay_setup_store_secret_async  (TbQpaySetup       *self,
                                                      const char        *environment,
                                                      const char        *client_id,
                                                      const char        *secret,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
gboolean           tb_qpay_setup_store_secret_finish (TbQpaySetup       *self,
                                                      GAsyncResult      *result,
                                                      gboolean          *out_in_keyring,
                                                      GError           **error);
/* Whether a secret is known for the configured environment and client id. */
gboolean           tb_qpay_setup_has_secret          (TbQpaySetup       *self);
/* FALSE when built without libsecret, or after the keyring refused a lookup or a store. */
gboolean           tb_qpay_setup_get_keyring_available (TbQpaySetup     *self);

/* "Test connection": a temporary client for @config logs in (the token call). A NULL
 * client_secret in @config means the secret already stored for that environment and client
 * id. For the simulator environment the in-process simulator is used (and started). The
 * error never contains the secret. */
void               tb_qpay_setup_test_connection_async  (TbQpaySetup         *self,
                                                         const TbQpayConfig  *config,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean           tb_qpay_setup_test_connection_finish (TbQpaySetup         *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
