/* tb-split.c: one payment split across methods (cash, card, a QR): what each part records
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "core/tb-money.h"
#include "core/tb-split.h"

/* The checks a part has on its own: more than zero, not absurd, and (when it gives no
 * change) not more than is due. */
static TbSplitProblem
check_part (gint64             due,
            const TbSplitPart *part)
{
  if (part->typed <= 0)
    return TB_SPLIT_NOT_POSITIVE;
  if (part->typed > TB_MONEY_MAX)
    return TB_SPLIT_TOO_LARGE;
  if (!part->gives_change && part->typed > due)
    return TB_SPLIT_OVER_DUE;

  return TB_SPLIT_OK;
}

/* Change-giving parts take what the others leave, in order. */
static gboolean
split_change_parts (gint64         due,
                    TbSplitPart   *parts,
                    guint          n_parts,
                    TbSplitResult *out)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < n_parts; i++)
    {
      TbSplitPart *part = &parts[i];
      gint64 left = due - out->recorded - out->qr;

      if (part->problem != TB_SPLIT_OK || !part->gives_change)
        continue;

      if (left <= 0)
        {
          part->problem = TB_SPLIT_COVERED;
          ok = FALSE;
          continue;
        }

      part->record = MIN (part->typed, left);
      part->change = part->typed - part->record;
      out->recorded += part->record;
      out->change += part->change;
      out->n_recordable++;
    }

  return ok;
}

gboolean
tb_split_compute (gint64         due,
                  TbSplitPart   *parts,
                  guint          n_parts,
                  TbSplitResult *out)
{
  gboolean ok = TRUE;
  gint64 fixed = 0;

  g_return_val_if_fail (n_parts == 0 || parts != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  *out = (TbSplitResult) { 0 };
  due = CLAMP (due, 0, TB_MONEY_MAX);

  /* Every amount is ≤ TB_MONEY_MAX (10^15) once checked, so these sums cannot overflow. */
  for (guint i = 0; i < n_parts; i++)
    {
      TbSplitPart *part = &parts[i];

      part->record = 0;
      part->change = 0;
      part->problem = check_part (due, part);
      if (part->problem != TB_SPLIT_OK)
        {
          ok = FALSE;
          continue;
        }

      if (part->settles_itself)
        {
          out->qr += part->typed;
        }
      else if (!part->gives_change)
        {
          part->record = part->typed;
          fixed += part->typed;
          out->n_recordable++;
        }
    }

  out->recorded = fixed;
  if (fixed + out->qr > due)
    {
      /* Nothing is split when the fixed parts are already too much together. */
      out->over = TRUE;
      out->left = 0;
      return FALSE;
    }

  if (!split_change_parts (due, parts, n_parts, out))
    ok = FALSE;

  out->left = MAX (due - out->recorded - out->qr, 0);

  return ok;
}
