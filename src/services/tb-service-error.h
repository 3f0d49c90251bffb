/* tb-service-error.h: what went wrong in a service, in words that lead to the right advice
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Services (payments, receipts, reconciliation) report their own failures in this domain;
 * ledger errors (TB_LEDGER_ERROR) and provider errors (TB_QPAY_ERROR, …) pass through
 * unchanged, so the advice shown to staff follows from the real cause. The message of a
 * TB_SERVICE_ERROR is translated and safe to show (no secrets, no receivers). */

#define TB_SERVICE_ERROR (tb_service_error_quark ())

typedef enum
{
  TB_SERVICE_ERROR_NETWORK,          /* the provider could not be reached: nothing was done */
  TB_SERVICE_ERROR_UNKNOWN_OUTCOME,  /* a request went out and no readable answer came back:
                                      * it may or may not have been carried out */
  TB_SERVICE_ERROR_PROVIDER,         /* the provider answered with a refusal */
  TB_SERVICE_ERROR_NOT_CONFIGURED,   /* credentials or settings are missing */
  TB_SERVICE_ERROR_CHANGED,          /* the bill or the QR changed meanwhile: reload */
  TB_SERVICE_ERROR_QR_OPEN,          /* a QR for this bill may still be paid, and could not be
                                      * cancelled: another payment would risk a double charge */
  TB_SERVICE_ERROR_DEADLINE,         /* the whole pass ran out of time */
  TB_SERVICE_ERROR_FAILED,           /* anything else */
} TbServiceError;

GQuark tb_service_error_quark (void);

G_END_DECLS
