/* tb-payment-watcher.h: polls one intent while its QR is on screen
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-payment-service.h"

G_BEGIN_DECLS

/* docs/payment-intents.md. Every 3 s while the QR is shown, armed only once the previous answer is in
 * (also the answer to a check made before a stop() and start()); on network errors 3, 6, 12 …
 * 30 s with "connection-problem" set; stops when the intent is no longer open, when it expires
 * (after a final check, through the service), or on stop(). check_now() checks at once unless a
 * check is already in flight. Timers run on a TbClock, so tests drive them with a fake one. */

#define TB_TYPE_PAYMENT_WATCHER (tb_payment_watcher_get_type ())
G_DECLARE_FINAL_TYPE (TbPaymentWatcher, tb_payment_watcher, TB, PAYMENT_WATCHER, GObject)

#define TB_PAYMENT_WATCHER_INTERVAL_MS    3000
#define TB_PAYMENT_WATCHER_MAX_BACKOFF_MS 30000

typedef enum
{
  TB_WATCH_WAITING,        /* waiting for the customer */
  TB_WATCH_CHECKING,       /* a check is in flight */
  TB_WATCH_PAID,           /* the intent is paid (settled) */
  TB_WATCH_EXPIRED,
  TB_WATCH_CANCELLED,
  TB_WATCH_FAILED,
} TbWatchStatus;

TbPaymentWatcher *tb_payment_watcher_new          (TbPaymentService *service,
                                                   gint64            intent_id,
                                                   gint64            expires_us);
void              tb_payment_watcher_start        (TbPaymentWatcher *self);
void              tb_payment_watcher_stop         (TbPaymentWatcher *self);
void              tb_payment_watcher_check_now    (TbPaymentWatcher *self);
/* The clock for the timers and the expiry (default: the payment service's clock). */
void              tb_payment_watcher_set_clock    (TbPaymentWatcher *self,
                                                   TbClock          *clock);
/* The polling interval and the longest back-off (default 3 s and 30 s). */
void              tb_payment_watcher_set_interval (TbPaymentWatcher *self,
                                                   guint             interval_ms,
                                                   guint             max_backoff_ms);
gint64            tb_payment_watcher_get_intent_id (TbPaymentWatcher *self);
TbWatchStatus     tb_payment_watcher_get_status   (TbPaymentWatcher *self);
gboolean          tb_payment_watcher_get_connection_problem (TbPaymentWatcher *self);
/* The last check error's message (translated), or NULL. */
const char       *tb_payment_watcher_get_last_error (TbPaymentWatcher *self);
/* The delay before the next check, in ms (the backoff), for tests and the status line. */
guint             tb_payment_watcher_get_next_delay (TbPaymentWatcher *self);
/* Checks made so far. */
guint             tb_payment_watcher_get_check_count (TbPaymentWatcher *self);
const TbCheckOutcome *tb_payment_watcher_get_outcome (TbPaymentWatcher *self);

G_END_DECLS
