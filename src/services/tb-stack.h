/* tb-stack.h: the services stack, built in one place from one configuration
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/tb-clock.h"
#include "core/tb-ledger.h"
#include "providers/tb-qpay-client.h"
#include "providers/tb-qpay-provider.h"
#include "tb-payment-service.h"
#include "tb-payment-watcher.h"
#include "tb-receipt-queue.h"
#include "tb-reconciler.h"

G_BEGIN_DECLS

/* The composition root (docs/architecture.md): the QPay client, the provider, the payment service,
 * the receipt queue and the reconciler, wired together from one TbStackConfig. The app
 * (tb-qpay-setup.c) fills the configuration from GSettings and the keyring, the CLI from
 * QPAY_* variables; neither builds a service itself, so the same settings always make the
 * same requests. The stack is GTK-free. */

/* Every delay the stack uses. tb_stack_timing_init() gives the production values; tests set
 * shorter ones here instead of through hooks in the code. */
typedef struct
{
  guint watcher_interval_ms;     /* QR on screen: 3000 */
  guint watcher_max_backoff_ms;  /* 30000 */
  guint reconcile_period_ms;     /* background pass: 60000 */
  guint reconcile_min_gap_ms;    /* per intent: 120000 */
  guint request_timeout_ms;      /* 0: the client's default (20 s) */
  guint paid_close_ms;           /* the paid QR window closes after: 2000 */
  guint demo_latency_ms;         /* the in-process simulator's latency in demo mode: 150 */
} TbStackTiming;

void tb_stack_timing_init (TbStackTiming *timing);

typedef struct
{
  TbQpayConfig  *qpay;                /* never NULL; base_url NULL: the environment's default */
  gboolean       ebarimt_enabled;     /* issue e-receipts (and QPay invoices in Ebarimt form) */
  char          *receiver_type;       /* "CITIZEN" (NULL) or "COMPANY" */
  char          *district_code;       /* 4 digits, or NULL */
  char          *classification_code; /* 7 digits, or NULL */
  char          *business_name;       /* printed on receipts; NULL: not set */
  char          *business_tin;
  TbStackTiming  timing;
  TbClock       *clock;               /* NULL: the system clock */
} TbStackConfig;

/* Production timing, nothing else set. */
TbStackConfig *tb_stack_config_new   (void);
TbStackConfig *tb_stack_config_copy  (const TbStackConfig *config);
void           tb_stack_config_free  (TbStackConfig       *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbStackConfig, tb_stack_config_free)

/* The app's settings (schema io.github.tulbur.Tulbur): qpay-environment, qpay-client-id,
 * qpay-invoice-code, qpay-branch-code, qpay-callback-url, ebarimt-*, business-name and
 * business-tin. Keys missing from an older schema are left as they are. The secret is not in
 * the settings: the caller adds it (from the keyring). */
void           tb_stack_config_load_settings (TbStackConfig *config,
                                              GSettings     *settings);
/* The CLI's variables: QPAY_ENV (default live), QPAY_BASE_URL, QPAY_CLIENT_ID,
 * QPAY_CLIENT_SECRET, QPAY_INVOICE_CODE, QPAY_BRANCH_CODE, QPAY_CALLBACK_URL,
 * QPAY_TIMEOUT_MS, QPAY_EBARIMT_ENABLED, QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE, …_DISTRICT_CODE,
 * …_CLASSIFICATION_CODE, TULBUR_BUSINESS_NAME and TULBUR_BUSINESS_TIN. A missing or unusable
 * variable is TB_SERVICE_ERROR_NOT_CONFIGURED naming it (never the secret's value). */
gboolean       tb_stack_config_load_env      (TbStackConfig  *config,
                                              GError        **error);

#define TB_TYPE_STACK (tb_stack_get_type ())
G_DECLARE_FINAL_TYPE (TbStack, tb_stack, TB, STACK, GObject)

/* Builds every service; TB_QPAY_ERROR_CONFIG when the QPay configuration is unusable. Nothing
 * runs until tb_stack_start(). */
TbStack           *tb_stack_new                  (TbLedger            *ledger,
                                                  const TbStackConfig *config,
                                                  GError             **error);
const TbStackConfig *tb_stack_get_config         (TbStack             *self);
TbLedger          *tb_stack_get_ledger           (TbStack             *self);
TbClock           *tb_stack_get_clock            (TbStack             *self);
TbQpayClient      *tb_stack_get_client           (TbStack             *self);
TbQpayProvider    *tb_stack_get_provider         (TbStack             *self);
TbPaymentService  *tb_stack_get_payment_service  (TbStack             *self);
TbReceiptQueue    *tb_stack_get_receipt_queue    (TbStack             *self);
TbReconciler      *tb_stack_get_reconciler       (TbStack             *self);
/* "sim", "sandbox" or "live". */
const char        *tb_stack_get_environment      (TbStack             *self);

/* Applies Ebarimt settings in place (the app's Preferences): the queue's defaults, whether
 * settlement queues receipts, and the invoice form. */
void               tb_stack_set_receipt_settings (TbStack             *self,
                                                  gboolean             enabled,
                                                  const char          *receiver_type,
                                                  const char          *district_code,
                                                  const char          *classification_code);

/* The long-running app: starts the reconciler, and issues receipts soon after each
 * settlement. The start-up check is separate (tb_stack_check_open_async()). */
void               tb_stack_start                (TbStack             *self);
void               tb_stack_stop                 (TbStack             *self);
/* Receipts soon: through a reconciler pass (never a second, concurrent run of the queue);
 * a pass already running is followed by one more. Only while started. */
void               tb_stack_issue_receipts_soon  (TbStack             *self);

/* docs/payment-intents.md: checks again, one at a time, oldest first, every open intent of this
 * provider and environment younger than 24 h. *@out_checked: how many were checked. */
void               tb_stack_check_open_async     (TbStack             *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           tb_stack_check_open_finish    (TbStack             *self,
                                                  GAsyncResult        *result,
                                                  guint               *out_checked,
                                                  GError             **error);

/* A watcher for a QR on screen, with the configured timing. */
TbPaymentWatcher  *tb_stack_new_watcher          (TbStack             *self,
                                                  gint64               intent_id,
                                                  gint64               expires_us);

/* `reconcile --once`: every open intent checked once (in batches of the reconciler), then
 * the receipts due. The whole run ends by @deadline_us (on the stack's clock): each request
 * gets at most the time that is left, and a run cut short fails with
 * TB_SERVICE_ERROR_DEADLINE. A run in which checks failed fails with the reason (the first
 * distinct messages, translated); *@out_stats is filled in either case. */
void               tb_stack_reconcile_once_async  (TbStack             *self,
                                                   gint64               deadline_us,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean           tb_stack_reconcile_once_finish (TbStack             *self,
                                                   GAsyncResult        *result,
                                                   TbReconcileStats    *out_stats,
                                                   GError             **error);

G_END_DECLS
