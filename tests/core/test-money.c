/* test-money.c: parsing and formatting money
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "core/tb-money.h"

typedef struct
{
  const char *text;
  gint64      minor;
} GoodCase;

typedef struct
{
  const char  *text;
  TbMoneyError code;
} BadCase;

static void
test_parse_good (void)
{
  static const GoodCase cases[] = {
    { "12500", 1250000 },
    { "12 500", 1250000 },
    { "12,500", 1250000 },
    { "12500.50", 1250050 },
    { "12500.5", 1250050 },
    { "  12500  ", 1250000 },
    { "\t12 500.05\n", 1250005 },
    { "0", 0 },
    { "0.01", 1 },
    { "1 234 567", 123456700 },
    { "1,234,567.89", 123456789 },
    { "12\xc2\xa0" "500", 1250000 },                 /* no-break space, as we format it */
    { "12\xc2\xa0" "500\xc2\xa0\xe2\x82\xae", 1250000 }, /* pasted "12 500 ₮" */
    { "12\xe2\x80\xaf" "500", 1250000 },             /* narrow no-break space */
    { "10000000000000", G_GINT64_CONSTANT (1000000000000000) }, /* TB_MONEY_MAX exactly */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -1;

      g_test_message ("parsing “%s”", cases[i].text);
      g_assert_true (tb_money_parse (cases[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, cases[i].minor);
    }
}

static void
test_parse_bad (void)
{
  static const BadCase cases[] = {
    { "", TB_MONEY_ERROR_EMPTY },
    { "   ", TB_MONEY_ERROR_EMPTY },
    { "-5", TB_MONEY_ERROR_NEGATIVE },
    { "-0.01", TB_MONEY_ERROR_NEGATIVE },
    { "abc", TB_MONEY_ERROR_INVALID },
    { "12a", TB_MONEY_ERROR_INVALID },
    { "1e21", TB_MONEY_ERROR_INVALID },
    { "1E5", TB_MONEY_ERROR_INVALID },
    { "12.", TB_MONEY_ERROR_INVALID },
    { ".5", TB_MONEY_ERROR_INVALID },
    { "12,50", TB_MONEY_ERROR_INVALID },       /* decimal comma is not a grouping */
    { "1,2345", TB_MONEY_ERROR_INVALID },
    { "1 2 3", TB_MONEY_ERROR_INVALID },
    { "12 500,000 000", TB_MONEY_ERROR_INVALID }, /* mixed separators */
    { "1234,567", TB_MONEY_ERROR_INVALID },    /* first group longer than 3 */
    { "12..5", TB_MONEY_ERROR_INVALID },
    { "+5", TB_MONEY_ERROR_INVALID },
    { "0x10", TB_MONEY_ERROR_INVALID },
    { "NaN", TB_MONEY_ERROR_INVALID },
    { "inf", TB_MONEY_ERROR_INVALID },
    { "12500.505", TB_MONEY_ERROR_PRECISION },
    { "0.001", TB_MONEY_ERROR_PRECISION },
    { "10000000000000.01", TB_MONEY_ERROR_OVERFLOW },
    { "99999999999999999999999", TB_MONEY_ERROR_OVERFLOW },
    { "9223372036854775808", TB_MONEY_ERROR_OVERFLOW },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = 4242;

      g_test_message ("parsing “%s”", cases[i].text);
      g_assert_false (tb_money_parse (cases[i].text, &value, &error));
      g_assert_error (error, TB_MONEY_ERROR, (gint) cases[i].code);
      g_assert_nonnull (error->message);
      g_assert_cmpstr (error->message, !=, "");
      /* Bad input changes nothing. */
      g_assert_cmpint (value, ==, 4242);
    }
}

