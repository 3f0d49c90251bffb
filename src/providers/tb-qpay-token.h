/* tb-qpay-token.h: the QPay access token, fetched once for any number of callers
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tb-qpay-types.h"

G_BEGIN_DECLS

/* Where the token lives. QPay keeps one live token per merchant account: a second login
 * anywhere kills the first (docs/qpay.md, "Token"). Several desks sharing one account must therefore
 * share one token; they do it by sharing a store (docs/qpay.md). The default store is memory.
 *
 * The store holds a TbQpayTokenReply (access + refresh token, both expiries as epochs). */
#define TB_TYPE_QPAY_TOKEN_STORE (tb_qpay_token_store_get_type ())

G_DECLARE_INTERFACE (TbQpayTokenStore, tb_qpay_token_store, TB, QPAY_TOKEN_STORE, GObject)

struct _TbQpayTokenStoreInterface
{
  GTypeInterface parent_iface;

  /* A copy of the stored token, or NULL. */
  TbQpayTokenReply *(*load)    (TbQpayTokenStore       *self);
  /* Replaces the stored token. */
  void              (*save)    (TbQpayTokenStore       *self,
                                const TbQpayTokenReply *token);
  /* Forgets the stored token, but only if its access token is @access_token: a 401 seen
   * with an old token must not throw away a newer one that another caller saved since. */
  void              (*discard) (TbQpayTokenStore       *self,
                                const char             *access_token);
};

TbQpayTokenReply *tb_qpay_token_store_load    (TbQpayTokenStore       *self);
void              tb_qpay_token_store_save    (TbQpayTokenStore       *self,
                                               const TbQpayTokenReply *token);
void              tb_qpay_token_store_discard (TbQpayTokenStore       *self,
                                               const char             *access_token);

#define TB_TYPE_QPAY_MEMORY_TOKEN_STORE (tb_qpay_memory_token_store_get_type ())

G_DECLARE_FINAL_TYPE (TbQpayMemoryTokenStore, tb_qpay_memory_token_store, TB, QPAY_MEMORY_TOKEN_STORE, GObject)

TbQpayTokenStore *tb_qpay_memory_token_store_new (void);

/* The token manager: logs in with Basic auth, reads `expires_in` as an epoch (below 1e9: a
 * duration), refreshes with the refresh token a margin before expiry and falls back to a
 * fresh login when refresh fails. However many callers ask while a token is being fetched,
 * exactly one request goes out. Tokens and the secret are never logged. */
#define TB_TYPE_QPAY_TOKEN (tb_qpay_token_get_type ())

G_DECLARE_FINAL_TYPE (TbQpayToken, tb_qpay_token, TB, QPAY_TOKEN, GObject)

/* Unix seconds; tests move time with it. */
typedef gint64 (*TbQpayClockFunc) (gpointer user_data);

#define TB_QPAY_TOKEN_DEFAULT_MARGIN 60

/* @base_url is the host root ("https://merchant.qpay.mn"), already checked by the client.
 * @store may be NULL (a fresh memory store). */
TbQpayToken *tb_qpay_token_new              (SoupSession         *session,
                                             const char          *base_url,
                                             const char          *client_id,
                                             const char          *client_secret,
                                             TbQpayTokenStore    *store);
/* A valid access token (transfer full). Errors are TB_QPAY_ERROR (a failed login is
 * TB_QPAY_ERROR_UNAUTHORIZED with key AUTHENTICATION_FAILED or QPay's own) or
 * G_IO_ERROR_CANCELLED for this caller only; the fetch itself goes on for the others. */
void         tb_qpay_token_get_async        (TbQpayToken         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char        *tb_qpay_token_get_finish       (TbQpayToken         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* After a 401 with @access_token: forget it (and its refresh token, which QPay has killed
 * too), so that the next get logs in again with Basic auth. */
void         tb_qpay_token_discard          (TbQpayToken         *self,
                                             const char          *access_token);
TbQpayTokenStore *tb_qpay_token_get_store   (TbQpayToken         *self);
/* Refresh this many seconds before expiry (default 60). */
void         tb_qpay_token_set_refresh_margin (TbQpayToken       *self,
                                               guint              seconds);
void         tb_qpay_token_set_timeout      (TbQpayToken         *self,
                                             guint                timeout_ms);
/* NULL restores the real clock. */
void         tb_qpay_token_set_clock        (TbQpayToken         *self,
                                             TbQpayClockFunc      clock,
                                             gpointer             user_data);

G_END_DECLS
