/* tb-qpay-error.h: the TB_QPAY_ERROR domain
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every error from the QPay client is in this domain, except a cancellation, which stays
 * G_IO_ERROR_CANCELLED so that callers can ignore it the usual way.
 *
 * Errors QPay itself answered (codes REJECTED … SERVER) carry QPay's error key
 * ("INVOICE_NOTFOUND", "NO_CREDENDIALS" sic, "VAT_AMOUNT_INVALID", …) and the HTTP status;
 * read them with tb_qpay_error_get_key() / tb_qpay_error_get_http_status(). The message is
 * translated, says what the receptionist can do, and never contains a token, a secret, a
 * phone number or a TIN (QPay's own "message" text is never copied into it). */
#define TB_QPAY_ERROR (tb_qpay_error_quark ())

typedef enum
{
  TB_QPAY_ERROR_REJECTED,        /* 400/409 and other 4xx: QPay refused the request (key set) */
  TB_QPAY_ERROR_UNAUTHORIZED,    /* 401/403, or the login itself failed (key set when known) */
  TB_QPAY_ERROR_NOT_FOUND,       /* 422: QPay's "not found" (INVOICE_NOTFOUND, PAYMENT_NOTFOUND …) */
  TB_QPAY_ERROR_SERVER,          /* 5xx */
  TB_QPAY_ERROR_NETWORK,         /* could not connect, connection lost, TLS verification failed */
  TB_QPAY_ERROR_TIMEOUT,         /* no complete answer within the client's timeout */
  TB_QPAY_ERROR_BAD_RESPONSE,    /* not JSON, truncated, too big, missing or mistyped fields */
  TB_QPAY_ERROR_INVALID_REQUEST, /* refused locally before anything was sent */
  TB_QPAY_ERROR_CONFIG,          /* the client configuration is unusable (e.g. plain http) */
} TbQpayErrorCode;

GQuark      tb_qpay_error_quark           (void);

/* QPay's error key (e.g. "INVOICE_PAID"), or NULL when the error has none (network, timeout,
 * a body without a key …) or is not in TB_QPAY_ERROR. */
const char *tb_qpay_error_get_key         (const GError *error);
/* The HTTP status QPay answered with, or 0 when there was no answer or the error is not in
 * TB_QPAY_ERROR. */
guint       tb_qpay_error_get_http_status (const GError *error);
/* TRUE when @error is in TB_QPAY_ERROR and carries exactly @key. */
gboolean    tb_qpay_error_has_key         (const GError *error,
                                           const char   *key);

/* Builds the error for an answer from QPay: picks the code from the HTTP status and the
 * translated message from the key (a generic message for unknown keys). @key may be NULL.
 * A key that does not look like one ([A-Z0-9_], at most 64) is dropped, so server text
 * never reaches the message. */
GError     *tb_qpay_error_new_from_response (guint       http_status,
                                             const char *key);
/* Builds an error of @code without key or status (network, timeout, bad response …). */
GError     *tb_qpay_error_new_literal     (TbQpayErrorCode  code,
                                           const char      *message);

/* The translated message for @key, or NULL when the key is not one Tulbur knows. */
const char *tb_qpay_error_message_for_key (const char *key);

G_END_DECLS
