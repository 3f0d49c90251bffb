/* test-split.c: splitting one payment across cash, card and a QR
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "core/tb-money.h"
#include "core/tb-split.h"

#define CASH(amount) { .method = TB_METHOD_CASH, .gives_change = TRUE, .typed = (amount) }
#define CARD(amount) { .method = TB_METHOD_CARD, .typed = (amount) }
#define QPAY(amount) { .method = TB_METHOD_QPAY, .settles_itself = TRUE, .typed = (amount) }

static void
test_cash_exact (void)
{
  TbSplitPart parts[] = { CASH (10000) };
  TbSplitResult r;

  g_assert_true (tb_split_compute (10000, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[0].problem, ==, TB_SPLIT_OK);
  g_assert_cmpint (parts[0].record, ==, 10000);
  g_assert_cmpint (parts[0].change, ==, 0);
  g_assert_cmpint (r.recorded, ==, 10000);
  g_assert_cmpint (r.left, ==, 0);
  g_assert_cmpint (r.n_recordable, ==, 1);
  g_assert_false (r.over);
}

static void
test_cash_over_due_gives_change (void)
{
  TbSplitPart parts[] = { CASH (20000) };
  TbSplitResult r;

  g_assert_true (tb_split_compute (12500, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[0].record, ==, 12500);
  g_assert_cmpint (parts[0].change, ==, 7500);
  g_assert_cmpint (r.recorded, ==, 12500);
  g_assert_cmpint (r.change, ==, 7500);
  g_assert_cmpint (r.left, ==, 0);
}

static void
test_card_never_over_due (void)
{
  TbSplitPart parts[] = { CARD (12501) };
  TbSplitResult r;

  g_assert_false (tb_split_compute (12500, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[0].problem, ==, TB_SPLIT_OVER_DUE);
  g_assert_cmpint (parts[0].record, ==, 0);
  g_assert_cmpint (r.recorded, ==, 0);
  g_assert_cmpint (r.n_recordable, ==, 0);
}

static void
test_card_and_cash (void)
{
  /* Card first, cash takes the rest and gives change. */
  TbSplitPart parts[] = { CASH (5000), CARD (8000) };
  TbSplitResult r;

  g_assert_true (tb_split_compute (10000, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[1].record, ==, 8000);
  g_assert_cmpint (parts[0].record, ==, 2000);
  g_assert_cmpint (parts[0].change, ==, 3000);
  g_assert_cmpint (r.recorded, ==, 10000);
  g_assert_cmpint (r.change, ==, 3000);
  g_assert_cmpint (r.n_recordable, ==, 2);
  g_assert_cmpint (r.left, ==, 0);
}

