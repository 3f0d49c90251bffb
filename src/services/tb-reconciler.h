/* tb-reconciler.h: the background pass over pending intents
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-payment-service.h"
#include "tb-receipt-queue.h"

G_BEGIN_DECLS

/* docs/payment-intents.md: on start and then every 60 s, at most 20 intents younger than 24 h of
 * the service's provider and environment, least recently checked first, one at a time: open
 * ones not checked in the last 2 minutes, and, every 10 minutes, those that are closed but
 * whose invoices may still take money (PAID: a second payment on the same QR; an extra invoice
 * not yet confirmed cancelled; closed without a final check). An open intent past its lifetime
 * gets a final check and is expired. When nothing is watched no timer runs at all: the
 * service's "intent-changed" signal re-arms the reconciler when a new QR appears.
 * Checks go through the service, so they join a watcher's check instead of racing it. */

#define TB_TYPE_RECONCILER (tb_reconciler_get_type ())
G_DECLARE_FINAL_TYPE (TbReconciler, tb_reconciler, TB, RECONCILER, GObject)

#define TB_RECONCILER_PERIOD_S     60
#define TB_RECONCILER_BATCH        20
#define TB_RECONCILER_MAX_AGE_S    (24 * 3600)
#define TB_RECONCILER_MIN_GAP_S    120
#define TB_RECONCILER_SETTLED_GAP_S 600

typedef struct
{
  guint checked;        /* intents checked */
  guint settled;        /* payments newly recorded */
  guint expired;        /* intents expired */
  guint failed;         /* checks that failed (retried on a later pass) */
  guint receipts;       /* receipts registered by this pass */
  guint receipts_failed;
} TbReconcileStats;

TbReconciler *tb_reconciler_new        (TbPaymentService *service);
/* Runs a pass now, then keeps the timer while anything is open. */
void          tb_reconciler_start      (TbReconciler     *self);
void          tb_reconciler_stop       (TbReconciler     *self);
/* The clock for "now" and the period timer (default: the system clock). */
void          tb_reconciler_set_clock  (TbReconciler     *self,
                                        TbClock          *clock);
/* Period and minimum gap between checks of one intent (tests). */
void          tb_reconciler_set_timing (TbReconciler     *self,
                                        guint             period_ms,
                                        guint             min_gap_ms);
/* The same pass retries receipts that are due (docs/payment-intents.md); NULL: no receipts. */
void          tb_reconciler_set_receipt_queue (TbReconciler   *self,
                                               TbReceiptQueue *queue);
/* Whether the periodic timer is armed (FALSE when nothing is pending). */
gboolean      tb_reconciler_is_armed   (TbReconciler     *self);
gboolean      tb_reconciler_is_running (TbReconciler     *self);

/* One pass, for `tulbur-cli reconcile --once` and tests. */
void          tb_reconciler_run_once_async  (TbReconciler        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      tb_reconciler_run_once_finish (TbReconciler        *self,
                                             GAsyncResult        *result,
                                             TbReconcileStats    *out_stats,
                                             GError             **error);

G_END_DECLS
