/* tb-payment-service.h: payment intents from QR to settlement
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/tb-clock.h"
#include "core/tb-ledger.h"
#include "providers/tb-payment-provider.h"

G_BEGIN_DECLS

/* The one place that moves an intent through docs/payment-intents.md:
 *   open      one ledger transaction decides: reuse the bill's open intent of the same amount
 *             (same QR), or name the bill's other open intents (cancelled first, then decided
 *             again), or commit a NEW intent with its sender_invoice_no;
 *   create    (a check of a NEW intent) takes a short lease on the intent in the ledger, so that
 *             of two desks only one asks the provider; the other waits for its invoice. A failed
 *             or timed-out create leaves the intent NEW, so the next attempt sends the same
 *             number. An invoice that still arrives twice is kept as an extra invoice, cancelled,
 *             and checked until then: a payment on it is recorded, never lost;
 *   check     ask the provider about every invoice of the intent; settle the PAID rows of the
 *             invoice asked about, once each by transaction id, in one ledger transaction;
 *             record a settled payment now reported REFUNDED or FAILED as a reversal; flag (never
 *             credit) rows of another invoice or payment ids recorded for another intent;
 *   cancel    cancel at the provider; only a readable success confirms it (a lost or unreadable
 *             answer leaves the intent open, with the reason noted, and it is checked on); an
 *             invoice that turns out paid is settled instead; a final check catches a payment
 *             that raced the cancel;
 *   expire    a final check, then cancel, then EXPIRED.
 * Calls for one intent are single-flight: a check asked for while another is in flight (watcher,
 * reconciler, "Check now") joins it, so there are never two provider requests for one intent.
 * Ledger work runs in worker threads (tb_ledger_task); nothing here blocks the main loop.
 *
 * Errors: the service's own failures are TB_SERVICE_ERROR; provider (TB_QPAY_ERROR) and ledger
 * (TB_LEDGER_ERROR) errors pass through unchanged, so the advice matches the real cause. */

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
  guint          newly_reversed;  /* settled payments now recorded as reversed (refunded/failed) */
  gint64         reversed_amount; /* their sum, minor units */
  guint          flagged;         /* answer rows not credited (another invoice, a reused id) */
  gboolean       creating_elsewhere; /* NEW: another desk is creating the invoice right now */
  guint          extra_invoices;  /* other invoices of the intent not yet confirmed cancelled */
} TbCheckOutcome;

TbPaymentService  *tb_payment_service_new          (TbLedger          *ledger,
                                                    TbPaymentProvider *provider);
TbLedger          *tb_payment_service_get_ledger   (TbPaymentService  *self);
/* The clock for expiry times and waits (default: the system clock). */
void               tb_payment_service_set_clock    (TbPaymentService  *self,
                                                    TbClock           *clock);
TbClock           *tb_payment_service_get_clock    (TbPaymentService  *self);
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

/* Before staff record a cash or card payment: cancels every open QR of the bill at the
 * provider. TRUE when none of them can still be paid (each cancel was confirmed, or its check
 * shows it paid: then it is settled, and the caller reloads the bill in any case). FALSE with
 * TB_SERVICE_ERROR_QR_OPEN when a cancel could not be confirmed: recording another payment now
 * could charge the customer twice. */
void      tb_payment_service_release_bill_async  (TbPaymentService    *self,
                                                  gint64               bill_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  tb_payment_service_release_bill_finish (TbPaymentService    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Whether @error may go away by itself (network, timeout, server): callers back off and retry. */
gboolean  tb_payment_service_error_is_transient (TbPaymentService *self,
                                                 const GError     *error);

G_END_DECLS
