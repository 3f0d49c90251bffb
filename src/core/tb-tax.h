/* tb-tax.h: VAT and city tax, exact in integers
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prices are VAT-inclusive. Taxes are computed per line at 1/10000 of the currency unit
 * ("e4"), truncated to 4 places exactly the way QPay validates (docs/qpay.md):
 *   VAT only:          VAT = gross × 10/110
 *   VAT + city tax:    VAT = gross × 10/112, city tax = gross × 2/112
 *   city tax only:     city tax = gross × 2/102
 * e.g. 11 000 ₮ → VAT 1000.0000; 50 ₮ → 4.5454; 1000 ₮ with city tax → 89.2857 + 17.8571.
 * Bill totals are exact sums of the line values. */

typedef struct
{
  gint64 amount;        /* line gross, minor units (1/100), VAT-inclusive */
  gint64 vat_e4;        /* VAT, 1/10000 units */
  gint64 city_tax_e4;   /* city tax, 1/10000 units */
} TbLineTax;

/* gross = round_half_up (quantity_milli × unit_price / 1000). FALSE on overflow or bad input. */
gboolean tb_tax_line_amount (gint64  quantity_milli,
                             gint64  unit_price,
                             gint64 *out_amount);
/* Taxes contained in a gross amount (minor units). */
void     tb_tax_compute     (gint64     amount,
                             gboolean   vat,
                             gboolean   city_tax,
                             TbLineTax *out);
/* Both steps at once; FALSE on overflow. */
gboolean tb_tax_line        (gint64     quantity_milli,
                             gint64     unit_price,
                             gboolean   vat,
                             gboolean   city_tax,
                             TbLineTax *out);
/* "1000.0000", "4.5454": the 4-place decimal string QPay expects for line taxes. */
char    *tb_tax_format_e4   (gint64     value_e4);
/* e4 → minor units, rounded half up (for display of totals). */
gint64   tb_tax_e4_to_minor (gint64     value_e4);

G_END_DECLS
