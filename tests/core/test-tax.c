/* test-tax.c: VAT and city tax against hand-checked values
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "core/tb-tax.h"

typedef struct
{
  gint64      quantity_milli;
  gint64      unit_price;     /* minor */
  gboolean    vat;
  gboolean    city_tax;
  gint64      amount;         /* minor */
  const char *vat_text;       /* 4 places, as QPay wants */
  const char *city_text;
} TaxCase;

/* Each row worked out by hand: VAT = gross × 10/110 (or 10/112 with city tax), city tax =
 * gross × 2/112 (or 2/102 without VAT), truncated to 4 places. */
static const TaxCase cases[] = {
  { 1000, 1100000, TRUE, FALSE, 1100000, "1000.0000", "0.0000" },    /* 11 000 ₮: divisible by 11 */
  { 1000, 5000, TRUE, FALSE, 5000, "4.5454", "0.0000" },             /* 50 ₮ → 4.5454(54…) */
  { 1000, 10000, TRUE, FALSE, 10000, "9.0909", "0.0000" },           /* 100 ₮ → 9.0909 (QPay example 9.09) */
  { 1000, 100000, TRUE, TRUE, 100000, "89.2857", "17.8571" },        /* 1000 ₮, TPA example */
  { 1000, 112000, TRUE, TRUE, 112000, "100.0000", "20.0000" },       /* PosAPI example 1120 → 100 + 20 */
  { 1000, 102000, FALSE, TRUE, 102000, "0.0000", "20.0000" },        /* city tax only: 1020 × 2/102 */
  { 1000, 123400, FALSE, FALSE, 123400, "0.0000", "0.0000" },        /* no VAT */
  { 3000, 220000, TRUE, FALSE, 660000, "600.0000", "0.0000" },       /* 3 × 2 200 ₮ = 6 600 ₮ */
  { 2500, 1000, TRUE, FALSE, 2500, "2.2727", "0.0000" },             /* 2.5 × 10 ₮ = 25 ₮ */
  { 333, 1001, TRUE, FALSE, 333, "0.3027", "0.0000" },               /* 0.333 × 10.01 = 3.33333 → 3.33 */
  { 500, 1, TRUE, FALSE, 1, "0.0009", "0.0000" },                    /* 0.5 × 0.01 = 0.005 → rounds up to 0.01 */
  { 1000, 9900, TRUE, FALSE, 9900, "9.0000", "0.0000" },             /* 99 ₮, divisible by 11 */
  { 1000, 1232000, TRUE, TRUE, 1232000, "1100.0000", "220.0000" },   /* 12 320 ₮ = 11 000 × 1.12 */
  { 7000, 1100, TRUE, FALSE, 7700, "7.0000", "0.0000" },             /* 7 × 11 ₮ */
  { 1000, 0, TRUE, TRUE, 0, "0.0000", "0.0000" },                    /* free line */
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const TaxCase *c = &cases[i];
      TbLineTax tax;
      g_autofree char *vat = NULL;
      g_autofree char *city = NULL;

      g_test_message ("case %u: %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT, i, c->quantity_milli, c->unit_price);
      g_assert_true (tb_tax_line (c->quantity_milli, c->unit_price, c->vat, c->city_tax, &tax));
      vat = tb_tax_format_e4 (tax.vat_e4);
      city = tb_tax_format_e4 (tax.city_tax_e4);
      g_assert_cmpint (tax.amount, ==, c->amount);
      g_assert_cmpstr (vat, ==, c->vat_text);
      g_assert_cmpstr (city, ==, c->city_text);
    }
}

static void
test_divisible_by_11 (void)
{
  /* The bug PRK hit with floats: every price divisible by 11 must give an exact VAT. */
  for (gint64 whole = 11; whole <= 1100000; whole += 11 * 37)
    {
      TbLineTax tax;

      tb_tax_compute (whole * 100, TRUE, FALSE, &tax);
      g_assert_cmpint (tax.vat_e4, ==, whole / 11 * 10000);
    }
}

static void
test_never_exceeds_exact (void)
{
  /* Truncation: the 4-place value is never above the exact fraction, and within 1/10000. */
  for (gint64 amount = 1; amount < 200000; amount += 7)
    {
      TbLineTax tax;

      tb_tax_compute (amount, TRUE, TRUE, &tax);
      /* exact VAT×112 = amount×100×10; check vat_e4×112 ≤ exact < (vat_e4+1)×112 */
      g_assert_cmpint (tax.vat_e4 * 112, <=, amount * 1000);
      g_assert_cmpint ((tax.vat_e4 + 1) * 112, >, amount * 1000);
      g_assert_cmpint (tax.city_tax_e4 * 112, <=, amount * 200);
      g_assert_cmpint ((tax.city_tax_e4 + 1) * 112, >, amount * 200);
    }
}

static void
test_overflow_and_bad (void)
{
  TbLineTax tax;
  gint64 amount;

  g_assert_false (tb_tax_line (0, 100, TRUE, FALSE, &tax));
  g_assert_false (tb_tax_line (-1000, 100, TRUE, FALSE, &tax));
  g_assert_false (tb_tax_line (1000, -1, TRUE, FALSE, &tax));
  g_assert_false (tb_tax_line_amount (G_MAXINT64 / 2, 100, &amount));
  g_assert_false (tb_tax_line_amount (1000000000, G_GINT64_CONSTANT (1000000000000000), &amount));
}

static void
test_e4_to_minor (void)
{
  g_assert_cmpint (tb_tax_e4_to_minor (45454), ==, 455);   /* 4.5454 → 4.55 */
  g_assert_cmpint (tb_tax_e4_to_minor (45449), ==, 454);
  g_assert_cmpint (tb_tax_e4_to_minor (10000000), ==, 100000);
  g_assert_cmpint (tb_tax_e4_to_minor (-45454), ==, -455);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/tax/table", test_table);
  g_test_add_func ("/tulbur/tax/divisible-by-11", test_divisible_by_11);
  g_test_add_func ("/tulbur/tax/never-exceeds-exact", test_never_exceeds_exact);
  g_test_add_func ("/tulbur/tax/overflow-and-bad", test_overflow_and_bad);
  g_test_add_func ("/tulbur/tax/e4-to-minor", test_e4_to_minor);

  return g_test_run ();
}
