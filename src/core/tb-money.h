/* tb-money.h: money as integer minor units
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* All money in Tulbur is a gint64 count of minor units (1/100 of the currency unit:
 * möngö for MNT). Floating point never touches an amount. */

#define TB_MONEY_ERROR (tb_money_error_quark ())

typedef enum
{
  TB_MONEY_ERROR_EMPTY,
  TB_MONEY_ERROR_INVALID,
  TB_MONEY_ERROR_NEGATIVE,
  TB_MONEY_ERROR_PRECISION,
  TB_MONEY_ERROR_OVERFLOW,
  TB_MONEY_ERROR_ZERO,
} TbMoneyError;

/* The largest amount we accept anywhere: 10^15 minor units (10 trillion ₮).
 * Far above any real bill, and small enough that sums and products by 10 000 never overflow. */
#define TB_MONEY_MAX G_GINT64_CONSTANT (1000000000000000)

GQuark    tb_money_error_quark  (void);

/* Parses what a receptionist types: "12500", "12 500", "12,500", "12500.50", "12 500,5"
 * is NOT accepted (a comma is a grouping separator only when followed by exactly three
 * digits). Leading/trailing white space is ignored. Everything else is an error with a
 * translated message. Zero is accepted (callers that need > 0 check it). */
gboolean  tb_money_parse        (const char  *text,
                                 gint64      *out_minor,
                                 GError     **error);
/* Like tb_money_parse, but also rejects zero. */
gboolean  tb_money_parse_positive (const char  *text,
                                   gint64      *out_minor,
                                   GError     **error);
/* Parses a machine decimal string from a server ("100.00", "99", "12.5", "-3.10"): no grouping,
 * '.' as the decimal point, at most 2 decimals, sign allowed. */
gboolean  tb_money_parse_decimal (const char  *text,
                                  gint64      *out_minor,
                                  GError     **error);

/* "12 500 ₮", "12 500.50 ₮", "-300 ₮". Groups of three separated by a no-break space
 * (U+00A0); the currency sign after a no-break space. Currency codes: MNT → ₮, USD → $,
 * KHR → ៛; anything else is printed as its code. */
char     *tb_money_format       (gint64       minor,
                                 const char  *currency);
/* "12500", "12500.50": for entries (what the receptionist would type back). */
char     *tb_money_format_plain (gint64       minor);
/* "12500.00": always two decimals, for CSV, JSON strings and QPay line prices. */
char     *tb_money_format_decimal (gint64     minor);
/* "100": whole units, for QPay's `amount`; FALSE if there are minor units. */
gboolean  tb_money_to_whole     (gint64       minor,
                                 gint64      *out_whole);
const char *tb_money_currency_symbol (const char *currency);

/* Quantities are gint64 thousandths: "1" → 1000, "2.5" → 2500, "0.333" → 333. */
gboolean  tb_quantity_parse     (const char  *text,
                                 gint64      *out_milli,
                                 GError     **error);
/* "1", "2.5", "0.333" */
char     *tb_quantity_format    (gint64       milli);
/* "1.00", "2.50": QPay's two-decimal `line_quantity` (FALSE if it needs more decimals). */
gboolean  tb_quantity_format_decimal2 (gint64   milli,
                                       char   **out);

G_END_DECLS
