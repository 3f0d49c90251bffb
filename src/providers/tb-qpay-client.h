/* tb-qpay-client.h: the QPay merchant API v2 client
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tb-qpay-error.h"
#include "tb-qpay-request.h"
#include "tb-qpay-token.h"
#include "tb-qpay-types.h"

G_BEGIN_DECLS

/* Every call is asynchronous (GTask, libsoup 3) and never blocks the main loop. Each call:
 * - gets a token from the token manager (one login for any number of concurrent calls);
 * - on a 401 discards that token, logs in again with Basic auth and retries once, never more;
 * - reads (get invoice, payment check, get payment, list) are retried on network errors,
 *   timeouts and 5xx with exponential backoff; nothing else is ever retried blindly — after
 *   a failed create the caller retries with the same sender_invoice_no;
 * - errors are TB_QPAY_ERROR (see tb-qpay-error.h) or G_IO_ERROR_CANCELLED.
 * The base URL must be https, except for loopback addresses (the simulator and tests). */
#define TB_TYPE_QPAY_CLIENT (tb_qpay_client_get_type ())

G_DECLARE_FINAL_TYPE (TbQpayClient, tb_qpay_client, TB, QPAY_CLIENT, GObject)

#define TB_QPAY_CLIENT_DEFAULT_TIMEOUT_MS    20000
#define TB_QPAY_CLIENT_DEFAULT_ATTEMPTS      3
#define TB_QPAY_CLIENT_DEFAULT_BACKOFF_MS    500
#define TB_QPAY_CLIENT_DEFAULT_BACKOFF_MAX_MS 8000

/* TB_QPAY_ERROR_CONFIG when the URL is not https (nor loopback http) or credentials are
 * missing. @store may be NULL (a private in-memory token store). */
TbQpayClient       *tb_qpay_client_new              (const TbQpayConfig   *config,
                                                     TbQpayTokenStore     *store,
                                                     GError              **error);
const TbQpayConfig *tb_qpay_client_get_config       (TbQpayClient         *self);
/* The normalised host root the client talks to, without "/v2". */
const char         *tb_qpay_client_get_base_url     (TbQpayClient         *self);
TbQpayToken        *tb_qpay_client_get_token        (TbQpayClient         *self);
/* Whole-exchange deadline (connect to last byte), default 20 s. Also used for token requests. */
void                tb_qpay_client_set_timeout      (TbQpayClient         *self,
                                                     guint                 timeout_ms);
/* Reads: up to @max_attempts sends, waiting @initial_delay_ms, then doubling up to
 * @max_delay_ms, between them. */
void                tb_qpay_client_set_retry        (TbQpayClient         *self,
                                                     guint                 max_attempts,
                                                     guint                 initial_delay_ms,
                                                     guint                 max_delay_ms);

/* POST /v2/invoice (simple, full or Ebarimt form, see TbQpayInvoiceRequest). Never retried. */
void                tb_qpay_client_create_invoice_async  (TbQpayClient               *self,
                                                          const TbQpayInvoiceRequest *request,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayInvoice      *tb_qpay_client_create_invoice_finish (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* GET /v2/invoice/{invoice_id} */
void                tb_qpay_client_get_invoice_async     (TbQpayClient               *self,
                                                          const char                 *invoice_id,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayInvoiceInfo  *tb_qpay_client_get_invoice_finish    (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* DELETE /v2/invoice/{invoice_id}. INVOICE_PAID when someone paid already: check first. */
void                tb_qpay_client_cancel_invoice_async  (TbQpayClient               *self,
                                                          const char                 *invoice_id,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
gboolean            tb_qpay_client_cancel_invoice_finish (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* POST /v2/payment/check for @object_id (an invoice_id for TB_QPAY_OBJECT_INVOICE). Pages
 * start at 1; @page_limit 1–100. */
void                tb_qpay_client_check_payment_async   (TbQpayClient               *self,
                                                          TbQpayObjectType            object_type,
                                                          const char                 *object_id,
                                                          guint                       page_number,
                                                          guint                       page_limit,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayCheckResult  *tb_qpay_client_check_payment_finish  (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* GET /v2/payment/{payment_id} */
void                tb_qpay_client_get_payment_async     (TbQpayClient               *self,
                                                          const char                 *payment_id,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayPayment      *tb_qpay_client_get_payment_finish    (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* POST /v2/payment/list. For TB_QPAY_OBJECT_INVOICE @object_id is the invoice *code*; NULL
 * means the configured one. @start/@end may be NULL (the last 24 hours). */
void                tb_qpay_client_list_payments_async   (TbQpayClient               *self,
                                                          TbQpayObjectType            object_type,
                                                          const char                 *object_id,
                                                          GDateTime                  *start,
                                                          GDateTime                  *end,
                                                          guint                       page_number,
                                                          guint                       page_limit,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayPaymentList  *tb_qpay_client_list_payments_finish  (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* DELETE /v2/payment/cancel/{id} and /v2/payment/refund/{id} with a JSON body {callback_url,
 * note}. QPay allows both for card payments only (P2P gives PAYMENT_SETTLED). */
void                tb_qpay_client_cancel_payment_async  (TbQpayClient               *self,
                                                          const char                 *payment_id,
                                                          const char                 *note,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
gboolean            tb_qpay_client_cancel_payment_finish (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);
void                tb_qpay_client_refund_payment_async  (TbQpayClient               *self,
                                                          const char                 *payment_id,
                                                          const char                 *note,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
gboolean            tb_qpay_client_refund_payment_finish (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* POST /v2/ebarimt_v3/create */
void                tb_qpay_client_create_ebarimt_async  (TbQpayClient               *self,
                                                          const TbQpayEbarimtRequest *request,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayEbarimt      *tb_qpay_client_create_ebarimt_finish (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* DELETE /v2/ebarimt_v3/{payment_id} with {"note": …}: the path takes the *payment* id. */
void                tb_qpay_client_cancel_ebarimt_async  (TbQpayClient               *self,
                                                          const char                 *payment_id,
                                                          const char                 *note,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayEbarimt      *tb_qpay_client_cancel_ebarimt_finish (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* GET /v2/ebarimt_v3/{payment_id}: the receipt registered for a payment, if any
 * (TB_QPAY_ERROR_NOT_FOUND when none). QPay's v3 document is only known second-hand
 * (docs/qpay.md, "Ebarimt 3.0 receipts"); the receipt queue uses this to find out whether a request whose answer
 * was lost did register the receipt, and falls back to creating when the lookup is refused. */
void                tb_qpay_client_get_ebarimt_async     (TbQpayClient               *self,
                                                          const char                 *payment_id,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
TbQpayEbarimt      *tb_qpay_client_get_ebarimt_finish    (TbQpayClient               *self,
                                                          GAsyncResult               *result,
                                                          GError                    **error);

/* TRUE for http URLs whose host is a loopback address or "localhost" (the only places plain
 * http is allowed) and for every https URL. */
gboolean            tb_qpay_url_is_allowed               (const char                 *url);

G_END_DECLS
