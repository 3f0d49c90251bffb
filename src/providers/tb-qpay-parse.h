/* tb-qpay-parse.h: pure parsers of QPay's answers (bytes → records)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tb-qpay-types.h"

G_BEGIN_DECLS

/* No answer from QPay is anywhere near this; anything bigger is refused before parsing. */
#define TB_QPAY_MAX_BODY_SIZE (1024 * 1024)
/* JSON nesting deeper than this is refused before json-glib sees it (its parser recurses). */
#define TB_QPAY_MAX_JSON_DEPTH 32

/* Every parser takes the raw body, never crashes, ignores unknown fields, and on a missing
 * required field, a wrong type, a non-JSON, truncated, non-UTF-8, too deep or too big body
 * returns NULL with TB_QPAY_ERROR_BAD_RESPONSE (the message names the field, never a value).
 * Money is accepted as a string ("100.00") or a number (100, 100.5) and becomes gint64
 * minor units without floating-point arithmetic. */
TbQpayTokenReply  *tb_qpay_parse_token        (GBytes  *body,
                                               gint64   now,
                                               GError **error);
TbQpayInvoice     *tb_qpay_parse_invoice      (GBytes  *body,
                                               GError **error);
TbQpayInvoiceInfo *tb_qpay_parse_invoice_info (GBytes  *body,
                                               GError **error);
TbQpayCheckResult *tb_qpay_parse_check        (GBytes  *body,
                                               GError **error);
TbQpayPayment     *tb_qpay_parse_payment      (GBytes  *body,
                                               GError **error);
TbQpayPaymentList *tb_qpay_parse_payment_list (GBytes  *body,
                                               GError **error);
TbQpayEbarimt     *tb_qpay_parse_ebarimt      (GBytes  *body,
                                               GError **error);
/* QPay's error key from an error body: `error`, else `message` when it looks like a key
 * (upper-case identifier). NULL for anything else (HTML from a proxy, empty, free text). */
char              *tb_qpay_parse_error_key    (GBytes  *body);

/* Building blocks, shared with the simulator. */

/* Checks size, UTF-8, nesting, then parses; the root must be an object. Returns the parser
 * (which owns the nodes) and sets @out_object. */
JsonParser        *tb_qpay_parse_json_object  (GBytes      *body,
                                               JsonObject **out_object,
                                               GError     **error);
/* A JSON money value (string or number) → minor units. FALSE for any other type, more than
 * two decimals, or beyond ±TB_MONEY_MAX. */
gboolean           tb_qpay_parse_money_node   (JsonNode    *node,
                                               gint64      *out_minor);
/* A JSON tax value (string or number, up to 4 decimals) → 1/10000 units. */
gboolean           tb_qpay_parse_e4_node      (JsonNode    *node,
                                               gint64      *out_e4);
/* "89.2857", "1000", "-3.5" → 1/10^@places units; exact, no floating point. Extra decimals
 * are accepted only when they are zeros. */
gboolean           tb_qpay_parse_fixed        (const char  *text,
                                               guint        places,
                                               gint64      *out);

G_END_DECLS