static void
test_partial (void)
{
  TbSplitPart parts[] = { CASH (3000), CARD (4000) };
  TbSplitResult r;

  g_assert_true (tb_split_compute (10000, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (r.recorded, ==, 7000);
  g_assert_cmpint (r.change, ==, 0);
  g_assert_cmpint (r.left, ==, 3000);
}

static void
test_cash_covered (void)
{
  /* The card already pays everything: the cash part has nothing left to pay. */
  TbSplitPart parts[] = { CARD (10000), CASH (500) };
  TbSplitResult r;

  g_assert_false (tb_split_compute (10000, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[0].problem, ==, TB_SPLIT_OK);
  g_assert_cmpint (parts[1].problem, ==, TB_SPLIT_COVERED);
  g_assert_cmpint (parts[1].record, ==, 0);
  g_assert_cmpint (r.change, ==, 0);
}

static void
test_together_over (void)
{
  TbSplitPart parts[] = { CARD (6000), QPAY (6000), CASH (100) };
  TbSplitResult r;

  g_assert_false (tb_split_compute (10000, parts, G_N_ELEMENTS (parts), &r));
  g_assert_true (r.over);
  g_assert_cmpint (parts[0].problem, ==, TB_SPLIT_OK);
  g_assert_cmpint (parts[1].problem, ==, TB_SPLIT_OK);
  g_assert_cmpint (parts[2].record, ==, 0);
}

static void
test_qr_not_recorded (void)
{
  /* The QR is never written here, but the cash part leaves it room. */
  TbSplitPart parts[] = { QPAY (4000), CASH (10000) };
  TbSplitResult r;

  g_assert_true (tb_split_compute (10000, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[0].record, ==, 0);
  g_assert_cmpint (parts[1].record, ==, 6000);
  g_assert_cmpint (parts[1].change, ==, 4000);
  g_assert_cmpint (r.qr, ==, 4000);
  g_assert_cmpint (r.recorded, ==, 6000);
  g_assert_cmpint (r.n_recordable, ==, 1);
}

static void
test_zero_parts (void)
{
  TbSplitResult r;

  g_assert_true (tb_split_compute (10000, NULL, 0, &r));
  g_assert_cmpint (r.recorded, ==, 0);
  g_assert_cmpint (r.n_recordable, ==, 0);
  g_assert_cmpint (r.left, ==, 10000);
}

static void
test_zero_and_negative_amounts (void)
{
  TbSplitPart parts[] = { CASH (0), CARD (-5) };
  TbSplitResult r;

  g_assert_false (tb_split_compute (10000, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[0].problem, ==, TB_SPLIT_NOT_POSITIVE);
  g_assert_cmpint (parts[1].problem, ==, TB_SPLIT_NOT_POSITIVE);
  g_assert_cmpint (r.recorded, ==, 0);
}

static void
test_nothing_due (void)
{
  TbSplitPart parts[] = { CASH (100) };
  TbSplitResult r;

  g_assert_false (tb_split_compute (0, parts, G_N_ELEMENTS (parts), &r));
  g_assert_cmpint (parts[0].problem, ==, TB_SPLIT_COVERED);
}

static void
test_overflow (void)
{
  /* Amounts beyond TB_MONEY_MAX are refused, and the largest ones never overflow a sum. */
  TbSplitPart huge[] = { CASH (G_MAXINT64), CARD (G_MAXINT64) };
  TbSplitPart max[] = { CARD (TB_MONEY_MAX), QPAY (TB_MONEY_MAX), CASH (TB_MONEY_MAX) };
  TbSplitPart cash_max[] = { CARD (1), CASH (TB_MONEY_MAX) };
  TbSplitResult r;

  g_assert_false (tb_split_compute (TB_MONEY_MAX, huge, G_N_ELEMENTS (huge), &r));
  g_assert_cmpint (huge[0].problem, ==, TB_SPLIT_TOO_LARGE);
  g_assert_cmpint (huge[1].problem, ==, TB_SPLIT_TOO_LARGE);
  g_assert_cmpint (r.recorded, ==, 0);

  g_assert_false (tb_split_compute (TB_MONEY_MAX, max, G_N_ELEMENTS (max), &r));
  g_assert_true (r.over);

  g_assert_true (tb_split_compute (TB_MONEY_MAX, cash_max, G_N_ELEMENTS (cash_max), &r));
  g_assert_cmpint (cash_max[1].record, ==, TB_MONEY_MAX - 1);
  g_assert_cmpint (cash_max[1].change, ==, 1);
  g_assert_cmpint (r.recorded, ==, TB_MONEY_MAX);

  /* A due beyond the limit (a corrupt bill) is treated as the limit, not wrapped. */
  g_assert_true (tb_split_compute (G_MAXINT64, cash_max, G_N_ELEMENTS (cash_max), &r));
  g_assert_cmpint (r.recorded, ==, TB_MONEY_MAX);
}

static void
test_recompute_clears_outputs (void)
{
  TbSplitPart parts[] = { CASH (20000) };
  TbSplitResult r;

  g_assert_true (tb_split_compute (10000, parts, 1, &r));
  g_assert_cmpint (parts[0].change, ==, 10000);
  parts[0].typed = 0;
  g_assert_false (tb_split_compute (10000, parts, 1, &r));
  g_assert_cmpint (parts[0].record, ==, 0);
  g_assert_cmpint (parts[0].change, ==, 0);
  g_assert_cmpint (r.change, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/split/cash-exact", test_cash_exact);
  g_test_add_func ("/tulbur/split/cash-over-due-gives-change", test_cash_over_due_gives_change);
  g_test_add_func ("/tulbur/split/card-never-over-due", test_card_never_over_due);
  g_test_add_func ("/tulbur/split/card-and-cash", test_card_and_cash);
  g_test_add_func ("/tulbur/split/partial", test_partial);
  g_test_add_func ("/tulbur/split/cash-covered", test_cash_covered);
  g_test_add_func ("/tulbur/split/together-over", test_together_over);
  g_test_add_func ("/tulbur/split/qr-not-recorded", test_qr_not_recorded);
  g_test_add_func ("/tulbur/split/zero-parts", test_zero_parts);
  g_test_add_func ("/tulbur/split/zero-and-negative", test_zero_and_negative_amounts);
  g_test_add_func ("/tulbur/split/nothing-due", test_nothing_due);
  g_test_add_func ("/tulbur/split/overflow", test_overflow);
  g_test_add_func ("/tulbur/split/recompute-clears-outputs", test_recompute_clears_outputs);

  return g_test_run ();
}
