/* tb-payment-service.h: payment intents from QR to settlement
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/tb-ledger.h"
#include "providers/tb-payment-provider.h"

G_BEGIN_DECLS

/* The one place that moves an intent through DESIGN.md §4:
 *   open      reuse an open intent for the same bill and amount (same QR); otherwise cancel the
 *             bill's other open intents first, commit a NEW intent with its sender_invoice_no,
 *             then ask the provider; a failed or timed-out create leaves the intent NEW so the
 *             next attempt sends the same number;
 *   check     ask the provider, settle every paid row once by its transaction id (one ledger
 *             transaction each), note the check; a NEW intent is "checked" by retrying its create;
 *   cancel    cancel at the provider; an invoice that turns out paid is checked and settled
 *             instead; a final check after the cancel catches a payment that raced it;
 *   expire    a final check, then cancel, then EXPIRED.
 * Calls for one intent are single-flight: a check asked for while another is in flight (watcher,
 * reconciler, "Check now") joins it, so there are never two provider requests for one intent.
 * Ledger writes run in worker threads; nothing here blocks the main loop. */

#define TB_TYPE_PAYMENT_SERVICE (tb_payment_service_get_type ())
G_DECLARE_FINAL_TYPE (TbPaymentService, tb_payment_service, TB, PAYMENT_SERVICE, GObject)

/* How long a QR stays payable before Tulbur expires it (cancels the invoice after a final
 * check). QPay itself publishes no default lifetime. */
#define TB_PAYMENT_SERVICE_DEFAULT_LIFETIME_S (15 * 60)

typedef struct
{
  gint64         intent_id;
  TbIntentState  state;           /* after the call */
  guint          newly_settled;   /* payments recorded by this call */
  gint64         settled_amount;  /* their sum, minor units */
  gint64         bill_due;        /* what the bill still owes */
  TbBillStatus   bill_status;
  gboolean       overpaid;
} TbCheckOutcome;

TbPaymentService  *tb_payment_service_new          (TbLedger          *ledger,
                                                    TbPaymentProvider *provider);
TbLedger          *tb_payment_service_get_ledger   (TbPaymentService  *self);
TbPaymentProvider *tb_payment_service_get_provider (TbPaymentService  *self);
void               tb_payment_service_set_lifetime (TbPaymentService  *self,
                                                    guint              seconds);
guint              tb_payment_service_get_lifetime (TbPaymentService  *self);
/* Whether settled QPay payments queue an Ebarimt receipt (PENDING) or record it SKIPPED.
 * Default FALSE. */
void               tb_payment_service_set_receipts_enabled (TbPaymentService *self,
                                                            gboolean          enabled);

/* Checks @amount against the provider's rules (> 0, ≤ due, minimum, whole units); a translated
 * error saying what to type otherwise. */
gboolean  tb_payment_service_validate_amount (TbPaymentService  *self,
                                              gint64             amount,
                                              gint64             due,
                                              GError           **error);

void      tb_payment_service_open_async   (TbPaymentService    *self,
                                           gint64               bill_id,
                                           gint64               amount,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* The PENDING intent, with its QR. */
TbIntent *tb_payment_service_open_finish  (TbPaymentService    *self,
                                           GAsyncResult        *result,
                                           GError             **error);

void      tb_payment_service_check_async  (TbPaymentService    *self,
                                           gint64               intent_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  tb_payment_service_check_finish (TbPaymentService    *self,
                                           GAsyncResult        *result,
                                           TbCheckOutcome      *out_outcome,
                                           GError             **error);

void      tb_payment_service_cancel_async  (TbPaymentService    *self,
                                            gint64               intent_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean  tb_payment_service_cancel_finish (TbPaymentService    *self,
                                            GAsyncResult        *result,
                                            TbCheckOutcome      *out_outcome,
                                            GError             **error);

void      tb_payment_service_expire_async  (TbPaymentService    *self,
                                            gint64               intent_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean  tb_payment_service_expire_finish (TbPaymentService    *self,
                                            GAsyncResult        *result,
                                            TbCheckOutcome      *out_outcome,
                                            GError             **error);

/* Whether @error may go away by itself (network, timeout, server): callers back off and retry. */
gboolean  tb_payment_service_error_is_transient (TbPaymentService *self,
                                                 const GError     *error);

G_END_DECLS
