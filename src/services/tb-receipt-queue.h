/* tb-receipt-queue.h: issues Ebarimt 3.0 receipts for settled QPay payments
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/tb-clock.h"
#include "core/tb-ledger.h"
#include "providers/tb-qpay-client.h"

G_BEGIN_DECLS

/* docs/data-flow.md and issue #6. Receipt rows are queued by the settlement itself (same
 * transaction); this queue issues them afterwards, never before settlement and never blocking
 * it:
 *   - switched off → SKIPPED;
 *   - the request is built from the bill's own choices or the defaults, and checked before
 *     anything is sent (district 4 digits, classification 7, company TIN, e-barimt phone 8);
 *   - the attempt is recorded (receiver sealed, `unknown` set) before the request goes out;
 *   - REGISTERED is final; a refusal is stored with QPay's key and retried after 1, 2, 5, 15,
 *     then every 60 minutes, or at once with retry_async() (the Retry button);
 *   - a lost answer (timeout, dropped connection, 5xx) leaves the receipt `unknown`: the next
 *     attempt first asks QPay whether the receipt exists (GET /v2/ebarimt_v3/{payment_id}) and
 *     only creates it when QPay says it does not (EBARIMT_NOT_REGISTERED, or a cancelled
 *     receipt), so one payment never gets two receipts. When the lookup is answered any
 *     other way the outcome stays unknown for staff to resolve (TB_RECEIPT_KEY_UNKNOWN_OUTCOME,
 *     with a translated message): only lookups are tried again, never a second create.
 * One receipt is processed at a time. Each attempt uses the settings of when it started (an
 * immutable snapshot), and the queue reads the time from its TbClock. */

#define TB_TYPE_RECEIPT_QUEUE (tb_receipt_queue_get_type ())
G_DECLARE_FINAL_TYPE (TbReceiptQueue, tb_receipt_queue, TB, RECEIPT_QUEUE, GObject)

typedef struct
{
  gboolean    enabled;
  const char *receiver_type;        /* "CITIZEN" (default) or "COMPANY" */
  const char *district_code;        /* 4 digits, or NULL */
  const char *classification_code;  /* 7 digits, or NULL */
} TbReceiptSettings;

/* The last_error_key of a receipt whose create may or may not have registered it, and whose
 * lookup could not tell: staff must check (see tb_receipt_is_outcome_unknown()). */
#define TB_RECEIPT_KEY_UNKNOWN_OUTCOME "UNKNOWN_OUTCOME"

typedef struct
{
  guint registered;
  guint failed;
  guint skipped;
} TbReceiptStats;

TbReceiptQueue *tb_receipt_queue_new          (TbLedger                *ledger,
                                               TbQpayClient            *client);
void            tb_receipt_queue_set_settings (TbReceiptQueue          *self,
                                               const TbReceiptSettings *settings);
/* May be called from any thread. */
gboolean        tb_receipt_queue_get_enabled  (TbReceiptQueue          *self);
/* The clock next attempts are scheduled on and due receipts are picked by (default: the
 * system clock; NULL restores it). */
void            tb_receipt_queue_set_clock    (TbReceiptQueue          *self,
                                               TbClock                 *clock);
/* The delay before attempt number @attempts + 1 after a failure: 1, 2, 5, 15, 60, 60 … min. */
gint64          tb_receipt_queue_backoff_us   (int                      attempts);
/* TRUE for an ERROR receipt whose outcome is unknown and needs staff (see above). */
gboolean        tb_receipt_is_outcome_unknown (const TbReceipt         *receipt);

/* Every receipt due now. */
void            tb_receipt_queue_process_async  (TbReceiptQueue       *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        tb_receipt_queue_process_finish (TbReceiptQueue       *self,
                                                 GAsyncResult         *result,
                                                 TbReceiptStats       *out_stats,
                                                 GError              **error);
/* The Retry button: this receipt now, whatever its schedule (never a REGISTERED one). */
void            tb_receipt_queue_retry_async    (TbReceiptQueue       *self,
                                                 gint64                receipt_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* The receipt after the attempt. */
TbReceipt      *tb_receipt_queue_retry_finish   (TbReceiptQueue       *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
/* Staff resolved an unknown outcome: they checked at QPay (the merchant portal) that this
 * payment has no e-receipt. Like retry_async(), but the create is sent without looking the
 * receipt up first. Finish with tb_receipt_queue_retry_finish(). */
void            tb_receipt_queue_create_again_async (TbReceiptQueue   *self,
                                                     gint64            receipt_id,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
/* A voided bill or a refunded payment: DELETE /v2/ebarimt_v3/{payment_id} with @note. */
void            tb_receipt_queue_cancel_async   (TbReceiptQueue       *self,
                                                 gint64                receipt_id,
                                                 const char           *note,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        tb_receipt_queue_cancel_finish  (TbReceiptQueue       *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
