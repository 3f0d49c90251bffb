/* tb-sim-tax.c: the simulator's own reading of QPay's money and tax rules
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-sim-server-private.h"

/* Written from docs/qpay.md and nothing else: this file must share no code or
 * table with the app's src/core/tb-tax.c or its money parsers, so that a mistake there is
 * refused here (VAT_AMOUNT_INVALID, as QPay does) instead of being mirrored. A test keeps
 * src/sim free of the app's tax functions. */

/* Prices are VAT-inclusive: price = net × (100 + VAT% + city tax%) / 100, so a tax is
 * price × its rate / (100 + the rates that apply). QPay validates each line's taxes to 4
 * places, cut down (not rounded): 11 000 → 1000.0000, 50 → 4.5454, 1000 with both taxes →
 * 89.2857 + 17.8571, 1120 with both → 100 + 20 (PosAPI). */
typedef struct
{
  gboolean vat;
  gboolean city_tax;
  int      vat_percent;
  int      city_tax_percent;
} SimTaxRate;

static const SimTaxRate rates[] = {
  { TRUE,  FALSE, 10, 0 },   /* VAT 10 % */
  { TRUE,  TRUE,  10, 2 },   /* VAT 10 % + capital-city tax 2 % */
  { FALSE, TRUE,  0,  2 },   /* city tax only */
  { FALSE, FALSE, 0,  0 },   /* no tax */
};

/* Far above any invoice the simulator takes (TB_SIM_MAX_AMOUNT): no product below overflows. */
#define MAX_GROSS_E2 G_GINT64_CONSTANT (1000000000000000)

static gint64
power_of_ten (guint places)
{
  gint64 value = 1;

  while (places-- > 0)
    value *= 10;
  return value;
}

/* "-12.5" with at most @places decimals (more are accepted when they are zeros) → fixed point. */
static gboolean
parse_decimal_text (const char *text,
                    guint       places,
                    gint64     *out)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 whole = 0, fraction = 0;
  guint n_whole = 0, n_fraction = 0;

  if (*p == '-')
    negative = TRUE, p++;
  for (; g_ascii_isdigit (*p); p++, n_whole++)
    {
      /* 14 digits and 4 decimals still fit in a gint64; a 15th is refused. */
      if (n_whole >= 14)
        return FALSE;
      whole = whole * 10 + (*p - '0');
    }
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, n_fraction++)
      {
        if (n_fraction < places)
          fraction = fraction * 10 + (*p - '0');
        else if (*p != '0')
          return FALSE;
      }
  if (*p != '\0' || n_whole == 0)
    return FALSE;

  for (guint i = MIN (n_fraction, places); i < places; i++)
    fraction *= 10;
  *out = whole * power_of_ten (places) + fraction;
  if (negative)
    *out = -*out;
  return TRUE;
}

gboolean
_tb_sim_parse_decimal (JsonNode *node,
                       guint     places,
                       gint64   *out)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  GType type;

  g_return_val_if_fail (places <= 4, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return parse_decimal_text (json_node_get_string (node), places, out);
  if (type == G_TYPE_INT64)
    {
      gint64 value = json_node_get_int (node);
      gint64 limit = G_MAXINT64 / power_of_ten (places);

      if (value > limit || value < -limit)
        return FALSE;
      *out = value * power_of_ten (places);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      /* Two places more than asked, so a binary float like 89.28569999 shows its error. */
      g_ascii_formatd (buffer, sizeof buffer, "%.6f", json_node_get_double (node));
      return parse_decimal_text (buffer, places, out);
    }
  return FALSE;
}

char *
_tb_sim_format_decimal (gint64 value,
                        guint  places)
{
  gint64 scale = power_of_ten (places);
  gint64 magnitude = value < 0 ? -value : value;

  if (places == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT, value < 0 ? "-" : "",
                          magnitude / scale, (int) places, magnitude % scale);
}

gboolean
_tb_sim_line_gross (gint64  quantity_e2,
                    gint64  unit_price_e2,
                    gint64 *out_gross_e2)
{
  if (quantity_e2 <= 0 || unit_price_e2 < 0 || unit_price_e2 > MAX_GROSS_E2 ||
      (unit_price_e2 > 0 && quantity_e2 > MAX_GROSS_E2 / unit_price_e2))
    return FALSE;

  /* Quantity has two decimals: price × quantity / 100, to the nearest möngö (half up). */
  *out_gross_e2 = (quantity_e2 * unit_price_e2 + 50) / 100;
  return *out_gross_e2 <= MAX_GROSS_E2;
}

void
_tb_sim_line_taxes (gint64    gross_e2,
                    gboolean  vat,
                    gboolean  city_tax,
                    gint64   *out_vat_e4,
                    gint64   *out_city_tax_e4)
{
  const SimTaxRate *rate = &rates[G_N_ELEMENTS (rates) - 1];
  gint64 divisor;

  g_return_if_fail (gross_e2 >= 0 && gross_e2 <= MAX_GROSS_E2);

  for (gsize i = 0; i < G_N_ELEMENTS (rates); i++)
    if (rates[i].vat == vat && rates[i].city_tax == city_tax)
      rate = &rates[i];

  /* 1/100 → 1/10000 is × 100; the integer division cuts down to 4 places. */
  divisor = 100 + rate->vat_percent + rate->city_tax_percent;
  *out_vat_e4 = gross_e2 * 100 * rate->vat_percent / divisor;
  *out_city_tax_e4 = gross_e2 * 100 * rate->city_tax_percent / divisor;
}

gint64
_tb_sim_e4_to_e2 (gint64 value_e4)
{
  return value_e4 >= 0 ? (value_e4 + 50) / 100 : -((-value_e4 + 50) / 100);
}
