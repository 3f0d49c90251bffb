/* tb-sim-server.h: a QPay merchant API v2 simulator on 127.0.0.1
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "providers/tb-qpay-types.h"

G_BEGIN_DECLS

/* The simulator answers the QPay v2 endpoints with QPay's shapes, status codes and quirks
 * (docs/qpay.md), validating every request the way QPay does:
 *
 *   POST   /v2/auth/token              Basic auth; one live token per merchant (a new login
 *   POST   /v2/auth/refresh            kills the previous access and refresh tokens)
 *   POST   /v2/invoice                 simple, full (lines + taxes) and Ebarimt forms
 *   GET    /v2/invoice/{id}            422 INVOICE_NOTFOUND when unknown
 *   DELETE /v2/invoice/{id}            INVOICE_PAID, INVOICE_ALREADY_CANCELED
 *   POST   /v2/payment/check           paged; `paid_amount` a number, absent when unpaid
 *   GET    /v2/payment/{id}            get-style field names
 *   POST   /v2/payment/list            list-style field names
 *   DELETE /v2/payment/cancel/{id}     JSON body on a DELETE; card payments only
 *   DELETE /v2/payment/refund/{id}     (P2P: 400 PAYMENT_SETTLED)
 *   POST   /v2/ebarimt_v3/create       basic receipts (issue #6 extends this)
 *   GET    /v2/ebarimt_v3/{payment_id} the payment's receipt; 422 EBARIMT_NOT_REGISTERED
 *   DELETE /v2/ebarimt_v3/{payment_id} JSON body {"note"}; status "CANCELED"
 *
 * It is driven in-process with the functions below, or over HTTP by other processes (the
 * CLI tests run `tulbur-sim` as a child) with these control endpoints, all JSON:
 *
 *   GET    /sim/invoices                      {"invoices":[{invoice_id, sender_invoice_no,
 *                                              invoice_code, status, amount, paid_amount}]}
 *   GET    /sim/invoices/{id}                 one of those, or 404
 *   POST   /sim/invoices/{id}/pay             {"amount": 100, "type": "P2P"|"CARD"}, both optional;
 *                                             no amount = what is still due; paying a paid,
 *                                             expired or cancelled invoice is allowed (it
 *                                             happens); → {"payment_id", "status", "paid_amount"}
 *   POST   /sim/invoices/{id}/expire          the invoice expires
 *   POST   /sim/invoices/{id}/cancel          QPay's side cancels it
 *   POST   /sim/tokens/invalidate             "another station logged in": the live token dies
 *   POST   /sim/faults                        {"path": "/v2/payment/check", "status": 503,
 *                                              "body": "malformed"|"truncated"|"huge"|"empty",
 *                                              "latency_ms": 2000, "hang": true, "count": 1}
 *                                             (all optional; count -1 = until cleared; a 401
 *                                             status = "401 on the next call")
 *   DELETE /sim/faults                        clears the faults
 *   POST   /sim/config                        {"latency_ms", "token_lifetime", "expires_in":
 *                                              "epoch"|"duration", "ebarimt_enabled",
 *                                              "empty_qr_image_every"}
 *   GET    /sim/stats                         {"logins", "refreshes", "requests"}
 *   POST   /sim/reset                         forgets invoices, payments, faults, counters
 *
 * Simulated payments get 15-digit numeric payment ids (like P2P payments). */

#define TB_SIM_DEMO_CLIENT_ID            "TULBUR_DEMO"
#define TB_SIM_DEMO_CLIENT_SECRET        "demo"
#define TB_SIM_DEMO_INVOICE_CODE         "TULBUR_DEMO_INVOICE"
/* Ebarimt-invoice form needs an Ebarimt-enabled code; QPay issues them as "EB_…". */
#define TB_SIM_DEMO_EBARIMT_INVOICE_CODE "EB_TULBUR_DEMO_INVOICE"
/* The simulator's minimum and maximum invoice amounts (QPay has both, undocumented), in
 * minor units: 10 ₮ and 100 000 000 ₮. */
#define TB_SIM_MIN_AMOUNT                G_GINT64_CONSTANT (1000)
#define TB_SIM_MAX_AMOUNT                G_GINT64_CONSTANT (10000000000)

#define TB_TYPE_SIM_SERVER (tb_sim_server_get_type ())

G_DECLARE_FINAL_TYPE (TbSimServer, tb_sim_server, TB, SIM_SERVER, GObject)

typedef enum
{
  TB_SIM_BODY_NORMAL,
  TB_SIM_BODY_MALFORMED,   /* an HTML error page instead of JSON */
  TB_SIM_BODY_TRUNCATED,   /* the real answer cut in half */
  TB_SIM_BODY_HUGE,        /* valid JSON of 2 MiB */
  TB_SIM_BODY_EMPTY,
} TbSimBody;