static void
test_parse_null_and_positive (void)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 7;

  g_assert_false (tb_money_parse (NULL, &value, &error));
  g_assert_error (error, TB_MONEY_ERROR, TB_MONEY_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_false (tb_money_parse_positive ("0", &value, &error));
  g_assert_error (error, TB_MONEY_ERROR, TB_MONEY_ERROR_ZERO);
  g_clear_error (&error);
  g_assert_cmpint (value, ==, 7);

  g_assert_true (tb_money_parse_positive ("0.01", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 1);
}

static void
test_parse_decimal (void)
{
  static const GoodCase good[] = {
    { "100.00", 10000 }, { "99", 9900 }, { "12.5", 1250 }, { "-3.10", -310 },
    { "0.01", 1 }, { "100.000", 10000 }, { "1.2300", 123 },
  };
  static const char *bad[] = { "", "abc", "1,000.00", "1 000", "1.005", ".5", "5.", "1e3", "--1", "- 1" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = 0;

      g_assert_true (tb_money_parse_decimal (good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, good[i].minor);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = 0;

      g_test_message ("decimal “%s”", bad[i]);
      g_assert_false (tb_money_parse_decimal (bad[i], &value, &error));
      g_assert_nonnull (error);
    }
}

static void
test_format (void)
{
  struct { gint64 minor; const char *currency; const char *expected; } cases[] = {
    { 1250000, "MNT", "12\xc2\xa0" "500\xc2\xa0\xe2\x82\xae" },
    { 1250050, "MNT", "12\xc2\xa0" "500.50\xc2\xa0\xe2\x82\xae" },
    { 0, "MNT", "0\xc2\xa0\xe2\x82\xae" },
    { 5, "MNT", "0.05\xc2\xa0\xe2\x82\xae" },
    { -30000, "MNT", "-300\xc2\xa0\xe2\x82\xae" },
    { 100000000, NULL, "1\xc2\xa0" "000\xc2\xa0" "000\xc2\xa0\xe2\x82\xae" },
    { 99999, "USD", "999.99\xc2\xa0$" },
    { 100, "EUR", "1\xc2\xa0" "EUR" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = tb_money_format (cases[i].minor, cases[i].currency);
      g_assert_cmpstr (s, ==, cases[i].expected);
    }
}

static void
test_format_round_trip (void)
{
  /* What we print must parse back to the same amount: a receptionist may copy it. */
  gint64 samples[] = { 0, 1, 99, 100, 1250050, 123456789, G_GINT64_CONSTANT (1000000000000000) };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *pretty = tb_money_format (samples[i], "MNT");
      g_autofree char *plain = tb_money_format_plain (samples[i]);
      g_autofree char *decimal = tb_money_format_decimal (samples[i]);
      gint64 a = -1, b = -1, c = -1;

      g_assert_true (tb_money_parse (pretty, &a, NULL));
      g_assert_true (tb_money_parse (plain, &b, NULL));
      g_assert_true (tb_money_parse_decimal (decimal, &c, NULL));
      g_assert_cmpint (a, ==, samples[i]);
      g_assert_cmpint (b, ==, samples[i]);
      g_assert_cmpint (c, ==, samples[i]);
    }

  {
    g_autofree char *p = tb_money_format_plain (1250050);
    g_autofree char *d = tb_money_format_decimal (1250000);
    gint64 whole = 0;

    g_assert_cmpstr (p, ==, "12500.50");
    g_assert_cmpstr (d, ==, "12500.00");
    g_assert_true (tb_money_to_whole (1250000, &whole));
    g_assert_cmpint (whole, ==, 12500);
    g_assert_false (tb_money_to_whole (1250050, &whole));
  }
}

static void
test_quantity (void)
{
  struct { const char *text; gint64 milli; } good[] = {
    { "1", 1000 }, { "2.5", 2500 }, { "0.333", 333 }, { " 3 ", 3000 }, { "1,5", 1500 },
  };
  const char *bad[] = { "", "0", "-1", "abc", "1.2345", "1e3", "0.000", "1.", "9999999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 q = 0;
      g_assert_true (tb_quantity_parse (good[i].text, &q, NULL));
      g_assert_cmpint (q, ==, good[i].milli);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 q = 0;

      g_test_message ("quantity “%s”", bad[i]);
      g_assert_false (tb_quantity_parse (bad[i], &q, &error));
      g_assert_error (error, TB_MONEY_ERROR, error->code);
    }

  {
    g_autofree char *a = tb_quantity_format (2500);
    g_autofree char *b = tb_quantity_format (1000);
    g_autofree char *c = tb_quantity_format (333);
    g_autofree char *d = NULL;
    g_autofree char *e = NULL;

    g_assert_cmpstr (a, ==, "2.5");
    g_assert_cmpstr (b, ==, "1");
    g_assert_cmpstr (c, ==, "0.333");
    g_assert_true (tb_quantity_format_decimal2 (2500, &d));
    g_assert_cmpstr (d, ==, "2.50");
    g_assert_false (tb_quantity_format_decimal2 (333, &e));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/money/parse-good", test_parse_good);
  g_test_add_func ("/tulbur/money/parse-bad", test_parse_bad);
  g_test_add_func ("/tulbur/money/parse-null-positive", test_parse_null_and_positive);
  g_test_add_func ("/tulbur/money/parse-decimal", test_parse_decimal);
  g_test_add_func ("/tulbur/money/format", test_format);
  g_test_add_func ("/tulbur/money/round-trip", test_format_round_trip);
  g_test_add_func ("/tulbur/money/quantity", test_quantity);

  return g_test_run ();
}
