/* tb-qpay-http-private.h: one HTTP exchange with a deadline and a body size limit
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Sends @message (redirects off), reads the whole body up to TB_QPAY_MAX_BODY_SIZE, and
 * finishes within @timeout_ms from start to last byte. Errors: G_IO_ERROR_CANCELLED when
 * @cancellable fired, else TB_QPAY_ERROR_TIMEOUT, _NETWORK (TLS failures included) or
 * _BAD_RESPONSE (body too big). Logs method, path, status and time; never headers or
 * bodies, which hold tokens and receiver numbers. */
void    _tb_qpay_http_send_async  (SoupSession          *session,
                                   SoupMessage          *message,
                                   guint                 timeout_ms,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
/* The body (never NULL on success) and the HTTP status. */
GBytes *_tb_qpay_http_send_finish (GAsyncResult         *result,
                                   guint                *out_status,
                                   GError              **error);

/* `Authorization: Bearer …` / `Basic …`, set by hand (QPay sends no auth challenge). */
void    _tb_qpay_http_set_bearer  (SoupMessage          *message,
                                   const char           *token);

/* A session as every QPay exchange needs it: TLS verification on (the default database,
 * never overridden), no redirects followed, our User-Agent. */
SoupSession *_tb_qpay_http_session_new (void);

G_END_DECLS
