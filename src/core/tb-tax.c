/* tb-tax.c: VAT and city tax, exact in integers
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tb-money.h"
#include "tb-tax.h"

gboolean
tb_tax_line_amount (gint64  quantity_milli,
                    gint64  unit_price,
                    gint64 *out_amount)
{
  gint64 product;

  g_return_val_if_fail (out_amount != NULL, FALSE);

  if (quantity_milli <= 0 || unit_price < 0)
    return FALSE;

  if (unit_price != 0 && quantity_milli > G_MAXINT64 / unit_price)
    return FALSE;

  product = quantity_milli * unit_price;
  /* Round half up to the minor unit: 0.333 × 10.01 ₮ = 3.33333 ₮ → 3.33 ₮. */
  *out_amount = (product + 500) / 1000;

  return *out_amount <= TB_MONEY_MAX;
}

void
tb_tax_compute (gint64     amount,
                gboolean   vat,
                gboolean   city_tax,
                TbLineTax *out)
{
  /* amount is in 1/100; ×100 gives 1/10000. TB_MONEY_MAX × 100 × 10 fits easily in gint64.
   * Integer division truncates toward zero, which is the 4-place cut-down QPay accepts. */
  gint64 gross_e4 = amount * 100;

  g_return_if_fail (out != NULL);

  out->amount = amount;
  out->vat_e4 = 0;
  out->city_tax_e4 = 0;

  if (vat && city_tax)
    {
      out->vat_e4 = gross_e4 * 10 / 112;
      out->city_tax_e4 = gross_e4 * 2 / 112;
    }
  else if (vat)
    out->vat_e4 = gross_e4 * 10 / 110;
  else if (city_tax)
    out->city_tax_e4 = gross_e4 * 2 / 102;
}

gboolean
tb_tax_line (gint64     quantity_milli,
             gint64     unit_price,
             gboolean   vat,
             gboolean   city_tax,
             TbLineTax *out)
{
  gint64 amount;

  if (!tb_tax_line_amount (quantity_milli, unit_price, &amount))
    return FALSE;

  tb_tax_compute (amount, vat, city_tax, out);
  return TRUE;
}

char *
tb_tax_format_e4 (gint64 value_e4)
{
  guint64 abs_value = value_e4 < 0 ? (guint64) 0 - (guint64) value_e4 : (guint64) value_e4;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%04u", value_e4 < 0 ? "-" : "",
                          abs_value / 10000, (guint) (abs_value % 10000));
}

gint64
tb_tax_e4_to_minor (gint64 value_e4)
{
  if (value_e4 >= 0)
    return (value_e4 + 50) / 100;
  return -((-value_e4 + 50) / 100);
}