typedef struct
{
  const char *path_prefix;  /* only requests whose path starts with this; NULL: every /v2 call */
  guint       status;       /* answer this instead of handling the request (0: handle it) */
  TbSimBody   body;         /* replace the answer's body */
  guint       latency_ms;   /* answer this much later */
  gboolean    hang;         /* never answer (the request is still handled: a create that
                             * "times out" has created the invoice, as on the real server) */
  int         count;        /* matching requests it applies to; -1: until cleared; 0 → 1 */
} TbSimFault;

typedef struct
{
  char   *invoice_id;
  char   *sender_invoice_no;
  char   *invoice_code;
  char   *status;           /* "OPEN", "CLOSED", "CANCELLED", "EXPIRED" */
  gint64  amount;           /* minor units */
  gint64  paid;             /* minor units, PAID payments only */
} TbSimInvoiceInfo;

void              tb_sim_invoice_info_free         (TbSimInvoiceInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbSimInvoiceInfo, tb_sim_invoice_info_free)

TbSimServer      *tb_sim_server_new                (void);
/* Listens on 127.0.0.1:@port (0: any free port) in the thread-default main context. */
gboolean          tb_sim_server_start              (TbSimServer       *self,
                                                    guint16            port,
                                                    GError           **error);
/* Answers paused requests, disconnects. Also done on dispose. */
void              tb_sim_server_stop               (TbSimServer       *self);
guint16           tb_sim_server_get_port           (TbSimServer       *self);
/* "http://127.0.0.1:PORT" (NULL before start). */
const char       *tb_sim_server_get_url            (TbSimServer       *self);
/* A client configuration for the simulator with the demo credentials. */
TbQpayConfig     *tb_sim_server_new_config         (TbSimServer       *self);

/* Payment simulation. @amount in minor units; 0 = what is still due (the whole amount once
 * more for an invoice already paid). Returns the new payment id. */
char             *tb_sim_server_pay_invoice        (TbSimServer       *self,
                                                    const char        *invoice_id,
                                                    gint64             amount,
                                                    gboolean           card,
                                                    GError           **error);
gboolean          tb_sim_server_expire_invoice     (TbSimServer       *self,
                                                    const char        *invoice_id,
                                                    GError           **error);
gboolean          tb_sim_server_cancel_invoice     (TbSimServer       *self,
                                                    const char        *invoice_id,
                                                    GError           **error);
/* NULL when unknown. */
TbSimInvoiceInfo *tb_sim_server_get_invoice        (TbSimServer       *self,
                                                    const char        *invoice_id);
/* Newest first; TbSimInvoiceInfo*. */
GPtrArray        *tb_sim_server_list_invoices      (TbSimServer       *self);

/* Tokens. */
void              tb_sim_server_invalidate_tokens  (TbSimServer       *self);
/* Access and refresh tokens live @seconds (default 86400); `expires_in` is sent as an epoch
 * (what QPay does) or, with @as_duration, as seconds. */
void              tb_sim_server_set_token_lifetime (TbSimServer       *self,
                                                    gint64             seconds,
                                                    gboolean           as_duration);
void              tb_sim_server_set_credentials    (TbSimServer       *self,
                                                    const char        *client_id,
                                                    const char        *client_secret);

/* Behaviour. */
void              tb_sim_server_set_ebarimt_enabled (TbSimServer      *self,
                                                     gboolean          enabled);
/* Every @every-th invoice has an empty `qr_image` (QPay does that); 0: never; default 3. */
void              tb_sim_server_set_empty_qr_image  (TbSimServer      *self,
                                                     guint             every);
/* Standing latency for every /v2 answer (demo mode uses a little for realism). */
void              tb_sim_server_set_latency        (TbSimServer       *self,
                                                    guint              latency_ms);
void              tb_sim_server_add_fault          (TbSimServer       *self,
                                                    const TbSimFault  *fault);
void              tb_sim_server_clear_faults       (TbSimServer       *self);

/* Counters since start or reset. */
guint             tb_sim_server_get_login_count    (TbSimServer       *self);
guint             tb_sim_server_get_refresh_count  (TbSimServer       *self);
/* /v2 requests received whose "METHOD /path" starts with @prefix ("POST /v2/invoice",
 * "GET /v2/payment/"); NULL counts all. */
guint             tb_sim_server_count_requests     (TbSimServer       *self,
                                                    const char        *prefix);
void              tb_sim_server_reset              (TbSimServer       *self);

G_END_DECLS
